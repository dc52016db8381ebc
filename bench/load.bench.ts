/**
 * npm run bench:load — the built-in load driver, against one local HTTP server running in a child
 * process (so the driver and the server do not share an event loop):
 *   1. closed model at max speed vs autocannon (same connections, same duration): req/s ratio;
 *   2. open model at 2,000/s and 5,000/s: rate error and CPU used;
 *   3. memory of the aggregation path after 100k vs 5M requests (RSS ratio), each in a fresh
 *      process fed synthetic samples spread over the run length the real rate would need.
 * Ratios are against baselines measured in this same run; nothing here asserts timings.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ResolvedLoad } from '../src/experiment/resolved.ts';
import { BuiltinLoadDriver } from '../src/load/builtin.ts';
import { runClosedLoad } from '../src/load/closed-model.ts';
import { LoadSample } from '../src/load/load-sample.ts';
import { LoadRecorder } from '../src/load/load-report.ts';
import type { Sample } from '../src/load/sample.ts';

const SELF = fileURLToPath(import.meta.url);
const CLOSED_SECONDS = Number(process.env.BENCH_CLOSED_SECONDS ?? 5);
const OPEN_SECONDS = Number(process.env.BENCH_OPEN_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);

const SERVER_SOURCE = `
const http = require('node:http');
const server = http.createServer((req, res) => { res.setHeader('content-type', 'text/plain'); res.end('ok'); });
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => process.send(server.address().port));
process.on('disconnect', () => process.exit(0));
`;

if (process.argv[2] === '--memory-child') {
  await memoryChild(Number(process.argv[3]), Number(process.argv[4]));
} else {
  await main();
}

async function main(): Promise<void> {
  console.log(`bench:load — node ${process.version}, ${CONNECTIONS} connections; server in a child process`);
  const { url, child } = await startServer();
  try {
    await closedVsAutocannon(url);
    for (const rate of [2_000, 5_000]) await openModel(url, rate);
  } finally {
    child.kill();
  }
  await memory();
}

async function startServer(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['-e', SERVER_SOURCE], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message) => resolve(Number(message)));
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}/`, child };
}

function loadFor(url: string, perSecond: number): ResolvedLoad {
  return {
    driver: 'builtin',
    rate: { kind: 'constant', perSecond },
    timeoutMs: 5_000,
    maxInFlight: Math.max(100, 2 * perSecond * 5),
    connections: CONNECTIONS,
    requests: [{ name: 'get', method: 'GET', url, headers: {}, weight: 1 }],
    success: { statuses: [[200, 399]] },
  };
}

interface ClosedRun {
  readonly perSecond: number;
  /** Client CPU (this process) per request, µs. */
  readonly cpuUsPerRequest: number;
}

async function runOurs(url: string, seconds: number): Promise<ClosedRun> {
  const recorder = new LoadRecorder();
  const origin = performance.now();
  const cpuBefore = process.cpuUsage();
  const summary = await runClosedLoad(loadFor(url, 1), {
    now: () => performance.now() - origin,
    onSample: recorder.record,
    signal: new AbortController().signal,
    durationMs: seconds * 1_000,
    drainMs: 2_000,
  });
  const cpu = process.cpuUsage(cpuBefore);
  const all = recorder.timeline.summarize(0, Infinity);
  if (all.successes !== all.total) console.log(`  warning: ${all.total - all.successes} failures in the closed run`);
  return { perSecond: summary.scheduled / seconds, cpuUsPerRequest: (cpu.user + cpu.system) / summary.scheduled };
}

async function runAutocannon(url: string, seconds: number): Promise<ClosedRun> {
  const moduleName = 'autocannon';
  const { default: autocannon } = (await import(moduleName)) as {
    default: (options: Record<string, unknown>) => Promise<{ requests: { total: number }; duration: number; errors: number; non2xx: number }>;
  };
  const cpuBefore = process.cpuUsage();
  const result = await autocannon({ url, connections: CONNECTIONS, pipelining: 1, duration: seconds });
  const cpu = process.cpuUsage(cpuBefore);
  return { perSecond: result.requests.total / result.duration, cpuUsPerRequest: (cpu.user + cpu.system) / result.requests.total };
}

async function closedVsAutocannon(url: string): Promise<void> {
  const rounds = 3;
  console.log(`\n1. closed model, max speed, ${CLOSED_SECONDS} s per run, ${rounds} alternated rounds after a warm-up of each:`);
  await runAutocannon(url, 1);
  await runOurs(url, 1);
  const ours: ClosedRun[] = [];
  const theirs: ClosedRun[] = [];
  for (let round = 0; round < rounds; round++) {
    const a = await runAutocannon(url, CLOSED_SECONDS);
    const b = await runOurs(url, CLOSED_SECONDS);
    console.log(`   round ${round + 1}: autocannon ${a.perSecond.toFixed(0)} req/s (${a.cpuUsPerRequest.toFixed(1)} µs CPU/req), rebound ${b.perSecond.toFixed(0)} req/s (${b.cpuUsPerRequest.toFixed(1)} µs CPU/req)`);
    theirs.push(a);
    ours.push(b);
  }
  const median = (runs: ClosedRun[], key: keyof ClosedRun) => runs.map((run) => run[key]).sort((x, y) => x - y)[Math.floor(runs.length / 2)]!;
  const best = (runs: ClosedRun[]) => Math.max(...runs.map((run) => run.perSecond));
  console.log(`   throughput ratio rebound/autocannon: median ${(median(ours, 'perSecond') / median(theirs, 'perSecond')).toFixed(3)}×, best ${(best(ours) / best(theirs)).toFixed(3)}× (goal ≥ 1.0×)`);
  console.log(`   client CPU per request ratio rebound/autocannon: ${(median(ours, 'cpuUsPerRequest') / median(theirs, 'cpuUsPerRequest')).toFixed(3)}× (includes rebound's timeline recording)`);
}

