/**
 * Self-chaos soak: runs a shipped experiment N times through the CLI, kills each run at a random
 * moment with SIGINT, SIGTERM, SIGHUP or SIGKILL (then `rebound cleanup` after SIGKILL), and
 * counts what each left behind: proxies and toxics on the Toxiproxy, processes, listening
 * ports, the journal. A last run must pass. `--fuzz` adds thousands of loader fuzz cases.
 *
 *   npm run soak -- [--trials 50] [--experiment experiments/payments-primary-down.yaml]
 *                   [--signals SIGINT,SIGTERM,SIGHUP,SIGKILL] [--max-delay 35] [--seed N]
 *                   [--fuzz [--fuzz-runs 5000]] [--no-final-run]
 *
 * The experiment runs against an external `rebound toxiproxy` on a loopback port
 * (--toxiproxy-url), so that what a killed run leaves on the Toxiproxy can be queried. It uses
 * the experiment's fixed ports: run it alone on a machine.
 * Exit 0: no leak in any trial and the final run passed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { seededRandom } from '../src/util/seeded-random.ts';
import { journalState, listeningPorts, portsLeft, SOAK_MARKER, soakProcesses, toxiproxyLeft, type JournalState, type ToxiproxyLeft } from './soak/leaks.ts';

const REPO = resolve(import.meta.dirname, '..');
const BIN = join(REPO, 'bin', 'rebound.mjs');
const FIXTURE_DIR = join(REPO, 'fixtures', 'shop');
const ALL_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGKILL'];
/** How long a killed run may take to exit, and what is left may take to go, before it counts. */
const EXIT_BOUND_MS = 60_000;
const SETTLE_BOUND_MS = 10_000;
const RUN_BOUND_MS = 180_000;

interface Options {
  readonly trials: number;
  readonly experiment: string;
  readonly signals: readonly NodeJS.Signals[];
  readonly maxDelayMs: number;
  readonly seed: number;
  readonly fuzz: boolean;
  readonly fuzzRuns: number;
  readonly finalRun: boolean;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      trials: { type: 'string' },
      experiment: { type: 'string' },
      signals: { type: 'string' },
      'max-delay': { type: 'string' },
      seed: { type: 'string' },
      fuzz: { type: 'boolean' },
      'fuzz-runs': { type: 'string' },
      'no-final-run': { type: 'boolean' },
    },
  });
  const positive = (flag: string, value: string | undefined, fallback: number): number => {
    const n = value === undefined ? fallback : Number(value);
    if (!(Number.isInteger(n) && n >= 0)) throw new Error(`--${flag} must be a whole number ≥ 0, got '${value}'`);
    return n;
  };
  const signals = (values.signals?.split(',') ?? ALL_SIGNALS).map((name) => name.trim().toUpperCase());
  const unknown = signals.filter((name) => !ALL_SIGNALS.includes(name as NodeJS.Signals));
  if (unknown.length > 0 || signals.length === 0) throw new Error(`--signals takes a list of ${ALL_SIGNALS.join(', ')}, got '${values.signals}'`);
  return {
    trials: positive('trials', values.trials, 50),
    signals: signals as NodeJS.Signals[],
    experiment: resolve(values.experiment ?? join(REPO, 'experiments', 'payments-primary-down.yaml')),
    maxDelayMs: positive('max-delay', values['max-delay'], 35) * 1000,
    seed: positive('seed', values.seed, Date.now() % 2 ** 31),
    fuzz: values.fuzz ?? false,
    fuzzRuns: positive('fuzz-runs', values['fuzz-runs'], 5000),
    finalRun: !values['no-final-run'],
  };
}


const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly output: string;
}

function rebound(args: readonly string[], env: NodeJS.ProcessEnv): { child: ChildProcess; exit: Promise<Exit> } {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output = (output + chunk).slice(-20_000)));
  child.stderr!.on('data', (chunk) => (output = (output + chunk).slice(-20_000)));
  const exit = new Promise<Exit>((done) => child.on('close', (code, signal) => done({ code, signal, output })));
  return { child, exit };
}

async function bounded<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const result = await Promise.race([promise, new Promise<'timeout'>((done) => (timer = setTimeout(() => done('timeout'), ms)))]);
  clearTimeout(timer);
  return result;
}

async function startToxiproxy(env: NodeJS.ProcessEnv): Promise<{ url: string; child: ChildProcess }> {
  const { child } = rebound(['toxiproxy', '--port', '0'], env);
  let out = '';
  child.stdout!.on('data', (chunk) => (out += chunk));
  for (let i = 0; i < 300; i++) {
    const url = /http:\/\/127\.0\.0\.1:\d+/.exec(out)?.[0];
    if (url) return { url, child };
    if (child.exitCode !== null) break;
    await sleep(50);
  }
  child.kill('SIGKILL');
  throw new Error(`rebound toxiproxy did not start: ${out}`);
}

interface TrialResult {
  readonly trial: number;
  readonly signal: NodeJS.Signals;
  readonly delayMs: number;
  readonly ended: string;
  readonly cleanup: string;
  readonly toxiproxy: ToxiproxyLeft;
  readonly processes: number;
  readonly ports: readonly number[];
  readonly journal: JournalState;
}

