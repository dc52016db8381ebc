/**
 * The steps of a run, in the order run-experiment.ts calls them. Each registers its teardown on
 * the run's stack BEFORE it sets anything up.
 */
import { decideVerdict, evaluateChecks } from '../checks/index.ts';
import { InfraError, PreflightError, ReboundError } from '../errors.ts';
import type { ResolvedExperiment } from '../experiment/resolved.ts';
import type { LoadDriver } from '../load/load-driver.ts';
import { faultKindOf } from '../plugins/registry.ts';
import { exitCodeFor } from '../result/exit-codes.ts';
import { startRunClock } from '../timeline/clock.ts';
import { substituteEndpoints } from './addresses.ts';
import { AppliedFaults } from './applied-faults.ts';
import { SuccessRatioGuard } from './guardrails.ts';
import { applyHarnessVerdict, assessHarness, EventLoopDelayMonitor, harnessBounds } from './harness-check.ts';
import { JournalLock } from './journal-lock.ts';
import { PodProcessRecorder } from './pod-process-recorder.ts';
import { formatPlan, preflight } from './preflight.ts';
import { buildFailureLog, buildLoadInfo, buildPhaseResults, buildResult } from './result-builder.ts';
import { message, type RunState } from './run-state.ts';
import { revertRecord, sweepJournal } from './sweep.ts';
import { openTarget, type OpenTarget } from './target.ts';

const TICK_MS = 250;

/**
 * One run per journal (an exclusive lock, before anything starts); then faults an earlier crashed
 * run left behind go first: they would distort preflight too.
 */
export async function sweepEarlierRun(run: RunState): Promise<void> {
  const held: { lock?: JournalLock } = {};
  run.teardowns.defer('release journal lock', () => held.lock?.release());
  held.lock = await JournalLock.acquire(run.journal.path, run.experiment.name);
  run.teardowns.defer('close journal', () => closeJournal(run));
  run.sweep = await sweepJournal(run.journal.path);
  for (const action of run.sweep.actions) run.note(`journal sweep: ${action.what}: ${action.outcome}${action.detail ? ` (${action.detail})` : ''}`);
  if (!run.sweep.ok) {
    throw new InfraError(`could not revert what an earlier run left in ${run.journal.path}; fix it and run 'rebound cleanup --journal ${run.journal.path}'`);
  }
}

/**
 * The one place that decides the journal's fate: it is removed when nothing is left to undo;
 * what a revert could not undo is tried once more through its kind's journal revert (the same
 * path as `cleanup`), and the journal stays, with a note, for whatever is still left.
 */
async function closeJournal(run: RunState): Promise<void> {
  const { journal } = run;
  if (!journal.written) return;
  for (const entry of [...journal.list()].reverse()) {
    try {
      await revertRecord(entry.record, journal.infrastructureSnapshot());
      await journal.remove(entry.faultId);
    } catch {
      // Left in the journal for `cleanup`.
    }
  }
  if (journal.list().length === 0 && !journal.hasCreatedProxies() && !run.targetCloseFailed) await journal.close();
  else run.note(`journal ${journal.path} keeps what could not be reverted or removed; run 'rebound cleanup --journal ${journal.path}'`);
}

/** Starts what runs locally, connects to the rest; every process and proxy is journaled before it exists. */
export async function openRunTarget(run: RunState): Promise<void> {
  run.teardowns.defer('close target', () => closeTarget(run));
  const { journal } = run;
  run.target = await interruptible(run, openTarget(run.experiment, {
    yes: run.options.yes,
    env: run.options.env,
    signal: run.controller.signal,
    abortWith: run.abortWith,
    ...(run.options.scrapeTargets ? { scrapeTargets: run.options.scrapeTargets } : {}),
    onInfrastructure: (info) => journal.setInfrastructure(info),
    onProcess: async (record) => {
      run.hostGroups.add(record.pgid);
      await journal.addProcess(record);
    },
    onProxyCreating: (record) => journal.addCreatedProxy(record),
    onProxyRemoved: async (record) => {
      if (journal.written) await journal.removeCreatedProxy(record.toxiproxyUrl, record.name);
    },
  }));
  if (run.target.kube?.localPlaneUrl) {
    const recorder = new PodProcessRecorder(journal, run.hostGroups, (line) => run.note(line), (error) => run.fail('journal', error));
    const unsubscribe = run.events.subscribe(recorder.observe);
    run.teardowns.defer('stop pod-process recorder', () => {
      unsubscribe();
      recorder.stop();
    });
    await recorder.record();
  }
  throwIfInterrupted(run);
}

async function closeTarget(run: RunState): Promise<void> {
  const target = run.target;
  run.target = undefined;
  try {
    await target?.close();
  } catch (error) {
    run.targetCloseFailed = true;
    throw error;
  }
}

