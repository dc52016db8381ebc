import type { CheckResult, FaultResult } from '../result/result.ts';
import type { Check } from './check.ts';
import { snap } from './scope.ts';
import { evaluateStableSpan } from './time-to-stable.ts';

/**
 * From the end of phase P's disturbance until the success ratio in every window of width W stays
 * ≥ threshold to the end of load (loadEndMs). The disturbance ends at the latest of: each reverted
 * fault's revertedMs; for a pod kill, its last pod deletion (a kill has nothing to revert). Faults
 * that were never reverted, and phases without faults, count from the phase end.
 */
export const timeToRecoverCheck: Check<'timeToRecover'> = {
  kind: 'timeToRecover',
  evaluate(check, context): CheckResult {
    const { spec } = check;
    const bucketMs = context.timeline.bucketMs;
    const phase = context.phases.find((p) => p.name === spec.after);
    const base = { name: check.name, kind: spec.kind, strict: check.strict };
    const expected = { maxMs: spec.maxMs, windowMs: spec.windowMs, threshold: spec.threshold, minSamples: check.minSamples };
    if (!phase) return { ...base, verdict: 'inconclusive', reason: `phase "${spec.after}" did not run`, observed: { recoveryMs: null, resolutionMs: bucketMs }, expected };
    const phaseEnd = snap(phase.endMs, bucketMs);
    const faults = context.faults.filter((f) => f.phase === spec.after);
    const startMs = faults.length === 0 ? phaseEnd : Math.max(...faults.map((f) => disturbanceEndMs(f, phaseEnd)));
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

function disturbanceEndMs(fault: FaultResult, phaseEndMs: number): number {
  if (fault.kind === 'pod-kill') {
    const deletions = (fault.pods ?? []).map((p) => p.deletedMs);
    if (deletions.length > 0) return Math.max(...deletions);
    return fault.appliedMs ?? phaseEndMs;
  }
  return fault.revertedMs ?? phaseEndMs;
}
