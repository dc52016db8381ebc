import { Type, type Static } from '@sinclair/typebox';
import type { CheckSpec } from '../experiment/resolved.ts';
import { Duration, PhaseName, Ratio, strict } from '../experiment/schema-parts.ts';
import type { CheckResult } from '../result/result.ts';
import type { CheckKind } from './check-kind.ts';
import { formatSpecDuration } from '../format/duration.ts';
import { snap } from './scope.ts';
import { evaluateStableSpan } from './time-to-stable.ts';

/**
 * From the phase's fault being applied (the earliest appliedMs of its faults; the phase start when
 * it has none) until the success ratio in every window of width W stays ≥ threshold to the end of
 * the phase. A phase whose faults all failed to apply is inconclusive: nothing was tested.
 */
const TimeToFailoverSchema = Type.Object(
  { phase: PhaseName, window: Duration('Sliding window width.'), threshold: Ratio('Success ratio every window must reach.'), max: Duration('Longest acceptable time to fail over.') },
  strict,
);
type TimeToFailoverSpec = Extract<CheckSpec, { kind: 'timeToFailover' }>;

export const timeToFailoverCheck: CheckKind<Static<typeof TimeToFailoverSchema>, TimeToFailoverSpec> = {
  key: 'timeToFailover',
  schema: TimeToFailoverSchema,
  resolve(env, path, spec) {
    const { ctx } = env;
    const phase = env.findPhase([...path, 'phase'], spec.phase);
    const windowMs = ctx.bucketDuration([...path, 'window'], spec.window, 'window');
    if (phase && windowMs !== undefined && phase.durationMs > 0 && windowMs > phase.durationMs) {
      ctx.error([...path, 'window'], `window ${formatSpecDuration(windowMs)} is longer than phase "${phase.name}" (${formatSpecDuration(phase.durationMs)})`);
    }
    const maxMs = ctx.ms(spec.max);
    return phase && windowMs !== undefined && maxMs !== undefined ? { kind: 'timeToFailover', phase: phase.name, windowMs, threshold: spec.threshold, maxMs } : undefined;
  },
  defaultName: (spec) => `fails over within ${formatSpecDuration(spec.maxMs)} in ${spec.phase}`,
  // Timing is what it measures: a late harness can make it fail.
  explainedBySlowHarness: () => true,
  evaluate(check, context): CheckResult {
    const { spec } = check;
    const bucketMs = context.timeline.bucketMs;
    const phase = context.phases.find((p) => p.name === spec.phase);
    const base = { name: check.name, kind: spec.kind, strict: check.strict };
    const expected = { maxMs: spec.maxMs, windowMs: spec.windowMs, threshold: spec.threshold, minSamples: check.minSamples };
    if (!phase) return { ...base, verdict: 'inconclusive', reason: `phase "${spec.phase}" did not run`, observed: { failoverMs: null, resolutionMs: bucketMs }, expected };
    const faults = context.faults.filter((f) => f.phase === spec.phase);
    const applied = faults.map((f) => f.appliedMs).filter((t): t is number => t !== undefined);
    if (faults.length > 0 && applied.length === 0) {
      return { ...base, verdict: 'inconclusive', reason: `no fault of phase "${spec.phase}" was applied, so there was nothing to fail over from`, observed: { failoverMs: null, resolutionMs: bucketMs }, expected };
    }
    const startMs = applied.length > 0 ? Math.min(...applied) : snap(phase.startMs, bucketMs);
    return evaluateStableSpan(
      check,
      {
        startMs,
        endMs: snap(phase.endMs, bucketMs),
        windowMs: spec.windowMs,
        threshold: spec.threshold,
        maxMs: spec.maxMs,
        verb: 'failed over',
        where: `in ${spec.phase}`,
        observedKey: 'failoverMs',
        markerKey: 'failoverAtMs',
        startMarkerKey: 'faultAppliedMs',
      },
      context,
    );
  },
};