/** What each fault would touch, and whether everything it needs is there. */
export async function runPreflight(run: RunState): Promise<void> {
  const target = run.target!;
  run.faults = bindFaults(run, target);
  run.plan = await interruptible(run, preflight(run.experiment, target, { describe: (fault) => faultKindOf(fault.kind)!.describe(fault), injectorFor: run.faults.injectorFor, signal: run.controller.signal }));
  run.driver = run.options.loadDriver ?? (await defaultDriver(run.experiment));
  await run.driver.preflight?.(run.experiment.load);
  throwIfInterrupted(run);
}

/** annotations.grafana: checked before load (exit 4 when Grafana does not answer), then fed the run's events; flushed at the end. */
export async function connectAnnotations(run: RunState): Promise<void> {
  const grafana = run.experiment.annotations?.grafana;
  if (!grafana) return;
  const { GrafanaAnnotator } = await import('../metrics/grafana-annotations.ts');
  const annotator = new GrafanaAnnotator(grafana, run.experiment.name, (text) => run.redact(text));
  let unsubscribe = () => {};
  run.teardowns.defer('flush annotations', async () => {
    unsubscribe();
    await annotator.flush();
    for (const error of annotator.errors) run.note(`grafana annotations: ${error}`);
  });
  const problem = await annotator.preflight(run.controller.signal);
  if (problem) throw new PreflightError(problem, 'check annotations.grafana (url, token)');
  unsubscribe = run.events.subscribe(annotator.observe);
}

function bindFaults(run: RunState, target: OpenTarget): AppliedFaults {
  const faults = new AppliedFaults({
    experiment: run.experiment,
    journal: run.journal,
    now: run.now,
    emit: run.events.emit,
    signal: run.controller.signal,
    onGuardrail: (reason) => run.abort('guardrail', reason),
    onError: (kind, error) => run.fail(kind, error),
  });
  faults.open({ experiment: run.experiment, target, watchFor: (namespace) => run.watches.get(namespace) });
  return faults;
}

/** Pod watches (a Kubernetes watch, not polling) of the target's namespace and every namespace a fault touches. */
export async function watchPods(run: RunState): Promise<void> {
  run.teardowns.defer('stop pod watches', () => {
    for (const watch of run.watches.values()) {
      watch.stop();
      if (!watch.lastError) continue;
      const text = `pod watch of namespace ${watch.namespace} was interrupted and could not be re-established: ${watch.lastError}`;
      run.events.emit({ kind: 'note', atMs: run.now(), message: text });
      // Pod events are missing from then on: nothing measured from them can pass.
      run.fail('pod-watch', new Error(text));
    }
  });
  const kube = run.target!.kube;
  if (!kube) return;
  const namespaces = new Set([kube.namespace]);
  for (const phase of run.experiment.phases) for (const fault of phase.faults) for (const ns of faultKindOf(fault.kind)?.watchNamespaces?.(fault) ?? []) namespaces.add(ns);
  const { PodWatch } = await import('../faults/pod-watch.ts');
  for (const namespace of namespaces) run.watches.set(namespace, await PodWatch.start(kube.access, namespace, run.now, run.events.emit));
}

