/**
 * What one run holds while its steps go (run-experiment.ts lists the steps): the abort
 * controller that deadline, guardrail and signal share, the teardown stack, the journal, the
 * opened target, the live events, the load and the records the result is built from.
 */
import type { ResolvedExperiment } from '../experiment/resolved.ts';
import type { PodWatch } from '../faults/pod-watch.ts';
import type { LoadDriver, LoadSummary } from '../load/load-driver.ts';
import type { Reporter } from '../reporters/reporter.ts';
import type { CheckResult, HarnessInfo, Result } from '../result/result.ts';
import type { RunClock } from '../timeline/clock.ts';
import { LatencySplit } from '../timeline/latency-split.ts';
import { Timeline } from '../timeline/timeline.ts';
import type { AppliedFaults } from './applied-faults.ts';
import { SendLagRecorder, type EventLoopDelayMonitor } from './harness-check.ts';
import { HarnessWindows } from './harness-windows.ts';
import { Journal } from './journal.ts';
import { LiveEvents } from './live-events.ts';
import type { RunPlan } from './preflight.ts';
import type { PhaseRecord } from './result-builder.ts';
import { watchSignals, type SignalSource, type SignalWatch } from './signals.ts';
import type { SweepReport } from './sweep.ts';
import type { OpenTarget } from './target.ts';
import { TeardownStack } from './teardown-stack.ts';

export interface LiveProgress {
  readonly phase?: string;
  readonly elapsedMs: number;
  readonly plannedMs: number;
  /** Completed requests per second over the last second. */
  readonly ratePerSecond: number;
  readonly successRatio: number | null;
  readonly activeFaults: readonly string[];
}

export interface StepEvent {
  readonly step: string;
  readonly stage: 'start' | 'end' | 'teardown';
  readonly error?: unknown;
}

/** What the CLI shows while a run goes (reporters get the same events). */
export interface RunObserver {
  onEvent?(event: import('../timeline/events.ts').RunEvent): void;
  /** About 4 times a second while load runs. */
  onProgress?(progress: LiveProgress): void;
  /** Housekeeping lines: journal sweep, infrastructure. */
  onNote?(line: string): void;
  /** Each step as it starts and ends, and each teardown as it runs. */
  onStep?(event: StepEvent): void;
  /** Each request as the load driver reports it (e.g. `--metrics`), with the phase it falls in. */
  onSample?(sample: import('../load/sample.ts').Sample, phase: string | undefined): void;
}

export interface RunExperimentOptions {
  readonly experiment: ResolvedExperiment;
  /** The file as given on the command line (echoed in the result). */
  readonly file: string;
  readonly outDir: string;
  readonly journalPath: string;
  readonly dryRun?: boolean;
  readonly yes?: boolean;
  readonly env?: NodeJS.ProcessEnv;
  /** Multiplexed reporters; they see events as they happen and the redacted result. */
  readonly reporter?: Reporter;
  readonly observer?: RunObserver;
  /** Applied to every live event, note and the Result before any reporter or observer sees them. */
  readonly redact?: <T>(value: T) => T;
  /** What an embedded Prometheus scrapes besides the local plane's pods (e.g. the `--metrics` endpoint). */
  readonly scrapeTargets?: readonly import('../prometheus/config.ts').ScrapeTarget[];
  /** Previous runs from the results index, echoed in the result for the report's trend panel. */
  readonly history?: readonly import('../history/index-entry.ts').IndexEntry[];
  /** Default: by experiment.load.driver. */
  readonly loadDriver?: LoadDriver;
  /** Default: the process. false = do not listen (tests, the programmatic API unless asked). */
  readonly signals?: SignalSource | false;
  /** The caller's abort signal: aborting it interrupts the run as SIGINT does (every fault reverted; exit code 130). */
  readonly signal?: AbortSignal;
  /** Bound on the drain after load stops (default min(timeout + 1 s, 10 s)). */
  readonly drainMs?: number;
  /** Wraps every step (tests make one throw; tools time them). */
  readonly aroundStep?: (step: string, run: () => Promise<void>) => Promise<void>;
}

export interface RunOutcome {
  readonly plan: RunPlan;
  readonly planText: string;
  /** Absent for --dry-run. */
  readonly result?: Result;
  readonly exitCode: number;
  /** Files the reporters wrote. */
  readonly files: readonly string[];
  /** A reporter failed: the run's exit code is 4 whatever the verdict. */
  readonly reportError?: string;
  readonly sweep?: SweepReport;
}

export type AbortCause = { readonly kind: 'signal' | 'guardrail' | 'error'; readonly reason: string };