function leaks(result: TrialResult): number {
  return result.toxiproxy.proxies + result.toxiproxy.toxics + result.processes + result.ports.length + (result.journal === 'absent' ? 0 : 1) + (result.toxiproxy.error ? 1 : 0);
}

interface Context {
  readonly options: Options;
  readonly env: NodeJS.ProcessEnv;
  readonly token: string;
  readonly toxiproxyUrl: string;
  readonly toxiproxyPid: number;
  readonly journal: string;
  readonly outDir: string;
  readonly portsBefore: ReadonlySet<number>;
}

function runArgs(ctx: Context, out: string): string[] {
  return ['run', ctx.options.experiment, '--toxiproxy-url', ctx.toxiproxyUrl, '--journal', ctx.journal, '--out', out];
}

/** Counts what is left, waiting (bounded) for things that are on their way out. */
async function count(ctx: Context): Promise<Pick<TrialResult, 'toxiproxy' | 'processes' | 'ports' | 'journal'> & { pids: number[] }> {
  const exclude = new Set([process.pid, process.ppid, ctx.toxiproxyPid]);
  const deadline = Date.now() + SETTLE_BOUND_MS;
  for (;;) {
    const processes = await soakProcesses(ctx.token, FIXTURE_DIR, exclude);
    const ours = new Set([...processes.map((p) => p.pid), ctx.toxiproxyPid]);
    const [toxiproxy, ports, journal] = await Promise.all([toxiproxyLeft(ctx.toxiproxyUrl), portsLeft(ctx.portsBefore, ours), journalState(ctx.journal)]);
    const counts = { toxiproxy, processes: processes.length, ports, journal, pids: processes.map((p) => p.pid) };
    const clean = toxiproxy.proxies + toxiproxy.toxics + processes.length + ports.length === 0 && journal === 'absent';
    if (clean || Date.now() >= deadline) {
      for (const p of processes) process.stderr.write(`    left: pid ${p.pid} ${p.cmdline.slice(0, 160)}\n`);
      return counts;
    }
    await sleep(250);
  }
}

/** After a leaky trial: cleanup, then kill what is still ours, so the next trial counts its own leaks only. */
async function reset(ctx: Context, pids: readonly number[]): Promise<void> {
  await bounded(rebound(['cleanup', '--journal', ctx.journal], ctx.env).exit, 60_000);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  const proxies = await fetch(`${ctx.toxiproxyUrl}/proxies`, { signal: AbortSignal.timeout(5000) }).then((r) => r.json() as Promise<Record<string, unknown>>).catch(() => ({}));
  for (const name of Object.keys(proxies)) await fetch(`${ctx.toxiproxyUrl}/proxies/${encodeURIComponent(name)}`, { method: 'DELETE', signal: AbortSignal.timeout(5000) }).catch(() => undefined);
}

async function trial(ctx: Context, index: number, next: () => number): Promise<TrialResult> {
  const signals = ctx.options.signals;
  const signal = signals[Math.floor(next() * signals.length)]!;
  const delayMs = Math.round(next() * ctx.options.maxDelayMs);
  const run = rebound(runArgs(ctx, join(ctx.outDir, `trial-${index}`)), ctx.env);
  const early = await bounded(run.exit, delayMs);
  let ended: string;
  if (early === 'timeout') {
    run.child.kill(signal);
    const exit = await bounded(run.exit, EXIT_BOUND_MS);
    if (exit === 'timeout') {
      run.child.kill('SIGKILL');
      await run.exit;
      ended = `HUNG after ${signal}, SIGKILLed`;
    } else {
      ended = exit.signal ? `killed by ${exit.signal}` : `exit ${exit.code}`;
    }
  } else {
    ended = `finished first (exit ${early.code ?? early.signal})`;
  }
  let cleanup = '-';
  if (signal === 'SIGKILL' && early === 'timeout') {
    const done = await bounded(rebound(['cleanup', '--journal', ctx.journal], ctx.env).exit, 60_000);
    cleanup = done === 'timeout' ? 'HUNG' : `exit ${done.code}`;
  }
  const counted = await count(ctx);
  const result: TrialResult = { trial: index, signal, delayMs, ended, cleanup, ...counted };
  if (leaks(result) > 0) await reset(ctx, counted.pids);
  return result;
}

function row(r: TrialResult): string {
  const tp = r.toxiproxy.error ? `API error: ${r.toxiproxy.error}` : `${r.toxiproxy.proxies}/${r.toxiproxy.toxics}/${r.toxiproxy.disabled}`;
  return [String(r.trial).padStart(3), r.signal.padEnd(7), `${(r.delayMs / 1000).toFixed(1)}s`.padStart(6), r.ended.padEnd(26), r.cleanup.padEnd(8), tp.padEnd(9), String(r.processes).padStart(5), (r.ports.join(',') || '0').padEnd(6), r.journal].join('  ');
}

