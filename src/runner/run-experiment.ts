/**
 * The run lifecycle (DESIGN.md "Run lifecycle"): sweep the journal → resolve the target →
 * preflight (--dry-run stops) → load and phases on the run clock, faults applied at phase start
 * and reverted at phase end, guardrails evaluated continuously → drain → revert whatever is
 * still applied (LIFO, always) → checks → Result → reporters.
 *
 * One AbortController serves deadline, guardrail and signal. Harness problems before load
 * starts throw (typed errors); from the moment load starts, everything ends in a Result.
 */
import { InfraError, ReboundError } from '../errors.ts';
import type { ResolvedExperiment, ResolvedFault } from '../experiment/resolved.ts';
import type { FaultContext, FaultInjector } from '../faults/fault-injector.ts';
import { PodKillBudget, PodKillBudgetExceeded, PodKillInjector } from '../faults/pod-kill.ts';
import type { PodWatch } from '../faults/pod-watch.ts';
import { ProxyDownInjector } from '../faults/toxiproxy-down.ts';
import { ToxicInjector } from '../faults/toxiproxy-toxic.ts';
import type { LoadDriver, LoadSummary } from '../load/load-driver.ts';
import type { Reporter } from '../reporters/reporter.ts';
import { exitCodeFor } from '../result/exit-codes.ts';
import type { CheckResult, Result, Verdict } from '../result/result.ts';
import { startRunClock, type RunClock } from '../timeline/clock.ts';
import type { RunEvent } from '../timeline/events.ts';
import { Timeline } from '../timeline/timeline.ts';
import { substituteEndpoints } from './addresses.ts';
import { SuccessRatioGuard } from './guardrails.ts';
import { applyHarnessVerdict, assessHarness, EventLoopDelayMonitor, harnessBounds, SendLagRecorder } from './harness-check.ts';
import { Journal } from './journal.ts';
import { formatPlan, preflight, type RunPlan } from './preflight.ts';
import { descendantProcessGroups } from './process-groups.ts';
import { processStartTime } from './process-identity.ts';
import { buildFaultResults, buildLoadInfo, buildPhaseResults, buildResult, type FaultRecord, type PhaseRecord } from './result-builder.ts';
import { RevertStack } from './revert-stack.ts';
import { watchSignals, type SignalSource } from './signals.ts';
import { describeRecord, sweepJournal, type SweepReport } from './sweep.ts';
import { openTarget, type OpenTarget } from './target.ts';

export interface LiveProgress {
  readonly phase?: string;
  readonly elapsedMs: number;
  readonly plannedMs: number;
  /** Completed requests per second over the last second. */
  readonly ratePerSecond: number;
  readonly successRatio: number | null;
  readonly activeFaults: readonly string[];
}

/** What the CLI shows while a run goes (reporters get the same events). */
export interface RunObserver {
  onEvent?(event: RunEvent): void;
  /** About 4 times a second while load runs. */
  onProgress?(progress: LiveProgress): void;
  /** Housekeeping lines: journal sweep, infrastructure. */
  onNote?(line: string): void;
}