/** Starts the run clock and the open-model load; a ticker evaluates the guardrail and reports progress. */
export async function startLoad(run: RunState): Promise<void> {
  const { experiment, timeline, events } = run;
  const driver = run.driver!;
  const plannedMs = run.plan!.plannedDurationMs;
  run.teardowns.defer('stop load', () => stopLoad(run));
  try {
    await run.reporter.onRunStart?.(experiment);
  } catch (error) {
    run.reportError ??= `reporter failed at run start: ${message(error)}`;
  }
  const load = { ...experiment.load, requests: substituteEndpoints(experiment.load.requests, run.target!.endpoints) };
  const drainMs = run.options.drainMs ?? Math.min(experiment.load.timeoutMs + 1000, 10_000);
  run.loadEndMs = plannedMs;
  run.settingUp = false;
  run.clock = startRunClock();
  run.loopDelay = new EventLoopDelayMonitor({ now: run.now, into: run.harnessWindows });
  const onSample = (sample: Parameters<typeof timeline.record>[0]) => {
    run.sendLag.record(sample);
    if (sample.failure !== 'dropped') run.harnessWindows.recordSendLag(sample.scheduledMs, Math.max(0, sample.sentMs - sample.scheduledMs));
    timeline.record(sample);
    run.latencySplit.record(sample);
    run.observer.onSample?.(sample, events.currentPhase);
  };
  run.loadPromise = driver.run(load, { now: run.now, onSample, signal: run.controller.signal, durationMs: plannedMs, drainMs }).then(
    (summary) => void (run.loadSummary = summary),
    (error: unknown) => run.fail('load', error),
  );
  events.emit({ kind: 'run-started', atMs: 0, message: `run of ${experiment.name} started`, data: { plannedMs } });
  events.emit({ kind: 'load-started', atMs: 0, message: `load started (${driver.name})`, data: { driver: driver.name } });

  run.teardowns.defer('stop ticker', () => clearInterval(ticker));
  const guard = experiment.guardrails.abortIf
    ? new SuccessRatioGuard(experiment.guardrails.abortIf.successRatioBelow, experiment.guardrails.abortIf.forMs, { windowMs: 1000, lagMs: experiment.load.timeoutMs + 250, minSamples: 5 })
    : undefined;
  const ticker = setInterval(() => {
    const at = run.now();
    const trip = guard && !run.aborted ? guard.observe(timeline, at) : undefined;
    if (trip) {
      events.emit({ kind: 'guardrail-tripped', atMs: at, message: trip, data: { guardrail: 'abortIf' } });
      run.abort('guardrail', trip);
    }
    if (!run.observer.onProgress) return;
    const window = timeline.summarize(Math.max(0, at - 1200), Math.max(0, at - 200));
    run.observer.onProgress({
      phase: events.currentPhase,
      elapsedMs: at,
      plannedMs,
      ratePerSecond: window.total,
      successRatio: window.total > 0 ? window.successes / window.total : null,
      activeFaults: [...(run.faults?.active ?? [])],
    });
  }, TICK_MS);
}

/** Waits for the load to end (bounded by its drain; a second signal stops waiting). */
async function stopLoad(run: RunState): Promise<void> {
  if (run.now() < run.loadEndMs) run.loadEndMs = run.now();
  await Promise.race([run.loadPromise, run.hurry]);
  run.loopDelay?.stop();
  run.events.emit({ kind: 'load-stopped', atMs: run.now(), message: 'load stopped' });
}

/** Each phase: its faults applied at its start and reverted at its end, on the run clock. */
export async function runPhases(run: RunState): Promise<void> {
  const faults = run.faults!;
  run.teardowns.defer('revert faults still applied', async () => {
    if (!run.aborted && faults.pending > 0) run.note('reverting faults still applied');
    await faults.revert();
  });
  const { events } = run;
  for (const [index, phase] of run.experiment.phases.entries()) {
    const record = run.phaseRecords[index]!;
    if (!(await sleepUntil(run, phase.startMs))) break;
    events.currentPhase = phase.name;
    record.startedMs = run.now();
    events.emit({ kind: 'phase-started', atMs: record.startedMs, message: `phase ${phase.name} started`, phase: phase.name });
    for (const fault of phase.faults) {
      if (run.aborted) break;
      await faults.apply(fault);
    }
    await sleepUntil(run, phase.startMs + phase.durationMs);
    // A revert that fails here is tried again when the stack unwinds.
    await faults.revert(
      phase.faults.map((fault) => fault.id),
      { keepFailed: true },
    );
    record.endedMs = run.now();
    events.emit({ kind: 'phase-ended', atMs: record.endedMs, message: `phase ${phase.name} ended${run.aborted ? ' early' : ''}`, phase: phase.name });
    events.currentPhase = undefined;
    if (run.aborted) break;
  }
  if (run.aborted) run.loadEndMs = Math.min(run.loadEndMs, run.now());
}

/** In-flight requests finish (bounded by the driver's drain). */
export async function drainLoad(run: RunState): Promise<void> {
  await Promise.race([run.loadPromise, run.hurry]);
}

/** The checks, through their kinds, while the target is still open (a check may query it). */
export async function evaluateRunChecks(run: RunState): Promise<void> {
  const toIso = run.clock!.toIso;
  run.checks = await evaluateChecks(run.experiment.checks, {
    timeline: run.timeline,
    phases: buildPhaseResults(run.phaseRecords, run.experiment, run.timeline, toIso),
    faults: run.faults!.results(toIso),
    events: run.events.all,
    loadEndMs: run.loadEndMs,
    runStartEpochMs: run.clock!.startEpochMs,
    ...(run.target ? { target: run.target } : {}),
    signal: run.controller.signal,
  });
}

