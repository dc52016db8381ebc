/**
 * What the chai plugin measures on a Result, by the same rules as the built-in checks: ratios
 * over a phase at bucket resolution with a Wilson interval (src/checks/scope.ts, wilson.ts), time
 * to fail over / recover by evaluating the checks themselves on the result's timeline, phase
 * latency percentiles as the run summarised them.
 */
import { timeToFailoverCheck } from '../checks/time-to-failover.ts';
import { timeToRecoverCheck } from '../checks/time-to-recover.ts';
import type { CheckContext } from '../checks/check-kind.ts';
import { scopeBounds, snap } from '../checks/scope.ts';
import { wilsonInterval } from '../checks/wilson.ts';
import type { Scope } from '../experiment/resolved.ts';
import type { CheckResult, PhaseResult, Result } from '../result/result.ts';
import { ResultTimeline } from '../result/result-timeline.ts';
import type { RunEvent } from '../timeline/events.ts';

/** As the checks' default: fewer samples than this and a ratio proves nothing. */
export const DEFAULT_MIN_SAMPLES = 20;

export interface RatioMeasure {
  readonly ratio: number | null;
  readonly hits: number;
  readonly n: number;
  readonly interval: readonly [number, number];
}

export function isResult(value: unknown): value is Result {
  const candidate = value as Partial<Result> | null;
  return typeof candidate === 'object' && candidate !== null && Array.isArray(candidate.phases) && Array.isArray(candidate.checks) && typeof candidate.timeline === 'object' && candidate.timeline !== null;
}

export function findPhase(result: Result, name: string): PhaseResult | undefined {
  return result.phases.find((phase) => phase.name === name);
}

/** Successes or failures over the scope's bucket-snapped bounds, as successRatio / failureRatio count them. */
export function scopeRatio(result: Result, scope: Scope, numerator: 'successes' | 'failures'): RatioMeasure {
  const timeline = new ResultTimeline(result.timeline);
  const bounds = scopeBounds(scope, result.phases, timeline.bucketMs);
  const summary = bounds && bounds.fromMs < bounds.toMs ? timeline.summarize(bounds.fromMs, bounds.toMs) : undefined;
  const n = summary?.total ?? 0;
  const hits = summary ? summary[numerator] : 0;
  return { ratio: n > 0 ? hits / n : null, hits, n, interval: wilsonInterval(hits, n) };
}

export interface StableSpanQuery {
  readonly phase: string;
  readonly maxMs: number;
  readonly windowMs: number;
  readonly threshold: number;
  readonly minSamples: number;
}

/** The timeToRecover check, evaluated on the result. */
export function timeToRecover(result: Result, query: StableSpanQuery): CheckResult {
  return timeToRecoverCheck.evaluate(
    { name: `recovers after ${query.phase}`, strict: true, minSamples: query.minSamples, spec: { kind: 'timeToRecover', after: query.phase, windowMs: query.windowMs, threshold: query.threshold, maxMs: query.maxMs } },
    checkContext(result),
  ) as CheckResult;
}

/** The timeToFailover check, evaluated on the result. */
export function timeToFailover(result: Result, query: StableSpanQuery): CheckResult {
  return timeToFailoverCheck.evaluate(
    { name: `fails over in ${query.phase}`, strict: true, minSamples: query.minSamples, spec: { kind: 'timeToFailover', phase: query.phase, windowMs: query.windowMs, threshold: query.threshold, maxMs: query.maxMs } },
    checkContext(result),
  ) as CheckResult;
}

/**
 * What a check sees after the run, rebuilt from the result. Load stops being scheduled at the
 * end of the last phase that ran (the run's loadEndMs, at bucket resolution).
 */
function checkContext(result: Result): CheckContext {
  const timeline = new ResultTimeline(result.timeline);
  const lastEnd = result.phases.reduce((max, phase) => Math.max(max, phase.endMs), 0);
  return {
    timeline,
    phases: result.phases,
    faults: result.faults,
    events: result.events as readonly RunEvent[],
    loadEndMs: snap(lastEnd, timeline.bucketMs),
    runStartEpochMs: Date.parse(result.startedAt),
    signal: new AbortController().signal,
  };
}
