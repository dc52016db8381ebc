import { Type, type Static } from '@sinclair/typebox';
import type { CheckSpec, ResolvedPhase } from '../experiment/resolved.ts';
import type { FieldPath } from '../experiment/yaml-source.ts';
import { Duration, PhaseName, Ratio, strict } from '../experiment/schema-parts.ts';
import type { CheckResult, FaultResult } from '../result/result.ts';
import type { CheckContext, CheckKind, CheckResolveEnv } from './check-kind.ts';
import { formatSpecDuration } from '../format/duration.ts';
import { snap } from './scope.ts';
import { evaluateStableSpan } from './time-to-stable.ts';

/**
 * From the end of phase P's disturbance until the success ratio in every window of width W stays
 * ≥ threshold to the end of load (loadEndMs). The disturbance ends at the latest of: each reverted
 * fault's revertedMs; for a pod kill, its last pod deletion (a kill has nothing to revert). Faults
 * that were never reverted, and phases without faults, count from the phase end.
 */
const TimeToRecoverSchema = Type.Object(
  { after: PhaseName, window: Duration('Sliding window width.'), threshold: Ratio('Success ratio every window must reach.'), max: Duration('Longest acceptable time to recover.') },
  strict,
);
type TimeToRecoverSpec = Extract<CheckSpec, { kind: 'timeToRecover' }>;

/**
 * A check timed from the end of `phase` needs something observed after it, and its sliding window
 * must fit in what follows (`windowPath`: where the error points).
 */
export function checkObservedAfter(env: CheckResolveEnv, path: FieldPath, phase: ResolvedPhase, windowMs: number | undefined, windowPath: FieldPath): void {
  const totalMs = env.phases.reduce((sum, p) => sum + p.durationMs, 0);
  const observedMs = totalMs - (phase.startMs + phase.durationMs);
  if (observedMs <= 0) env.ctx.error([...path, 'after'], `"${phase.name}" is the last phase, so nothing is observed after it; add a recovery phase`);
  else if (windowMs !== undefined && windowMs > observedMs) {
    env.ctx.error(windowPath, `window ${formatSpecDuration(windowMs)} is longer than what follows "${phase.name}" (${formatSpecDuration(observedMs)})`);
  }
}

export const timeToRecoverCheck: CheckKind<Static<typeof TimeToRecoverSchema>, TimeToRecoverSpec> = {
  key: 'timeToRecover',
  schema: TimeToRecoverSchema,
  resolve(env, path, spec) {
    const { ctx } = env;
    const phase = env.findPhase([...path, 'after'], spec.after);
    const windowMs = ctx.bucketDuration([...path, 'window'], spec.window, 'window');
    if (phase) checkObservedAfter(env, path, phase, windowMs, [...path, 'window']);
    const maxMs = ctx.ms(spec.max);
    return phase && windowMs !== undefined && maxMs !== undefined ? { kind: 'timeToRecover', after: phase.name, windowMs, threshold: spec.threshold, maxMs } : undefined;
  },
  defaultName: (spec) => `recovers within ${formatSpecDuration(spec.maxMs)} after ${spec.after}`,
  // Timing is what it measures: a late harness can make it fail.
  explainedBySlowHarness: () => true,
  evaluate(check, context): CheckResult {
    const { spec } = check;
    const bucketMs = context.timeline.bucketMs;
    const phase = context.phases.find((p) => p.name === spec.after);
    const base = { name: check.name, kind: spec.kind, strict: check.strict };
    const expected = { maxMs: spec.maxMs, windowMs: spec.windowMs, threshold: spec.threshold, minSamples: check.minSamples };
    if (!phase) return { ...base, verdict: 'inconclusive', reason: `phase "${spec.after}" did not run`, observed: { recoveryMs: null, resolutionMs: bucketMs }, expected };
    const startMs = disturbanceEndAfter(context, phase);
    return evaluateStableSpan(
      check,
      {
        startMs,
        endMs: context.loadEndMs,
        windowMs: spec.windowMs,
        threshold: spec.threshold,
        maxMs: spec.maxMs,
        verb: 'recovered',
        where: `after ${spec.after}`,
        observedKey: 'recoveryMs',
        markerKey: 'recoveredAtMs',
        startMarkerKey: 'recoveryStartMs',
      },
      context,
    );
  },
};

/** Where "after the phase" starts: when the last of its faults stopped disturbing, or its end (on a bucket edge). */
export function disturbanceEndAfter(context: CheckContext, phase: { name: string; endMs: number }): number {
  const phaseEnd = snap(phase.endMs, context.timeline.bucketMs);
  const faults = context.faults.filter((f) => f.phase === phase.name);
  return faults.length === 0 ? phaseEnd : Math.max(...faults.map((f) => disturbanceEndMs(f, phaseEnd)));
}

/** When a fault stopped disturbing: its revert; for a pod kill, its last pod deletion; else the phase end. */
function disturbanceEndMs(fault: FaultResult, phaseEndMs: number): number {
  if (fault.kind === 'pod-kill') {
    const deletions = (fault.pods ?? []).map((p) => p.deletedMs);
    if (deletions.length > 0) return Math.max(...deletions);
    return fault.appliedMs ?? phaseEndMs;
  }
  return fault.revertedMs ?? phaseEndMs;
}