async function openModel(url: string, rate: number): Promise<void> {
  const durationMs = OPEN_SECONDS * 1_000;
  const recorder = new LoadRecorder();
  const lags: number[] = [];
  let sentInWindow = 0;
  const onSample = (sample: Sample) => {
    recorder.record(sample);
    if (sample.failure !== 'dropped') {
      lags.push(sample.sentMs - sample.scheduledMs);
      if (sample.sentMs < durationMs) sentInWindow++;
    }
  };
  const origin = performance.now();
  const cpuBefore = process.cpuUsage();
  const summary = await new BuiltinLoadDriver().run(loadFor(url, rate), {
    now: () => performance.now() - origin,
    onSample,
    signal: new AbortController().signal,
    durationMs,
    drainMs: 5_000,
  });
  const cpu = process.cpuUsage(cpuBefore);
  const wallMs = performance.now() - origin;
  const all = recorder.timeline.summarize(0, durationMs);
  const expected = rate * OPEN_SECONDS;
  lags.sort((a, b) => a - b);
  const lag = (p: number) => lags[Math.min(lags.length - 1, Math.ceil((p / 100) * lags.length) - 1)]!.toFixed(2);
  const cpuMs = (cpu.user + cpu.system) / 1_000;
  console.log(`\n2. open model at ${rate}/s for ${OPEN_SECONDS} s:`);
  console.log(`   scheduled ${all.total} (error ${pct(Math.abs(all.total - expected) / expected)}), sent within the window ${sentInWindow} (error ${pct(Math.abs(sentInWindow - expected) / expected)}) — goal ≤ 1 %`);
  console.log(`   dropped ${summary.dropped}, successes ${all.successes}/${all.total}, send lag after the planned instant p50 ${lag(50)} ms p99 ${lag(99)} ms`);
  console.log(`   latency from scheduled time p50 ${all.latency?.p50} ms p99 ${all.latency?.p99} ms`);
  console.log(`   CPU ${cpuMs.toFixed(0)} ms over ${wallMs.toFixed(0)} ms wall = ${pct(cpuMs / wallMs)} of one core, ${((cpuMs * 1_000) / all.total).toFixed(1)} µs per request`);
}

async function memory(): Promise<void> {
  console.log('\n3. memory of the aggregation path (Timeline + service-time histogram), synthetic samples, fresh process each:');
  console.log('   (5M requests at 5,000/s would take 1,000 s: samples are generated, no HTTP; the driver keeps no per-request state after completion)');
  const small = await runMemoryChild(100_000, 20);
  const large = await runMemoryChild(5_000_000, 1_000);
  for (const [label, result] of [['100k over 20 s', small], ['5M over 1,000 s', large]] as const) {
    console.log(`   ${label.padEnd(16)} RSS ${mb(result.rss)}  heap ${mb(result.heapUsed)}  external+arrayBuffers ${mb(result.external)}  timeline ${mb(result.timelineBytes)}  (${result.buckets} buckets, ${result.recordMs.toFixed(0)} ms to record)`);
  }
  console.log(`   RSS ratio 5M / 100k = ${(large.rss / small.rss).toFixed(3)} (goal ≤ 1.3)`);
}

interface MemoryResult {
  rss: number;
  heapUsed: number;
  external: number;
  timelineBytes: number;
  buckets: number;
  recordMs: number;
}

function runMemoryChild(requests: number, seconds: number): Promise<MemoryResult> {
  return new Promise((resolve, reject) => {
    const child = fork(SELF, ['--memory-child', String(requests), String(seconds)], { execArgv: ['--import', 'tsx', '--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (message) => resolve(message as MemoryResult));
    child.once('exit', (code) => code !== 0 && reject(new Error(`memory child exited with ${code}`)));
  });
}

/** Feeds `requests` samples spread evenly over `seconds`, in completion order, through the same sink a run uses. */
async function memoryChild(requests: number, seconds: number): Promise<void> {
  // Load the same modules a real run has loaded, so both processes start from the same baseline.
  await import('undici');
  const recorder = new LoadRecorder();
  const spacingMs = (seconds * 1_000) / requests;
  let seed = 12345;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const started = performance.now();
  for (let i = 0; i < requests; i++) {
    const scheduledMs = i * spacingMs;
    const sentMs = scheduledMs + random() * 0.3;
    // Service time: ~1–3 ms body with a long tail, as on a loopback server under load.
    const service = 0.8 + random() * 2 + (random() < 0.01 ? random() * 200 : 0);
    const ok = random() > 0.001;
    recorder.record(new LoadSample(scheduledMs, sentMs, sentMs + service, ok, ok ? 200 : 503, ok ? undefined : 'http_status', random() < 0.5 ? 'replica-a' : 'replica-b', 'get'));
  }
  const recordMs = performance.now() - started;
  recorder.timeline.seal(Infinity);
  const summary = recorder.timeline.summarize(0, Infinity);
  if (summary.total !== requests) throw new Error(`recorded ${summary.total}, expected ${requests}`);
  (globalThis as { gc?: () => void }).gc?.();
  await new Promise((resolve) => setTimeout(resolve, 100));
  const usage = process.memoryUsage();
  process.send!({
    rss: usage.rss,
    heapUsed: usage.heapUsed,
    external: usage.external + usage.arrayBuffers,
    timelineBytes: recorder.timeline.memoryBytes(),
    buckets: recorder.timeline.buckets().length,
    recordMs,
  } satisfies MemoryResult);
  process.disconnect();
}

function pct(ratio: number): string {
  return `${(ratio * 100).toFixed(2)} %`;
}

function mb(bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(1)} MB`;
}