/** Was the harness itself on time? (result.harness; an overloaded harness makes the run inconclusive.) */
export async function judgeHarness(run: RunState): Promise<void> {
  const phaseStartLateMs: Record<string, number> = {};
  for (const record of run.phaseRecords) if (record.startedMs !== undefined) phaseStartLateMs[record.name] = record.startedMs - record.plannedStartMs;
  run.harness = assessHarness(
    {
      sendLagMs: run.sendLag.stats(),
      sentRequests: run.sendLag.count,
      eventLoopDelayMs: run.loopDelay?.stats() ?? { p50: 0, p99: 0, max: 0 },
      phaseStartLateMs,
      infrastructure: (await run.target?.infrastructureStats().catch(() => [])) ?? [],
      windows: run.harnessWindows.snapshot(),
    },
    harnessBounds(run.experiment.load.timeoutMs, run.experiment.bucketMs),
  );
  for (const warning of run.harness.warnings) run.note(`warning: ${warning}`);
}

/** The verdict (checks, guardrail, error, interrupt; then the harness rule) and the Result. */
export async function buildRunResult(run: RunState): Promise<void> {
  const clock = run.clock!;
  const toIso = clock.toIso;
  const faults = run.faults!.results(toIso);
  const revertFailures = faults.filter((fault) => fault.revertError !== undefined);
  if (revertFailures.length > 0) {
    run.harnessError ??= { kind: 'revert', message: `could not revert ${revertFailures.map((f) => `${f.id} (${f.revertError})`).join('; ')}` };
  }
  const interrupted = run.cause?.kind === 'signal';
  const verdict = decideVerdict({
    checks: run.checks,
    ...(run.cause?.kind === 'guardrail' ? { aborted: { reason: run.cause.reason } } : {}),
    ...(run.harnessError ? { error: { message: run.harnessError.message } } : {}),
    interrupted,
  });
  // A step that threw may have left the harness unjudged: the error already decides the verdict.
  const decided = run.harness ? applyHarnessVerdict(verdict, run.harness, run.checks) : verdict;
  const endMs = run.now();
  const totals = run.timeline.summarize(0, Number.MAX_SAFE_INTEGER);
  run.result = run.redact(
    buildResult({
      experiment: run.experiment,
      file: run.options.file,
      environment: run.target ? environmentOf(run.target) : {},
      // The run clock's zero (load start): durations and offsets in the result count from it.
      startedAt: toIso(0),
      endedAt: toIso(endMs),
      durationMs: endMs,
      verdict: decided.verdict,
      verdictReason: decided.reason,
      ...(run.harnessError ? { error: run.harnessError } : {}),
      interrupted,
      load: buildLoadInfo(run.experiment, run.loadSummary, totals.total, Math.max(1, run.loadEndMs), run.driver!.name),
      phases: buildPhaseResults(run.phaseRecords, run.experiment, run.timeline, toIso),
      faults,
      checks: run.checks,
      timeline: run.timeline,
      latencySplit: run.latencySplit,
      events: run.events.all,
      ...(run.harness ? { harness: run.harness } : {}),
      failureLog: buildFailureLog(run.timeline.failureLog, toIso),
      ...(run.options.history ? { history: run.options.history } : {}),
    }),
  );
}

/** Reports are written once everything is torn down; a reporter that fails makes the exit code 4. */
export async function writeReports(run: RunState): Promise<void> {
  try {
    run.files = (await run.reporter.onRunEnd?.(run.result!, run.options.outDir)) ?? [];
  } catch (error) {
    run.reportError ??= `reporter failed writing reports to ${run.options.outDir}: ${message(error)}`;
  }
}

export function exitCodeOf(run: RunState): number {
  return run.reportError ? 4 : exitCodeFor(run.result!.verdict, run.cause?.kind === 'signal');
}

export function planText(run: RunState): string {
  return formatPlan(run.plan!);
}

/** The dry run: the target opened without changing it, preflight, and nothing else. */
export async function planOnly(run: RunState): Promise<void> {
  run.teardowns.defer('close target', () => closeTarget(run));
  run.target = await interruptible(
    run,
    openTarget(run.experiment, { yes: run.options.yes, dryRun: true, env: run.options.env, signal: run.controller.signal, abortWith: run.abortWith, ...(run.options.scrapeTargets ? { scrapeTargets: run.options.scrapeTargets } : {}) }),
  );
  await runPreflight(run);
}

function sleepUntil(run: RunState, ms: number): Promise<boolean> {
  const signal = run.controller.signal;
  return new Promise<boolean>((resolve) => {
    if (signal.aborted) return resolve(false);
    const done = (value: boolean) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(value);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(true), Math.max(0, ms - run.now()));
    signal.addEventListener('abort', onAbort);
  });
}

/** A wait that failed because the run was interrupted (its requests were aborted) is an interruption, not an error. */
async function interruptible<T>(run: RunState, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    throwIfInterrupted(run);
    throw error;
  }
}

function throwIfInterrupted(run: RunState): void {
  if (run.aborted) throw new RunInterruptedBeforeStart(run.cause?.reason ?? 'interrupted', run.cause?.kind === 'guardrail' ? 'guardrail' : 'signal');
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
