/**
 * Ingest rate of k6 JSON output (`k6 run --out json`) through Rebound's parser into a
 * Timeline, on one core, against the rate k6 writes it (about 91,000 lines/s, 22 MB/s for
 * k6 0.48 at 7,000 requests/s; 9 points per request). Goal: >= 5x.
 * Compares the targeted scanner with the JSON.parse reference decoder on the same bytes.
 * Run: npm run bench:k6-ingest [-- --requests 40000]
 */
import { K6OutputParser, LINE_DECODERS } from '../src/load/k6/output-parser.ts';
import { K6SampleAssembler } from '../src/load/k6/sample-assembler.ts';
import { statusRule } from '../src/load/k6/status-rule.ts';
import { Timeline } from '../src/timeline/timeline.ts';

const K6_WRITE_LINES_PER_S = 91_000;
const K6_WRITE_BYTES_PER_S = 22e6;
const GOAL = 5;
const requestsArg = process.argv.indexOf('--requests');
const REQUESTS = requestsArg > 0 ? Number(process.argv[requestsArg + 1]) : 40_000;
const ROUNDS = 5;
const CHUNK_BYTES = 1 << 20; // what FileTail reads at a time

/** k6's trail for one request with k6's default system tags, stamped with its end time. */
function generate(requests: number): { chunks: Buffer[]; lines: number; bytes: number } {
  const start = Date.parse('2024-03-05T09:15:00Z');
  const parts: string[] = [];
  let lines = 0;
  for (let i = 0; i < requests; i++) {
    const endMs = start + (i / 7000) * 1000 + 3 + (i % 17);
    const iso = new Date(endMs).toISOString().slice(0, 23);
    const time = `${iso}${String(100000 + ((i * 7919) % 900000)).slice(1)}+01:00`.replace('T09', 'T10');
    const kind = i % 100;
    const status = kind === 0 ? '0' : kind < 3 ? '503' : '200';
    const name = i % 4 === 0 ? 'http://shop/items' : 'http://shop/pay';
    const error = status === '0' ? '"error":"dial: connection refused","error_code":"1212",' : status === '503' ? '"error_code":"1503",' : '';
    const tags = `{${error}"expected_response":"${status === '200'}","group":"","method":"GET","name":"${name}","proto":"${status === '0' ? '' : 'HTTP/1.1'}","scenario":"default","status":"${status}","url":"${name}"}`;
    const duration = status === '0' ? 0 : 2 + (i % 50) / 7;
    const values: [string, number][] = [
      ['http_reqs', 1], ['http_req_duration', duration], ['http_req_blocked', 0.004], ['http_req_connecting', 0],
      ['http_req_tls_handshaking', 0], ['http_req_sending', 0.021], ['http_req_waiting', duration - 0.05], ['http_req_receiving', 0.029],
      ['http_req_failed', status === '200' ? 0 : 1],
    ];
    for (const [metric, value] of values) {
      parts.push(`{"metric":"${metric}","type":"Point","data":{"time":"${time}","value":${value},"tags":${tags}}}\n`);
      lines++;
    }
    if (i % 7000 === 0) {
      parts.push(`{"metric":"vus","type":"Point","data":{"time":"${time}","value":40,"tags":null}}\n`);
      lines++;
    }
  }
  const all = Buffer.from(parts.join(''));
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < all.length; offset += CHUNK_BYTES) chunks.push(all.subarray(offset, offset + CHUNK_BYTES));
  return { chunks, lines, bytes: all.length };
}

function ingest(chunks: Buffer[], decoder: 'scan' | 'json'): { ms: number; samples: number } {
  const timeline = new Timeline(100);
  const epochZero = Date.parse('2024-03-05T09:15:00Z');
  let samples = 0;
  const assembler = new K6SampleAssembler({
    statusOk: statusRule([]),
    toRunMs: (epochMs) => epochMs - epochZero,
    onSample: (sample) => {
      samples++;
      timeline.record(sample);
    },
    awaitResponse: false,
  });
  const parser = new K6OutputParser(assembler, LINE_DECODERS[decoder]);
  // CPU time, not wall time: "lines/s on one core" must not count time the shared machine
  // spent running other processes (user + system of this process, GC threads included).
  const began = process.cpuUsage();
  for (const chunk of chunks) parser.write(chunk);
  parser.end();
  const used = process.cpuUsage(began);
  return { ms: (used.user + used.system) / 1000, samples };
}

const { chunks, lines, bytes } = generate(REQUESTS);
console.log(`k6 JSON output: ${REQUESTS} requests, ${lines} lines, ${(bytes / 1e6).toFixed(1)} MB, ${(bytes / lines).toFixed(0)} bytes/line`);
console.log(`baseline (k6 writing, 0.48 at 7,000 req/s): ${K6_WRITE_LINES_PER_S.toLocaleString('en')} lines/s, ${(K6_WRITE_BYTES_PER_S / 1e6).toFixed(0)} MB/s`);
ingest(chunks.slice(0, 4), 'scan'); // warm-up
ingest(chunks.slice(0, 4), 'json');
// Rounds interleave the decoders so both see the same background load (the machine is shared).
const rates: Record<'scan' | 'json', number[]> = { scan: [], json: [] };
for (let round = 0; round < ROUNDS; round++) {
  for (const decoder of ['scan', 'json'] as const) {
    const { ms, samples } = ingest(chunks, decoder);
    if (samples !== REQUESTS) throw new Error(`${decoder}: expected ${REQUESTS} samples, got ${samples}`);
    rates[decoder].push(lines / (ms / 1000));
  }
}
const results: Record<string, number> = {};
for (const decoder of ['scan', 'json'] as const) {
  const sorted = [...rates[decoder]].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  const best = sorted[sorted.length - 1]!;
  results[decoder] = median;
  const mbPerS = (median * (bytes / lines)) / 1e6;
  console.log(
    `${decoder.padEnd(4)} decoder → Timeline: median ${Math.round(median).toLocaleString('en')} lines per CPU-second (${mbPerS.toFixed(0)} MB/s; best ${Math.round(best).toLocaleString('en')}) = ${(median / K6_WRITE_LINES_PER_S).toFixed(1)}x k6's write rate (best ${(best / K6_WRITE_LINES_PER_S).toFixed(1)}x)`,
  );
}
const ratio = results.scan! / K6_WRITE_LINES_PER_S;
console.log(`scanner vs JSON.parse: ${(results.scan! / results.json!).toFixed(2)}x`);
console.log(`ratio ${ratio.toFixed(1)}x (median, scanner; goal >= ${GOAL}x): ${ratio >= GOAL ? 'met' : 'NOT met'}`);
console.log(`load average during the run: ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')} (2 cores shared: rates are per CPU-second of this process, so other load does not count)`);
