/** Turning a check's scope (phase, optional window) into run-clock bounds, at bucket resolution. */
import { formatSpecDuration } from '../format/duration.ts';
import type { Scope } from '../experiment/resolved.ts';
import type { PhaseResult } from '../result/result.ts';
import type { BucketSnapshot, TimelineView } from '../timeline/timeline.ts';

export interface Bounds {
  readonly fromMs: number;
  readonly toMs: number;
  readonly phase: PhaseResult;
}

/**
 * Phase boundaries are planned multiples of the bucket width; the run clock may report them a
 * little late (timers), so they are snapped to the nearest bucket boundary. Undefined when the
 * phase never ran; an empty window has fromMs ≥ toMs.
 */
export function scopeBounds(scope: Scope, phases: readonly PhaseResult[], bucketMs: number): Bounds | undefined {
  const phase = phases.find((p) => p.name === scope.phase);
  if (!phase) return undefined;
  const start = snap(phase.startMs, bucketMs);
  const end = snap(phase.endMs, bucketMs);
  const fromMs = start + (scope.fromMs ?? 0);
  const toMs = Math.min(end, scope.toMs === undefined ? end : start + scope.toMs);
  return { fromMs, toMs, phase };
}

export function snap(ms: number, bucketMs: number): number {
  return Math.round(ms / bucketMs) * bucketMs;
}

/** `in outage`, `in outage [2s, 5s)`: where a check looks (also its default name's ending). */
export function describeScope(scope: Scope): string {
  if (scope.fromMs === undefined && scope.toMs === undefined) return `in ${scope.phase}`;
  const to = scope.toMs === undefined ? 'end' : formatSpecDuration(scope.toMs);
  return `in ${scope.phase} [${formatSpecDuration(scope.fromMs ?? 0)}, ${to})`;
}

const bucketCache = new WeakMap<object, readonly BucketSnapshot[]>();

/**
 * timeline.buckets(), computed once per check context (it summarises every bucket's histogram,
 * and several checks walk the buckets).
 */
export function bucketsOf(context: { readonly timeline: TimelineView }): readonly BucketSnapshot[] {
  let buckets = bucketCache.get(context);
  if (!buckets) {
    buckets = context.timeline.buckets();
    bucketCache.set(context, buckets);
  }
  return buckets;
}