export class RunState {
  readonly experiment: ResolvedExperiment;
  readonly observer: RunObserver;
  readonly reporter: Reporter;
  readonly redact: <T>(value: T) => T;
  readonly controller = new AbortController();
  cause: AbortCause | undefined;
  readonly teardowns: TeardownStack;
  readonly journal: Journal;
  readonly events: LiveEvents;
  readonly timeline: Timeline;
  /** Success and failure latency apart, for the report's latency chart. */
  readonly latencySplit: LatencySplit;
  readonly sendLag = new SendLagRecorder();
  /** Send lag and event-loop delay per window of the run clock (result.harness.windows). */
  readonly harnessWindows = new HarnessWindows();
  /** Started with the load: setup work is not the harness being late. */
  loopDelay: EventLoopDelayMonitor | undefined;
  readonly watches = new Map<string, PodWatch>();
  readonly phaseRecords: PhaseRecord[];
  /** Process groups of the infra hosts (journaled on their own, never as pods). */
  readonly hostGroups = new Set<number>();
  sweep: SweepReport | undefined;
  target: OpenTarget | undefined;
  targetCloseFailed = false;
  plan: RunPlan | undefined;
  faults: AppliedFaults | undefined;
  driver: LoadDriver | undefined;
  clock: RunClock | undefined;
  loadPromise: Promise<void> | undefined;
  loadSummary: LoadSummary | undefined;
  loadEndMs = 0;
  harnessError: { kind: string; message: string } | undefined;
  reportError: string | undefined;
  checks: CheckResult[] = [];
  harness: HarnessInfo | undefined;
  result: Result | undefined;
  files: readonly string[] = [];
  /** Resolves on a second signal: stop waiting for the load's drain (reverts still all run). */
  readonly hurry: Promise<void>;
  private hurried: () => void = () => undefined;
  private readonly signals: SignalWatch | undefined;
  private readonly deadline: NodeJS.Timeout;
  private readonly onCallerAbort = (): void => this.abort('signal', callerAbortReason(this.options.signal?.reason));

  constructor(readonly options: RunExperimentOptions) {
    this.experiment = options.experiment;
    this.observer = options.observer ?? {};
    this.reporter = options.reporter ?? { name: 'none' };
    this.redact = options.redact ?? (<T>(value: T) => value);
    this.teardowns = new TeardownStack(
      (outcome) => {
        this.observer.onStep?.({ step: outcome.name, stage: 'teardown', ...(outcome.error !== undefined ? { error: outcome.error } : {}) });
        if (outcome.error !== undefined) this.note(`${outcome.name}: ${message(outcome.error)}`);
      },
      () => (this.settingUp = false),
    );
    this.journal = new Journal(options.journalPath, this.experiment.name);
    this.timeline = new Timeline(this.experiment.bucketMs);
    this.latencySplit = new LatencySplit(this.experiment.bucketMs);
    this.events = new LiveEvents({
      toIso: (ms) => (this.clock ? this.clock.toIso(ms) : new Date().toISOString()),
      reporter: this.reporter,
      ...(this.observer.onEvent ? { onEvent: this.observer.onEvent.bind(this.observer) } : {}),
      redact: this.redact,
      onReporterError: (text) => (this.reportError ??= text),
    });
    this.phaseRecords = this.experiment.phases.map((phase) => ({ name: phase.name, plannedStartMs: phase.startMs, plannedEndMs: phase.startMs + phase.durationMs }));
    this.hurry = new Promise<void>((resolve) => (this.hurried = resolve));
    this.signals =
      options.signals === false
        ? undefined
        : watchSignals((reason) => this.abort('signal', reason), {
            source: options.signals || undefined,
            onHurry: () => {
              this.note('second interrupt: reverting what is applied, then exiting without waiting for the load to drain');
              this.hurried();
            },
          });
    this.deadline = setTimeout(() => this.abort('guardrail', `maxDuration ${this.experiment.guardrails.maxRunMs} ms reached`), this.experiment.guardrails.maxRunMs);
    this.deadline.unref?.();
    if (options.signal?.aborted) this.onCallerAbort();
    else options.signal?.addEventListener('abort', this.onCallerAbort, { once: true });
    this.controller.signal.addEventListener('abort', () => {
      if (this.cause?.kind === 'signal' && this.clock) this.events.emit({ kind: 'interrupted', atMs: this.now(), message: this.cause.reason });
    });
  }

  readonly now = (): number => (this.clock ? this.clock.now() : 0);

  /** True while the run starts up: until load starts or the first teardown runs. */
  settingUp = true;

  /** What requests made now are also aborted by: the run's signal while it starts up, nothing after (reverts are never cut short). */
  readonly abortWith = (): AbortSignal | undefined => (this.settingUp ? this.controller.signal : undefined);

  get aborted(): boolean {
    return this.controller.signal.aborted;
  }

  /** Load has started: from here on everything ends in a Result. */
  get loadStarted(): boolean {
    return this.clock !== undefined;
  }

  abort(kind: AbortCause['kind'], reason: string): void {
    if (this.cause) return;
    this.cause = { kind, reason };
    this.controller.abort(new Error(reason));
  }

  /** The harness could not do its job: the run ends in error (the first failure names it). */
  fail(kind: string, error: unknown): void {
    this.harnessError ??= { kind, message: message(error) };
    this.abort('error', this.harnessError.message);
  }

  note(line: string): void {
    this.observer.onNote?.(this.redact(line));
  }

  /** Runs one named step (through options.aroundStep when given). */
  async step(name: string, body: (run: RunState) => Promise<void>): Promise<void> {
    this.observer.onStep?.({ step: name, stage: 'start' });
    try {
      await (this.options.aroundStep ? this.options.aroundStep(name, () => body(this)) : body(this));
      this.observer.onStep?.({ step: name, stage: 'end' });
    } catch (error) {
      this.observer.onStep?.({ step: name, stage: 'end', error });
      throw error;
    }
  }

  dispose(): void {
    clearTimeout(this.deadline);
    this.signals?.dispose();
    this.options.signal?.removeEventListener('abort', this.onCallerAbort);
  }
}

function callerAbortReason(reason: unknown): string {
  const text = reason instanceof Error ? reason.message : typeof reason === 'string' ? reason : '';
  return text && text !== 'This operation was aborted' ? `aborted by the caller: ${text}` : 'aborted by the caller';
}

export function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
