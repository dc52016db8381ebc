/**
 * runExperiment for programs and test suites: the same run as `rebound run` (validation,
 * preflight, load, phases, reverts on every path, reports), returning the Result instead of an
 * exit code. Bad input and problems before load starts reject with typed errors; from the moment
 * load starts, a run always resolves to a Result (its verdict says how it went).
 */
import { rmdir } from 'node:fs/promises';
import { InfraError } from '../errors.ts';
import type { ReportFormat } from '../reporters/index.ts';
import type { Result } from '../result/result.ts';
import { applyTargetOverrides } from '../runner/overrides.ts';
import { runExperiment as runResolved, type RunObserver } from '../runner/run-experiment.ts';
import { buildRedactor, buildReporter, prepareRunPlaces } from '../runner/run-setup.ts';
import { resolveExperimentInput } from './experiment-input.ts';
import type { Experiment } from './experiment-types.ts';

export interface RunOptions {
  /** Directory for the reports (relative to cwd). Default: the experiment's report.outDir, else reports/<name>/<YYYYMMDD-HHMMSS>/. */
  readonly outDir?: string;
  /** Report formats to write, in place of the experiment's report.formats (default html, json, junit). `[]` writes none. */
  readonly formats?: readonly ReportFormat[];
  /** Use this Toxiproxy instead of the experiment's (as `--toxiproxy-url`). */
  readonly toxiproxyUrl?: string;
  /** Use a cluster through this kubeconfig instead of the experiment's target (as `--kubeconfig`). */
  readonly kubeconfig?: string;
  /** Kubeconfig context (as `--context`). */
  readonly context?: string;
  /** Allow a Kubernetes context the experiment does not list in allowContexts (as `--yes`). */
  readonly yes?: boolean;
  /** Journal of applied faults (default .rebound/journal.json under cwd). */
  readonly journal?: string;
  /** Aborting it interrupts the run as SIGINT does: every fault is reverted, the Result has `interrupted: true`. */
  readonly signal?: AbortSignal;
  /** Events, notes, progress, steps and samples as the run goes. */
  readonly observer?: RunObserver;
  /**
   * Listen to SIGINT, SIGTERM and SIGHUP as the CLI does (default false: the process's signals
   * are the caller's; abort `signal` to interrupt the run).
   */
  readonly handleSignals?: boolean;
  /** The console summary the CLI prints, written here (default: none). */
  readonly stdout?: NodeJS.WritableStream;
  /** Directory relative paths resolve against (default process.cwd()). */
  readonly cwd?: string;
  /** Environment for `${env:NAME}` and GITHUB_STEP_SUMMARY (default process.env). */
  readonly env?: NodeJS.ProcessEnv;
}

/** The run finished and reverted everything, but a report could not be written; the Result is here. */
export class ReportWriteError extends InfraError {
  override readonly name: string = 'ReportWriteError';
  constructor(
    message: string,
    readonly result: Result,
  ) {
    super(message);
  }
}

/**
 * Runs an experiment (a YAML file's path, or a value — see defineExperiment) and resolves to its
 * Result. Rejects with ValidationError (every located problem) for bad input, UsageError,
 * InfraError / PreflightError when the target is not usable, RunInterruptedBeforeStart when
 * aborted before load started (nothing was injected), ReportWriteError when a report failed.
 */
export async function runExperiment(experimentOrFile: string | Experiment, options: RunOptions = {}): Promise<Result> {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const input = await resolveExperimentInput(experimentOrFile, { cwd, env });
  let experiment = applyTargetOverrides(input.experiment, { toxiproxyUrl: options.toxiproxyUrl, kubeconfig: options.kubeconfig, context: options.context });
  if (options.formats) experiment = Object.freeze({ ...experiment, report: Object.freeze({ ...experiment.report, formats: [...options.formats] }) });
  const places = await prepareRunPlaces({
    experiment,
    cwd,
    out: options.outDir,
    journal: options.journal,
    writesReports: experiment.report.formats.length > 0 || Boolean(env.GITHUB_STEP_SUMMARY),
    names: { out: 'the outDir option', journal: 'the journal option' },
  });
  let outcome;
  try {
    outcome = await runResolved({
      experiment,
      file: input.file,
      outDir: places.outDir,
      journalPath: places.journalPath,
      yes: options.yes ?? false,
      env,
      reporter: await buildReporter(experiment, { env, color: false, isTTY: false, ...(options.stdout ? { stdout: options.stdout } : {}) }),
      ...(options.observer ? { observer: options.observer } : {}),
      redact: await buildRedactor(experiment),
      signals: options.handleSignals ? undefined : false,
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    // A run that stopped before any report leaves no empty report directory behind.
    if (places.reserved) await rmdir(places.reserved).catch(() => undefined);
    throw error;
  }
  if (outcome.reportError) throw new ReportWriteError(outcome.reportError, outcome.result!);
  return outcome.result!;
}
