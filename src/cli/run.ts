/**
 * `rebound run <file>`: validate, preflight, run the experiment, write reports, exit with the
 * verdict's code. The only place run errors become messages and exit codes.
 */
import { rmdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { formatIssue, InfraError, UsageError, ValidationError } from '../errors.ts';
import { EXIT } from '../result/exit-codes.ts';
import { parseMetricsAddress, type MetricsAddress } from '../metrics/metrics-server.ts';
import { JournalError, DEFAULT_JOURNAL } from '../runner/journal.ts';
import { applyTargetOverrides } from '../runner/overrides.ts';
import { decideColor } from '../format/color.ts';
import { painter } from '../format/paint.ts';
import { formatProgress } from '../runner/progress-line.ts';
import { openRunHistory, type RunHistory } from '../history/run-history.ts';
import { runExperiment, RunInterruptedBeforeStart, type RunObserver } from '../runner/run-experiment.ts';
import { buildRedactor, buildReporter, prepareRunPlaces } from '../runner/run-setup.ts';
import { parseCommandLine } from './command-line.ts';

export { defaultOutDir } from '../runner/run-setup.ts';

export const RUN_USAGE = `Usage: rebound run <file> [options]

Run an experiment: inject its faults, drive its load, check its SLOs, write its reports.

Options:
  --out DIR             output directory (default reports/<experiment>/<YYYYMMDD-HHMMSS>/)
  --dry-run             resolve the target, run preflight, print which proxies and pods
                        each fault would touch, and stop (nothing is injected)
  --yes                 allow a Kubernetes context the experiment does not list in allowContexts
  --toxiproxy-url URL   use this Toxiproxy instead of the experiment's (embedded → URL)
  --kubeconfig PATH     use a cluster through this kubeconfig instead of the experiment's target
  --context NAME        kubeconfig context to use
  --journal PATH        journal of applied faults (default ${DEFAULT_JOURNAL})
  --metrics [HOST:]PORT serve Rebound's own metrics (Prometheus text format) on loopback
                        while it runs, at http://HOST:PORT/metrics (docs/prometheus.md)
  --history DIR         keep the results index in DIR/<experiment>/index.jsonl (default
                        reports/ when the report directory is the default one; with --out
                        and no --history, no index is kept)
  --no-history          keep no results index
  --repeat N            run the experiment N times in a row (1–100), each a full run in
                        <out>/repeat-K/, then judge the checks across the repeats
  --repeat-quantile Q   with --repeat: a non-ratio check passes when at least Q of the
                        repeats (0 < Q ≤ 1, default 1: every one) pass it; ratio checks are
                        judged on the pooled 95 % Wilson bound (docs/runs-over-time.md)
  -h, --help            show this help

Exit codes: 0 passed, 1 failed, 2 invalid input or usage, 3 aborted by a guardrail,
4 harness/infrastructure error, 5 inconclusive, 130 interrupted.
`;

interface RunArgs {
  readonly file: string;
  readonly out?: string;
  readonly dryRun: boolean;
  readonly yes: boolean;
  readonly toxiproxyUrl?: string;
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly journal: string;
  readonly metrics?: MetricsAddress;
  /** undefined: the default (reports/ when the report directory is the default one). */
  readonly history?: string | false;
  readonly repeat?: number;
  readonly repeatQuantile: number;
}

function parseRunArgs(argv: string[]): RunArgs | 'help' {
  const parsed = parseCommandLine(argv, {
    out: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
    yes: { type: 'boolean', default: false },
    'toxiproxy-url': { type: 'string' },
    kubeconfig: { type: 'string' },
    context: { type: 'string' },
    journal: { type: 'string' },
    metrics: { type: 'string' },
    history: { type: 'string' },
    'no-history': { type: 'boolean', default: false },
    repeat: { type: 'string' },
    'repeat-quantile': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  });
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  if (positionals.length !== 1) {
    throw new UsageError(positionals.length === 0 ? 'missing experiment file' : `expected one experiment file, got ${positionals.length}: ${positionals.join(' ')}`);
  }
  for (const flag of ['out', 'toxiproxy-url', 'kubeconfig', 'context', 'journal', 'metrics', 'history', 'repeat', 'repeat-quantile'] as const) {
    if (values[flag] === '') throw new UsageError(`--${flag} needs a value`);
  }
  if (values.history !== undefined && values['no-history']) throw new UsageError('--history and --no-history exclude each other');
  const repeat = values.repeat !== undefined ? parseRepeat(values.repeat) : undefined;
  if (values['repeat-quantile'] !== undefined && repeat === undefined) throw new UsageError('--repeat-quantile needs --repeat N');
  if (repeat !== undefined && values['dry-run']) throw new UsageError('--repeat and --dry-run exclude each other');
  return {
    file: positionals[0]!,
    out: values.out,
    dryRun: values['dry-run'] ?? false,
    yes: values.yes ?? false,
    toxiproxyUrl: values['toxiproxy-url'],
    kubeconfig: values.kubeconfig,
    context: values.context,
    journal: values.journal ?? DEFAULT_JOURNAL,
    ...(values.metrics !== undefined ? { metrics: parseMetricsAddress(values.metrics) } : {}),
    ...(values['no-history'] ? { history: false as const } : values.history !== undefined ? { history: values.history } : {}),
    ...(repeat !== undefined ? { repeat } : {}),
    repeatQuantile: values['repeat-quantile'] !== undefined ? parseQuantile(values['repeat-quantile']) : 1,
  };
}

const MAX_REPEATS = 100;

function parseRepeat(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isInteger(n) || n < 1 || n > MAX_REPEATS) throw new UsageError(`--repeat: expected a whole number from 1 to ${MAX_REPEATS}, got '${text}'`);
  return n;
}

