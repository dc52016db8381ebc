/** Assembling the Result document (src/result/result.ts) from what the run recorded. */
import { hostname } from 'node:os';
import type { RateProfile, ResolvedExperiment } from '../experiment/resolved.ts';
import type { LoadSummary } from '../load/load-driver.ts';
import {
  RESULT_SCHEMA_VERSION,
  type EnvironmentInfo,
  type LoadInfo,
  type PhaseResult,
  type Result,
} from '../result/result.ts';
import type { LatencySplit } from '../timeline/latency-split.ts';
import type { Timeline, WindowSummary } from '../timeline/timeline.ts';
import type { FailureLog } from '../timeline/failure-log.ts';
import { REBOUND_VERSION } from '../version.ts';

export interface PhaseRecord {
  readonly name: string;
  /** Planned run-clock offsets; samples are attributed by scheduled time within them. */
  readonly plannedStartMs: number;
  readonly plannedEndMs: number;
  startedMs?: number;
  endedMs?: number;
}

export function describeRate(rate: RateProfile): string {
  if (rate.kind === 'constant') return `${rate.perSecond}/s`;
  return `ramp from ${rate.startPerSecond}/s: ${rate.stages.map((stage) => `${stage.target}/s over ${stage.durationMs / 1000}s`).join(', ')}`;
}

export function buildPhaseResults(phases: readonly PhaseRecord[], experiment: ResolvedExperiment, timeline: Timeline, toIso: (ms: number) => string): PhaseResult[] {
  return phases
    .filter((phase) => phase.startedMs !== undefined)
    .map((phase) => {
      // A phase cut short (abort) ends where it stopped.
      const endMs = Math.min(phase.plannedEndMs, phase.endedMs ?? phase.plannedEndMs);
      return {
        name: phase.name,
        startMs: phase.plannedStartMs,
        endMs,
        startedAt: toIso(phase.startedMs!),
        endedAt: toIso(phase.endedMs ?? endMs),
        ...phaseCounts(timeline.summarize(phase.plannedStartMs, Math.max(phase.plannedStartMs, endMs))),
        faults: experiment.phases.find((planned) => planned.name === phase.name)?.faults.map((fault) => fault.id) ?? [],
      };
    });
}

/** What a phase's window of the timeline counted, as the result's phase fields. */
export function phaseCounts(summary: WindowSummary): Omit<PhaseResult, 'name' | 'startMs' | 'endMs' | 'startedAt' | 'endedAt' | 'faults'> {
  return {
    total: summary.total,
    successes: summary.successes,
    failures: summary.failures,
    failuresByKind: summary.failuresByKind,
    successRatio: summary.total > 0 ? summary.successes / summary.total : null,
    latency: summary.latency,
    servedBy: summary.servedBy,
    failuresByCode: summary.failuresByCode ?? {},
    failedWithoutServer: summary.failedWithoutServer ?? 0,
  };
}

export function buildLoadInfo(experiment: ResolvedExperiment, summary: LoadSummary | undefined, total: number, loadDurationMs: number, driverName: string): LoadInfo {
  return {
    driver: summary?.driver ?? driverName,
    ...(summary?.version ? { driverVersion: summary.version } : {}),
    targetRate: describeRate(experiment.load.rate),
    scheduled: summary?.scheduled ?? total,
    total,
    dropped: summary?.dropped ?? 0,
    achievedRatePerSecond: loadDurationMs > 0 ? Math.round((total / loadDurationMs) * 1000 * 10) / 10 : 0,
    timeoutMs: experiment.load.timeoutMs,
    ...(experiment.load.servedByHeader ? { servedByHeader: experiment.load.servedByHeader } : {}),
    ...(summary?.extra ? { extra: summary.extra } : {}),
  };
}

/** The timeline's bounded failure log, with wall-clock times. */
export function buildFailureLog(log: FailureLog, toIso: (ms: number) => string): NonNullable<Result['failureLog']> {
  return {
    limit: log.limit,
    unlisted: log.unlisted,
    entries: log.entries().map((entry) => ({ ...entry, firstAt: toIso(entry.firstMs), lastAt: toIso(entry.lastMs) })),
  };
}

/** What the runner measured; buildResult adds the versions, the echo and the environment basics. */
export type ResultParts = Omit<Result, 'schemaVersion' | 'rebound' | 'experiment' | 'environment' | 'timeline'> & {
  readonly experiment: ResolvedExperiment;
  /** The file as given on the command line. */
  readonly file: string;
  readonly environment: Omit<EnvironmentInfo, 'node' | 'platform' | 'hostname'>;
  readonly timeline: Timeline;
  /** Success and failure latency apart (result.timeline.latencyWindows). */
  readonly latencySplit?: LatencySplit;
};

export function buildResult(parts: ResultParts): Result {
  const { experiment } = parts;
  return {
    schemaVersion: RESULT_SCHEMA_VERSION,
    rebound: { version: REBOUND_VERSION },
    experiment: {
      name: experiment.name,
      ...(experiment.description !== undefined ? { description: experiment.description } : {}),
      labels: experiment.labels,
      file: parts.file,
      source: experiment.sourceText,
    },
    environment: { node: process.version, platform: `${process.platform}-${process.arch}`, hostname: hostname(), ...parts.environment },
    startedAt: parts.startedAt,
    endedAt: parts.endedAt,
    durationMs: Math.round(parts.durationMs),
    verdict: parts.verdict,
    verdictReason: parts.verdictReason,
    ...(parts.error ? { error: parts.error } : {}),
    interrupted: parts.interrupted,
    load: parts.load,
    phases: parts.phases,
    faults: parts.faults,
    checks: parts.checks,
    timeline: timelineOf(parts),
    events: parts.events,
    ...(parts.harness ? { harness: parts.harness } : {}),
    ...(parts.failureLog ? { failureLog: parts.failureLog } : {}),
    ...(parts.history ? { history: parts.history } : {}),
  };
}

function timelineOf(parts: ResultParts): Result['timeline'] {
  const buckets = parts.timeline.buckets();
  return {
    bucketMs: parts.timeline.bucketMs,
    buckets,
    ...(parts.latencySplit ? { latencyWindows: parts.latencySplit.windows(buckets) } : {}),
  };
}