async function fuzz(runs: number, seed: number): Promise<boolean> {
  const fc = (await import('fast-check')).default;
  const { mutantProperty, validProperty } = await import('../test/experiment/loader-properties.ts');
  let ok = true;
  const passes: [string, ReturnType<typeof mutantProperty>, number][] = [
    ['mutated experiments', mutantProperty(), runs],
    ['valid experiments', validProperty(), Math.max(1, Math.round(runs / 5))],
  ];
  for (const [name, property, numRuns] of passes) {
    const started = Date.now();
    const outcome = await fc.check(property, { numRuns, seed });
    const took = ((Date.now() - started) / 1000).toFixed(1);
    if (outcome.failed) {
      ok = false;
      process.stdout.write(`fuzz ${name}: FAILED after ${outcome.numRuns} cases (seed ${seed}, ${took}s)\n${outcome.errorInstance instanceof Error ? outcome.errorInstance.message : String(outcome.errorInstance)}\n`);
    } else {
      process.stdout.write(`fuzz ${name}: ${outcome.numRuns} cases, 0 failures (seed ${seed}, ${took}s)\n`);
    }
  }
  return ok;
}

async function main(): Promise<number> {
  let options: Options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`soak: ${(error as Error).message}\n`);
    return 2;
  }
  const fuzzOk = options.fuzz ? await fuzz(options.fuzzRuns, options.seed) : true;
  if (options.trials === 0) return fuzzOk ? 0 : 1;

  const token = randomUUID();
  const env = { ...process.env, [SOAK_MARKER]: token, CI: 'true', NO_COLOR: '1' };
  const work = await mkdtemp(join(tmpdir(), 'rebound-soak-'));
  const portsBefore = new Set((await listeningPorts()).map((p) => p.port));
  const toxiproxy = await startToxiproxy(env);
  const ctx: Context = { options, env, token, toxiproxyUrl: toxiproxy.url, toxiproxyPid: toxiproxy.child.pid!, journal: join(work, 'journal.json'), outDir: join(work, 'out'), portsBefore: new Set([...portsBefore, Number(new URL(toxiproxy.url).port)]) };
  const next = seededRandom(options.seed);
  const results: TrialResult[] = [];
  let finalRun: string | undefined;
  let finalPassed: boolean | undefined;
  try {
    process.stdout.write(`soak: ${options.trials} trials of ${options.experiment} (seed ${options.seed}), Toxiproxy ${toxiproxy.url}\n`);
    process.stdout.write('  #  signal    delay  ended                       cleanup   prx/tox/dis  procs  ports   journal\n');
    for (let i = 1; i <= options.trials; i++) {
      const result = await trial(ctx, i, next);
      results.push(result);
      process.stdout.write(`${row(result)}\n`);
    }
    if (options.finalRun) {
      const last = await bounded(rebound(runArgs(ctx, join(ctx.outDir, 'final')), env).exit, RUN_BOUND_MS);
      finalPassed = last !== 'timeout' && last.code === 0;
      finalRun = last === 'timeout' ? 'FAILED: did not finish' : last.code === 0 ? 'passed' : last.code === 5 ? 'INCONCLUSIVE (exit 5)' : `FAILED (exit ${last.code})`;
      if (!finalPassed) process.stdout.write(`final run: ${finalRun}\n${last === 'timeout' ? '' : last.output.slice(-2000)}\n`);
      const after = await count(ctx);
      if (after.processes + after.ports.length + after.toxiproxy.proxies + after.toxiproxy.toxics > 0) {
        finalPassed = false;
        finalRun = `${finalRun}, and it left ${after.processes} processes, ${after.ports.length} ports, ${after.toxiproxy.proxies} proxies, ${after.toxiproxy.toxics} toxics`;
      }
    }
  } finally {
    toxiproxy.child.kill('SIGTERM');
    await bounded(new Promise((done) => toxiproxy.child.once('close', done)), 10_000);
    await rm(work, { recursive: true, force: true });
  }

  const sum = (pick: (r: TrialResult) => number) => results.reduce((total, r) => total + pick(r), 0);
  const bySignal = ALL_SIGNALS.map((s) => `${s} ${results.filter((r) => r.signal === s).length}`).join(', ');
  const leaky = results.filter((r) => leaks(r) > 0).length;
  process.stdout.write(
    [
      '',
      `trials: ${results.length} (${bySignal})`,
      `proxies left: ${sum((r) => r.toxiproxy.proxies)}, toxics left: ${sum((r) => r.toxiproxy.toxics)}, proxies left disabled: ${sum((r) => r.toxiproxy.disabled)}`,
      `processes left: ${sum((r) => r.processes)}, listening ports left: ${sum((r) => r.ports.length)}, journals left: ${results.filter((r) => r.journal !== 'absent').length}`,
      `runs that hung after the signal: ${results.filter((r) => r.ended.startsWith('HUNG')).length}, cleanups that failed: ${results.filter((r) => r.cleanup !== '-' && r.cleanup !== 'exit 0').length}`,
      `trials with a leak: ${leaky} of ${results.length}`,
      `final run: ${finalRun ?? 'skipped'}`,
      '',
    ].join('\n'),
  );
  return leaky === 0 && finalPassed !== false && fuzzOk ? 0 : 1;
}

process.exitCode = await main();