function parseQuantile(text: string): number {
  const q = Number(text);
  if (text.trim() === '' || !Number.isFinite(q) || q <= 0 || q > 1) throw new UsageError(`--repeat-quantile: expected a number in (0, 1], got '${text}'`);
  return q;
}

export async function main(argv: string[]): Promise<number> {
  const env = process.env;
  const cwd = process.cwd();
  const stderrTTY = Boolean(process.stderr.isTTY);
  const ci = env.CI !== undefined && env.CI !== '' && env.CI !== 'false' && env.CI !== '0';
  const live = stderrTTY && !ci;
  const color = decideColor(env, Boolean(process.stdout.isTTY));
  const paint = painter(color);
  const errorLine = (text: string) => process.stderr.write(`rebound run: ${text}\n`);

  let args: RunArgs;
  try {
    const parsed = parseRunArgs(argv);
    if (parsed === 'help') {
      process.stdout.write(RUN_USAGE);
      return EXIT.passed;
    }
    args = parsed;
  } catch (error) {
    errorLine(`${(error as Error).message}\n\n${RUN_USAGE}`);
    return EXIT.usage;
  }

  let progressShown = false;
  const clearProgress = () => {
    if (progressShown) process.stderr.write('\r\u001b[2K');
    progressShown = false;
  };
  const say = (line: string) => {
    clearProgress();
    process.stderr.write(`${line}\n`);
  };

  let reserved: string | undefined;
  let metrics: import('../metrics/cli-metrics.ts').RunMetricsEndpoint | undefined;
  try {
    const { loadExperiment } = await import('../experiment/index.ts');
    const loaded = await loadExperiment(args.file, { env, cwd });
    const experiment = applyTargetOverrides(loaded, { toxiproxyUrl: args.toxiproxyUrl, kubeconfig: args.kubeconfig, context: args.context });
    const places = await prepareRunPlaces({ experiment, cwd, out: args.out, journal: args.journal, dryRun: args.dryRun });
    reserved = places.reserved;
    const { outDir, journalPath } = places;

    // Event lines come from the console reporter (stdout); the live line is ours (stderr, TTY only).
    const observer: RunObserver = {
      onNote: (line) => say(paint('dim', line)),
      ...(live
        ? {
            onProgress: (progress) => {
              process.stderr.write(`\r\u001b[2K${formatProgress(progress, paint)}`);
              progressShown = true;
            },
          }
        : {}),
    };

    const stdout = {
      write: (chunk: string | Uint8Array, ...rest: unknown[]) => {
        clearProgress();
        return (process.stdout.write as (...args: unknown[]) => boolean)(chunk, ...rest);
      },
    } as unknown as NodeJS.WritableStream;
    if (args.metrics) {
      const { startRunMetrics } = await import('../metrics/cli-metrics.ts');
      metrics = await startRunMetrics(args.metrics, experiment);
      say(paint('dim', `metrics: ${metrics.url}`));
    }
    const redact = await buildRedactor(experiment);
    const history = args.dryRun ? undefined : runHistory(args, experiment.name, places.reserved !== undefined, env, cwd, observer.onNote!);
    const runObserver = metrics ? (await import('../metrics/run-metrics.ts')).combineObservers(observer, metrics.observer) : observer;
    const runOnce = async (dir: string) => {
      const outcome = await runExperiment({
        experiment,
        file: args.file,
        outDir: dir,
        journalPath,
        dryRun: args.dryRun,
        yes: args.yes,
        env,
        reporter: args.dryRun ? undefined : await buildReporter(experiment, { env, color, stdout, isTTY: live }),
        observer: runObserver,
        ...(metrics ? { scrapeTargets: metrics.scrapeTargets } : {}),
        redact,
        ...(history ? { history: await history.previous() } : {}),
      });
      clearProgress();
      if (outcome.result && history) await history.record(outcome.result, dir);
      if (outcome.reportError) errorLine(outcome.reportError);
      if (outcome.result?.error) errorLine(`${outcome.result.error.kind}: ${outcome.result.error.message}`);
      return outcome;
    };
    if (args.repeat !== undefined) {
      const { runRepeats } = await import('./run-repeats.ts');
      return await runRepeats({ count: args.repeat, quantile: args.repeatQuantile, baseDir: outDir, experiment: { name: experiment.name, file: args.file }, runOnce, say, paint, stdout });
    }
    const outcome = await runOnce(outDir);
    if (args.dryRun) {
      process.stdout.write(outcome.planText);
      process.stdout.write('Dry run: nothing was injected.\n');
      return EXIT.passed;
    }
    return outcome.exitCode;
  } catch (error) {
    clearProgress();
    // A run that stopped before any report leaves no empty report directory behind.
    if (reserved) await rmdir(reserved).catch(() => undefined);
    return reportFailure(error, errorLine);
  } finally {
    await metrics?.close();
  }
}

