/**
 * `rebound run <file>`: validate, preflight, run the experiment, write reports, exit with the
 * verdict's code. The only place run errors become messages and exit codes.
 */
import { rmdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatIssue, InfraError, UsageError, ValidationError } from '../errors.ts';
import type { ResolvedExperiment } from '../experiment/resolved.ts';
import { EXIT } from '../result/exit-codes.ts';
import { parseMetricsAddress, type MetricsAddress } from '../metrics/metrics-server.ts';
import { JournalError, DEFAULT_JOURNAL } from '../runner/journal.ts';
import { applyTargetOverrides } from '../runner/overrides.ts';
import { decideColor } from '../format/color.ts';
import { painter } from '../format/paint.ts';
import { formatProgress } from '../runner/progress-line.ts';
import { reserveReportDir } from '../util/report-dir.ts';
import { runExperiment, RunInterruptedBeforeStart, type RunObserver } from '../runner/run-experiment.ts';
import { DirectoryNotWritableError, probeWritableDir } from '../util/probe-writable-dir.ts';

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
}

function parseRunArgs(argv: string[]): RunArgs | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        out: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        yes: { type: 'boolean', default: false },
        'toxiproxy-url': { type: 'string' },
        kubeconfig: { type: 'string' },
        context: { type: 'string' },
        journal: { type: 'string' },
        metrics: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  if (positionals.length !== 1) {
    throw new UsageError(positionals.length === 0 ? 'missing experiment file' : `expected one experiment file, got ${positionals.length}: ${positionals.join(' ')}`);
  }
  for (const flag of ['out', 'toxiproxy-url', 'kubeconfig', 'context', 'journal', 'metrics'] as const) {
    if (values[flag] === '') throw new UsageError(`--${flag} needs a value`);
  }
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
  };
}

function timestamp(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}-${pad(date.getHours())}${pad(date.getMinutes())}${pad(date.getSeconds())}`;
}

export function defaultOutDir(experiment: ResolvedExperiment, cwd: string, now = new Date()): string {
  return experiment.report.outDir ?? resolve(cwd, 'reports', experiment.name, timestamp(now));
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
    // --out and report.outDir are the user's fixed choice; a generated directory is never shared.
    const fixedOut = args.out ? resolve(cwd, args.out) : experiment.report.outDir;
    const journalPath = resolve(cwd, args.journal);
    if (!args.dryRun) await checkWritable(fixedOut ?? defaultOutDir(experiment, cwd), journalPath, { outGiven: fixedOut !== undefined, journalGiven: args.journal !== DEFAULT_JOURNAL });
    const outDir = fixedOut ?? (args.dryRun ? defaultOutDir(experiment, cwd) : (reserved = await reserveReportDir(defaultOutDir(experiment, cwd))));

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
    const reporter = args.dryRun ? undefined : await buildReporter(experiment, env, color, stdout, live);
    const redact = await buildRedactor(experiment);
    const outcome = await runExperiment({
      experiment,
      file: args.file,
      outDir,
      journalPath,
      dryRun: args.dryRun,
      yes: args.yes,
      env,
      reporter,
      observer: metrics ? (await import('../metrics/run-metrics.ts')).combineObservers(observer, metrics.observer) : observer,
      ...(metrics ? { scrapeTargets: metrics.scrapeTargets } : {}),
      redact,
    });
    clearProgress();
    if (args.dryRun) {
      process.stdout.write(outcome.planText);
      process.stdout.write('Dry run: nothing was injected.\n');
      return EXIT.passed;
    }
    if (outcome.reportError) errorLine(outcome.reportError);
    if (outcome.result?.error) errorLine(`${outcome.result.error.kind}: ${outcome.result.error.message}`);
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

const PROBE_TIMEOUT_MS = 5000;

/** Before any fault: where the reports and the journal go must be writable (a bad --out is found now, not after the run). */
async function checkWritable(outDir: string, journalPath: string, given: { outGiven: boolean; journalGiven: boolean }): Promise<void> {
  const places = [
    { dir: outDir, what: 'the reports', flag: '--out DIR', given: given.outGiven },
    { dir: dirname(journalPath), what: 'the journal', flag: '--journal PATH', given: given.journalGiven },
  ];
  for (const place of places) {
    try {
      await probeWritableDir(place.dir, { timeoutMs: PROBE_TIMEOUT_MS });
    } catch (error) {
      if (!(error instanceof DirectoryNotWritableError)) throw error;
      const message = `${error.message}; nothing was run`;
      const hint = `write ${place.what} somewhere writable with ${place.flag}`;
      if (place.given) throw new UsageError(`${message} (${hint})`);
      throw new InfraError(message, hint);
    }
  }
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

async function buildReporter(experiment: ResolvedExperiment, env: NodeJS.ProcessEnv, color: boolean, stdout: NodeJS.WritableStream, isTTY: boolean) {
  const { createReporters, multiplexReporters } = await import('../reporters/index.ts');
  const formats = [...experiment.report.formats];
  const summary = env.GITHUB_STEP_SUMMARY || undefined;
  // The workflow names the artifact it uploads the report in (REBOUND_HTML_ARTIFACT); summary.md repeats it.
  const artifact = env.REBOUND_HTML_ARTIFACT || undefined;
  const reporters = createReporters({ formats, stdout, isTTY, color, githubStepSummary: summary, githubActions: env.GITHUB_ACTIONS === 'true', ...(artifact ? { htmlArtifactName: artifact } : {}) });
  return multiplexReporters(reporters);
}

async function buildRedactor(experiment: ResolvedExperiment): Promise<<T>(value: T) => T> {
  const { createValueRedactor } = await import('../result/redact.ts');
  return createValueRedactor({ secrets: experiment.report.secrets, headerNames: experiment.report.redactHeaders });
}