export interface CheckEngine {
  evaluateChecks(checks: ResolvedExperiment['checks'], context: import('../checks/check.ts').CheckContext): CheckResult[];
  decideVerdict(input: { checks: readonly CheckResult[]; aborted?: { reason: string }; error?: { message: string }; interrupted?: boolean }): { verdict: Verdict; reason: string };
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
  /** Applied to the Result before any reporter sees it. */
  readonly redact?: (result: Result) => Result;
  /** Default: by experiment.load.driver. */
  readonly loadDriver?: LoadDriver;
  /** Default: the process. false = do not listen (tests). */
  readonly signals?: SignalSource | false;
  /** Default: src/checks. */
  readonly checks?: CheckEngine;
  /** Extra or replacement injectors by fault kind (tests). */
  readonly injectors?: Partial<Record<ResolvedFault['kind'], FaultInjector>>;
  /** Bound on the drain after load stops (default min(timeout + 1 s, 10 s)). */
  readonly drainMs?: number;
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

const TICK_MS = 250;

type AbortCause = { readonly kind: 'signal' | 'guardrail' | 'error'; readonly reason: string };

export async function runExperiment(options: RunExperimentOptions): Promise<RunOutcome> {
  const { experiment, observer = {}, reporter = { name: 'none' } } = options;
  const controller = new AbortController();
  let cause: AbortCause | undefined;
  const abort = (kind: AbortCause['kind'], reason: string) => {
    if (cause) return;
    cause = { kind, reason };
    controller.abort(new Error(reason));
  };
  // A second signal stops waiting for the load's drain (reverts still all run).
  let hurried: () => void = () => undefined;
  const hurry = new Promise<void>((resolve) => (hurried = resolve));
  const signals =
    options.signals === false
      ? undefined
      : watchSignals((reason) => abort('signal', reason), {
          source: options.signals || undefined,
          onHurry: () => {
            observer.onNote?.('second interrupt: reverting what is applied, then exiting without waiting for the load to drain');
            hurried();
          },
        });
  const deadline = setTimeout(() => abort('guardrail', `maxDuration ${experiment.guardrails.maxRunMs} ms reached`), experiment.guardrails.maxRunMs);
  deadline.unref?.();

  let sweep: SweepReport | undefined;
  let target: OpenTarget | undefined;
  const journal = new Journal(options.journalPath, experiment.name);
  let journalWritten = false;
  const writeInfrastructure = async (info: Parameters<Journal['setInfrastructure']>[0]) => {
    if (options.dryRun) return;
    journalWritten = true;
    await journal.setInfrastructure(info);
  };
  /** Pod process groups with their leaders' start times, so that a sweep never kills a reused pid. */
  const hostGroups = new Set<number>();
  const writePodGroups = (all: readonly number[]) => {
    // The infra host processes are journaled on their own (infrastructure.processes).
    const groups = all.filter((pgid) => !hostGroups.has(pgid));
    const startTimes: Record<string, string> = {};
    for (const pgid of groups) {
      const startTime = processStartTime(pgid);
      if (startTime) startTimes[String(pgid)] = startTime;
    }
    return writeInfrastructure({ podProcessGroups: groups, podProcessStartTimes: startTimes });
  };

  try {
    if (!options.dryRun) {
      // Faults an earlier crashed run left behind go first: they would distort preflight too.
      sweep = await sweepJournal(journal.path);
      for (const action of sweep.actions) observer.onNote?.(`journal sweep: ${action.what}: ${action.outcome}${action.detail ? ` (${action.detail})` : ''}`);
      if (!sweep.ok) {
        throw new InfraError(`could not revert what an earlier run left in ${journal.path}; fix it and run 'rebound cleanup --journal ${journal.path}'`);
      }
    }
    target = await openTarget(experiment, {
      yes: options.yes,
      dryRun: options.dryRun,
      env: options.env,
      onInfrastructure: writeInfrastructure,
      // Journaled before each exists / starts: `cleanup` and the next run's sweep undo them after a crash.
      onProcess: async (record) => {
        hostGroups.add(record.pgid);
        if (options.dryRun) return;
        journalWritten = true;
        await journal.addProcess(record);
      },
      onProxyCreating: async (record) => {
        if (options.dryRun) return;
        journalWritten = true;
        await journal.addCreatedProxy(record);
      },
      onProxyRemoved: async (record) => {
        if (options.dryRun || !journalWritten) return;
        await journal.removeCreatedProxy(record.toxiproxyUrl, record.name);
      },
    });
    if (target.kube?.localPlaneUrl && !options.dryRun) {
      let groups: number[] | undefined;
      try {
        groups = await descendantProcessGroups();
      } catch (error) {
        // Without `ps` the run still works; only `cleanup` after a SIGKILL cannot find the pods.
        observer.onNote?.(`cannot list the local pod processes for the journal: ${message(error)}`);
      }
      if (groups) await writePodGroups(groups);
    }
    throwIfInterrupted(controller.signal, cause);

    const budget = new PodKillBudget(experiment.guardrails.maxPodsKilled);
    const watches = new Map<string, PodWatch>();
    const podKill = target.kube
      ? new PodKillInjector({
          access: target.kube.access,
          budget,
          watchFor: (namespace) => watches.get(namespace),
          onRepeatError: (fault, error) => onFaultError(fault, error),
        })
      : undefined;
    const injectors: Partial<Record<ResolvedFault['kind'], FaultInjector>> = {
      ...(target.toxiproxy ? { toxic: new ToxicInjector(target.toxiproxy.client), 'proxy-down': new ProxyDownInjector(target.toxiproxy.client) } : {}),
      ...(podKill ? { 'pod-kill': podKill } : {}),
      ...options.injectors,
    };
    const injectorFor = (fault: ResolvedFault): FaultInjector => {
      const injector = injectors[fault.kind];
      if (!injector) throw new Error(`no injector for ${fault.kind} faults (is the target configured?)`);
      return injector;
    };
    const describe = (fault: ResolvedFault) => {
      const injector = injectors[fault.kind];
      return injector ? injector.describe(fault) : { target: fault.kind, description: fault.kind };
    };

    const plan = await preflight(experiment, target, { describe, podKill });
    const planText = formatPlan(plan);
    const driver = options.loadDriver ?? (await defaultDriver(experiment));
    await driver.preflight?.(experiment.load);
    if (options.dryRun) return { plan, planText, exitCode: 0, files: [] };
    throwIfInterrupted(controller.signal, cause);

    // ---------------- the run ----------------
    const load = { ...experiment.load, requests: substituteEndpoints(experiment.load.requests, target.endpoints) };
    const timeline = new Timeline(experiment.bucketMs);
    const events: RunEvent[] = [];
    let clock: RunClock | undefined;
    const now = () => (clock ? clock.now() : 0);
    const toIso = (ms: number) => (clock ? clock.toIso(ms) : new Date().toISOString());
    let reportError: string | undefined;
    let harnessError: { kind: string; message: string } | undefined;
    let currentPhase: string | undefined;
    let refreshTimer: NodeJS.Timeout | undefined;

    const emit = (event: Omit<RunEvent, 'at'>) => {
      const full: RunEvent = { ...(currentPhase && event.phase === undefined ? { phase: currentPhase } : {}), ...event, at: toIso(event.atMs) };
      events.push(full);
      try {
        reporter.onEvent?.(full);
      } catch (error) {
        reportError ??= `reporter failed on event ${full.kind}: ${message(error)}`;
      }
      observer.onEvent?.(full);
      if ((full.kind === 'pod-created' || full.kind === 'pod-ready') && target?.kube?.localPlaneUrl && !refreshTimer) {
        // Replacement pods are new processes: keep the journal's list current for `cleanup`.
        refreshTimer = setTimeout(() => {
          refreshTimer = undefined;
          descendantProcessGroups()
            .then(
              (groups) => writePodGroups(groups).catch((error: unknown) => fail('journal', error)),
              (error: unknown) => observer.onNote?.(`cannot list the local pod processes for the journal: ${message(error)}`),
            );
        }, 300);
      }
    };
    const fail = (kind: string, error: unknown) => {
      harnessError ??= { kind, message: message(error) };
      abort('error', harnessError.message);
    };
    function onFaultError(fault: ResolvedFault, error: unknown) {
      const record = faultRecords.get(fault.id);
      if (record && record.applyError === undefined) record.applyError = message(error);
      if (error instanceof PodKillBudgetExceeded) {
        emit({ kind: 'guardrail-tripped', atMs: now(), message: error.message, faultId: fault.id, data: { guardrail: 'maxPodsKilled' } });
        abort('guardrail', error.message);
      } else {
        fail('fault-apply', new Error(`fault ${fault.id}: ${message(error)}`));
      }
    }

    const faultRecords = new Map<string, FaultRecord>();
    for (const phase of experiment.phases) {
      for (const fault of phase.faults) faultRecords.set(fault.id, { fault, ...describe(fault) });
    }
    const phaseRecords: PhaseRecord[] = experiment.phases.map((phase) => ({ name: phase.name, plannedStartMs: phase.startMs, plannedEndMs: phase.startMs + phase.durationMs }));
    const plannedMs = plan.plannedDurationMs;
    const stack = new RevertStack(now);
    const active = new Set<string>();

    const context: FaultContext = { signal: controller.signal, now, emit };

    const applyFault = async (fault: ResolvedFault) => {
      const record = faultRecords.get(fault.id)!;
      const injector = injectorFor(fault);
      const revert = injector.plan(fault);
      try {
        await journal.add(fault.id, record.description, revert.record);
        journalWritten = true;
      } catch (error) {
        fail('journal', error);
        return;
      }
      stack.push(fault.id, revert);
      try {
        await injector.apply(fault, context);
        record.appliedMs = now();
        active.add(fault.id);
        emit({ kind: 'fault-applied', atMs: record.appliedMs, message: `${record.description}`, faultId: fault.id, data: { target: record.target, kind: fault.kind } });
      } catch (error) {
        emit({ kind: 'note', atMs: now(), message: `fault ${fault.id} could not be applied: ${message(error)}`, faultId: fault.id });
        onFaultError(fault, error);
      }
    };

    const revertFaults = async (ids: readonly string[], options: { keepFailed?: boolean } = {}) => {
      await stack.revert(ids, async (outcome) => {
        const record = faultRecords.get(outcome.id);
        active.delete(outcome.id);
        if (!record) return;
        if (outcome.ok) {
          record.revertedMs = outcome.atMs;
          record.revertError = undefined;
          emit({ kind: 'fault-reverted', atMs: outcome.atMs, message: `reverted ${record.description}`, faultId: outcome.id, data: { target: record.target, kind: record.fault.kind } });
          try {
            await journal.remove(outcome.id);
          } catch (error) {
            fail('journal', error);
          }
        } else {
          record.revertError = message(outcome.error);
          emit({ kind: 'fault-revert-failed', atMs: outcome.atMs, message: `could not revert ${record.description}: ${record.revertError}`, faultId: outcome.id });
        }
      }, options);
    };

    const sleepUntil = (ms: number) =>
      new Promise<boolean>((resolve) => {
        if (controller.signal.aborted) return resolve(false);
        const done = (value: boolean) => {
          clearTimeout(timer);
          controller.signal.removeEventListener('abort', onAbort);
          resolve(value);
        };
        const onAbort = () => done(false);
        const timer = setTimeout(() => done(true), Math.max(0, ms - now()));
        controller.signal.addEventListener('abort', onAbort);
      });

    await callReporter(() => reporter.onRunStart?.(experiment), (error) => (reportError ??= `reporter failed at run start: ${message(error)}`));

    if (target.kube) {
      const { PodWatch } = await import('../faults/pod-watch.ts');
      const namespaces = new Set([target.kube.namespace, ...experiment.phases.flatMap((phase) => phase.faults.filter((f) => f.kind === 'pod-kill').map((f) => (f as { namespace: string }).namespace))]);
      for (const namespace of namespaces) watches.set(namespace, await PodWatch.start(target.kube.access, namespace, now, emit));
    }

    const guard = experiment.guardrails.abortIf
      ? new SuccessRatioGuard(experiment.guardrails.abortIf.successRatioBelow, experiment.guardrails.abortIf.forMs, {
          windowMs: 1000,
          lagMs: experiment.load.timeoutMs + 250,
          minSamples: 5,
        })
      : undefined;
    let loadSummary: LoadSummary | undefined;
    let loadEndMs = plannedMs;
    // The harness's self-check: is the driver sending on schedule, is this event loop on time?
    const sendLag = new SendLagRecorder();
    const loopDelay = new EventLoopDelayMonitor();
    clock = startRunClock();
    const drainMs = options.drainMs ?? Math.min(experiment.load.timeoutMs + 1000, 10_000);
    const onSample = (sample: Parameters<Timeline['record']>[0]) => {
      sendLag.record(sample);
      timeline.record(sample);
    };
    const loadPromise = driver
      .run(load, { now, onSample, signal: controller.signal, durationMs: plannedMs, drainMs })
      .then(
        (summary) => {
          loadSummary = summary;
        },
        (error: unknown) => fail('load', error),
      );
    emit({ kind: 'run-started', atMs: 0, message: `run of ${experiment.name} started`, data: { plannedMs } });
    emit({ kind: 'load-started', atMs: 0, message: `load started (${driver.name})`, data: { driver: driver.name } });

    const ticker = setInterval(() => {
      const at = now();
      if (guard && !controller.signal.aborted) {
        const trip = guard.observe(timeline, at);
        if (trip) {
          emit({ kind: 'guardrail-tripped', atMs: at, message: trip, data: { guardrail: 'abortIf' } });
          abort('guardrail', trip);
        }
      }
      if (observer.onProgress) {
        const window = timeline.summarize(Math.max(0, at - 1200), Math.max(0, at - 200));
        observer.onProgress({
          phase: currentPhase,
          elapsedMs: at,
          plannedMs,
          ratePerSecond: window.total,
          successRatio: window.total > 0 ? window.successes / window.total : null,
          activeFaults: [...active],
        });
      }
    }, TICK_MS);

    controller.signal.addEventListener('abort', () => {
      if (cause?.kind === 'signal') emit({ kind: 'interrupted', atMs: now(), message: cause.reason });
    });

    try {
      for (let index = 0; index < experiment.phases.length; index++) {
        const phase = experiment.phases[index]!;
        const record = phaseRecords[index]!;
        if (!(await sleepUntil(phase.startMs))) break;
        currentPhase = phase.name;
        record.startedMs = now();
        emit({ kind: 'phase-started', atMs: record.startedMs, message: `phase ${phase.name} started`, phase: phase.name });
        for (const fault of phase.faults) {
          if (controller.signal.aborted) break;
          await applyFault(fault);
        }
        await sleepUntil(phase.startMs + phase.durationMs);
        // A revert that fails here is tried again by the final sweep below.
        await revertFaults(phase.faults.map((fault) => fault.id), { keepFailed: true });
        record.endedMs = now();
        emit({ kind: 'phase-ended', atMs: record.endedMs, message: `phase ${phase.name} ended${controller.signal.aborted ? ' early' : ''}`, phase: phase.name });
        currentPhase = undefined;
        if (controller.signal.aborted) break;
      }
      if (controller.signal.aborted) loadEndMs = Math.min(plannedMs, now());
      await Promise.race([loadPromise, hurry]);
    } catch (error) {
      fail('harness', error);
    } finally {
      clearInterval(ticker);
      if (!controller.signal.aborted && now() < plannedMs) loadEndMs = now();
      // Whatever happened: stop load, revert every fault still applied (LIFO).
      if (!controller.signal.aborted && stack.size > 0) observer.onNote?.('reverting faults still applied');
      await revertFaults(stack.ids());
      await Promise.race([loadPromise, hurry]);
      loopDelay.stop();
      emit({ kind: 'load-stopped', atMs: now(), message: 'load stopped' });
      if (refreshTimer) clearTimeout(refreshTimer);
      for (const watch of watches.values()) {
        watch.stop();
        if (watch.lastError) emit({ kind: 'note', atMs: now(), message: `pod watch of namespace ${watch.namespace} was interrupted: ${watch.lastError}` });
      }
    }

    for (const record of faultRecords.values()) {
      if (record.fault.kind === 'pod-kill' && podKill) record.pods = podKill.records(record.fault.id);
    }
    const endMs = now();
    const toIsoFinal = clock.toIso;
    const phases = buildPhaseResults(phaseRecords, [...faultRecords.values()], timeline, toIsoFinal);
    const faults = buildFaultResults([...faultRecords.values()], toIsoFinal);
    const revertFailures = faults.filter((fault) => fault.revertError !== undefined);
    if (revertFailures.length > 0) {
      harnessError ??= { kind: 'revert', message: `could not revert ${revertFailures.map((f) => `${f.id} (${f.revertError})`).join('; ')}` };
    }
    const engine = options.checks ?? (await import('../checks/index.ts'));
    const checks = engine.evaluateChecks(experiment.checks, { timeline, phases, faults, events, loadEndMs });
    const interrupted = cause?.kind === 'signal';
    const phaseStartLateMs: Record<string, number> = {};
    for (const record of phaseRecords) if (record.startedMs !== undefined) phaseStartLateMs[record.name] = record.startedMs - record.plannedStartMs;
    const harness = assessHarness(
      {
        sendLagMs: sendLag.stats(),
        sentRequests: sendLag.count,
        eventLoopDelayMs: loopDelay.stats(),
        phaseStartLateMs,
        infrastructure: await target.infrastructureStats().catch(() => []),
      },
      harnessBounds(experiment.load.timeoutMs, experiment.bucketMs),
    );
    for (const warning of harness.warnings) observer.onNote?.(`warning: ${warning}`);
    // decideVerdict (src/checks/verdict.ts) first, then the harness rule on top of it: an
    // overloaded harness makes the verdict inconclusive unless a strict check failed for a
    // reason a slow harness cannot explain (harness-check.ts applyHarnessVerdict).
    const decided = applyHarnessVerdict(
      engine.decideVerdict({
        checks,
        ...(cause?.kind === 'guardrail' ? { aborted: { reason: cause.reason } } : {}),
        ...(harnessError ? { error: { message: harnessError.message } } : {}),
        interrupted,
      }),
      harness,
      checks,
    );
    const totals = timeline.summarize(0, Number.MAX_SAFE_INTEGER);
    const raw = buildResult({
      experiment,
      file: options.file,
      environment: environmentOf(target),
      // The run clock's zero (load start): durations and offsets in the result count from it.
      startedAt: clock.toIso(0),
      endedAt: clock.toIso(endMs),
      durationMs: endMs,
      verdict: decided.verdict,
      verdictReason: decided.reason,
      ...(harnessError ? { error: harnessError } : {}),
      interrupted,
      load: buildLoadInfo(experiment, loadSummary, totals.total, Math.max(1, loadEndMs), driver.name),
      phases,
      faults,
      checks,
      timeline,
      events,
      harness,
    });
    const result = options.redact ? options.redact(raw) : raw;

    // Infrastructure goes down once every revert is done; the journal goes when nothing is left.
    await closeTarget(target, (error) => observer.onNote?.(`stopping local infrastructure: ${message(error)}`));
    target = undefined;
    if ((revertFailures.length === 0 || plan.toxiproxy?.embedded) && !journal.hasCreatedProxies()) await journal.close();
    else observer.onNote?.(`journal ${journal.path} keeps what could not be reverted or removed; run 'rebound cleanup --journal ${journal.path}'`);

    let files: readonly string[] = [];
    try {
      files = (await reporter.onRunEnd?.(result, options.outDir)) ?? [];
    } catch (error) {
      reportError ??= `reporter failed writing reports to ${options.outDir}: ${message(error)}`;
    }
    const exitCode = reportError ? 4 : exitCodeFor(result.verdict, interrupted);
    return { plan, planText, result, exitCode, files, ...(reportError ? { reportError } : {}), ...(sweep ? { sweep } : {}) };
  } finally {
    clearTimeout(deadline);
    if (target) await closeTarget(target, (error) => observer.onNote?.(`stopping local infrastructure: ${message(error)}`));
    if (options.dryRun || !journalWritten) {
      // Nothing journaled by this run (dry run, or it stopped before any fault).
    } else if (journal.list().length === 0 && !journal.hasCreatedProxies()) {
      await journal.close().catch(() => undefined);
    }
    signals?.dispose();
  }
}

async function closeTarget(target: OpenTarget, onError: (error: unknown) => void): Promise<void> {
  try {
    await target.close();
  } catch (error) {
    onError(error);
  }
}

function throwIfInterrupted(signal: AbortSignal, cause: AbortCause | undefined): void {
  if (signal.aborted) throw new RunInterruptedBeforeStart(cause?.reason ?? 'interrupted', cause?.kind === 'guardrail' ? 'guardrail' : 'signal');
}

/** SIGINT/SIGTERM or a deadline arrived before load started: nothing was injected. */
export class RunInterruptedBeforeStart extends ReboundError {
  override readonly name = 'RunInterruptedBeforeStart';
  constructor(
    message: string,
    /** 'signal' → exit 130; 'guardrail' (maxDuration during setup) → exit 3. */
    readonly by: 'signal' | 'guardrail',
  ) {
    super(message);
  }
}

async function defaultDriver(experiment: ResolvedExperiment): Promise<LoadDriver> {
  if (experiment.load.driver === 'k6') {
    const { K6LoadDriver } = await import('../load/k6.ts');
    return new K6LoadDriver();
  }
  const { BuiltinLoadDriver } = await import('../load/builtin.ts');
  return new BuiltinLoadDriver();
}

async function callReporter(call: () => void | Promise<void> | undefined, onError: (error: unknown) => void): Promise<void> {
  try {
    await call();
  } catch (error) {
    onError(error);
  }
}

function environmentOf(target: OpenTarget) {
  return {
    ...(target.toxiproxy ? { toxiproxy: { url: target.toxiproxy.url, version: target.toxiproxy.version, embedded: target.toxiproxy.embedded } } : {}),
    ...(target.kube
      ? {
          kubernetes: {
            local: target.kube.access.local,
            context: target.kube.access.context,
            server: target.kube.access.server,
            version: target.kube.version,
            namespace: target.kube.namespace,
          },
        }
      : {}),
  };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export { describeRecord };