/** The results index: --history DIR, else reports/ when the report directory is the generated one; none with --no-history. */
function runHistory(args: RunArgs, experiment: string, defaultOut: boolean, env: NodeJS.ProcessEnv, cwd: string, note: (line: string) => void): RunHistory | undefined {
  if (args.history === false) return undefined;
  const historyDir = args.history !== undefined ? resolve(cwd, args.history) : defaultOut ? resolve(cwd, 'reports') : undefined;
  return historyDir ? openRunHistory({ historyDir, experiment, env, cwd, note }) : undefined;
}

function reportFailure(error: unknown, errorLine: (text: string) => void): number {
  if (error instanceof ValidationError) {
    for (const issue of error.issues) process.stderr.write(`${formatIssue(issue)}\n`);
    process.stderr.write(`rebound run: ${error.issues.length} problem(s); nothing was run\n`);
    return EXIT.usage;
  }
  if (error instanceof UsageError) {
    errorLine(error.message);
    return EXIT.usage;
  }
  if (error instanceof RunInterruptedBeforeStart) {
    errorLine(`${error.message} before load started; nothing was injected`);
    return error.by === 'guardrail' ? EXIT.aborted : EXIT.interrupted;
  }
  if (error instanceof InfraError) {
    errorLine(error.message);
    if (error.hint) errorLine(`hint: ${error.hint}`);
    return EXIT.error;
  }
  if (error instanceof JournalError) {
    errorLine(error.message);
    return EXIT.error;
  }
  const text = error instanceof Error ? error.message : String(error);
  errorLine(`internal error: ${text}`);
  if (process.env.REBOUND_DEBUG && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  return EXIT.error;
}
