import { Type, type Static } from '@sinclair/typebox';
import type { CheckSpec } from '../experiment/resolved.ts';
import { Duration, NonEmpty, PhaseName, Ratio, strict } from '../experiment/schema-parts.ts';
import type { CheckResult } from '../result/result.ts';
import type { CheckKind } from './check-kind.ts';
import { formatSpecDuration } from '../format/duration.ts';
import { bucketsOf } from './scope.ts';
import type { WindowCounts } from './stable-window.ts';
import { checkObservedAfter, disturbanceEndAfter } from './time-to-recover.ts';
import { evaluateStableSpan } from './time-to-stable.ts';

const DEFAULT_WINDOW = '1s';

/**
 * Failing back: from the end of phase P's disturbance (its faults' reverts, as timeToRecover)
 * until, in every window of width W up to the end of load, at least `share` of the responses that
 * named their server came from the `to` instances. A served-by value counts toward an instance
 * when it equals the name or starts with `name-` (pod names), as in trafficSplit. A window where
 * no response named a server counts as not failed back (as an empty window never "recovers").
 */
const TimeToFailbackSchema = Type.Object(
  {
    after: PhaseName,
    to: Type.Union([NonEmpty('The instance traffic must return to (a served-by value or its prefix).'), Type.Array(NonEmpty('An instance.'), { minItems: 1 })], {
      description: 'The instance(s) traffic must return to.',
    }),
    share: Ratio('Share of the responses naming a server that must come from `to`.'),
    within: Duration('Longest acceptable time from the revert to failing back.'),
    window: Type.Optional(Duration(`Sliding window width (default ${DEFAULT_WINDOW}).`)),
  },
  strict,
);
type TimeToFailbackSpec = Extract<CheckSpec, { kind: 'timeToFailback' }>;

export const timeToFailbackCheck: CheckKind<Static<typeof TimeToFailbackSchema>, TimeToFailbackSpec> = {
  key: 'timeToFailback',
  schema: TimeToFailbackSchema,
  resolve(env, path, spec) {
    const { ctx } = env;
    if (!env.servedBy) ctx.error(path, 'timeToFailback needs load.servedBy (the response header that names the serving instance)', 'key');
    const phase = env.findPhase([...path, 'after'], spec.after);
    const windowMs = ctx.bucketDuration([...path, 'window'], spec.window ?? DEFAULT_WINDOW, 'window');
    if (phase) checkObservedAfter(env, path, phase, windowMs, [...path, spec.window === undefined ? 'after' : 'window']);
    const withinMs = ctx.ms(spec.within);
    const to = typeof spec.to === 'string' ? [spec.to] : [...spec.to];
    return phase && windowMs !== undefined && withinMs !== undefined ? { kind: 'timeToFailback', after: phase.name, to, windowMs, share: spec.share, withinMs } : undefined;
  },
  defaultName: (spec) => `fails back to ${spec.to.join(', ')} within ${formatSpecDuration(spec.withinMs)} after ${spec.after}`,
  // Timing is what it measures: a late harness can make it fail.
  explainedBySlowHarness: () => true,
  evaluate(check, context): CheckResult {
    const { spec } = check;
    const bucketMs = context.timeline.bucketMs;
    const phase = context.phases.find((p) => p.name === spec.after);
    const base = { name: check.name, kind: spec.kind, strict: check.strict };
    const to = spec.to.join(', ');
    if (!phase) {
      return {
        ...base,
        verdict: 'inconclusive',
        reason: `phase "${spec.after}" did not run`,
        observed: { failbackMs: null, resolutionMs: bucketMs },
        expected: { maxMs: spec.withinMs, windowMs: spec.windowMs, threshold: spec.share, minSamples: check.minSamples, to },
      };
    }
    const startMs = disturbanceEndAfter(context, phase);
    return evaluateStableSpan(
      check,
      {
        startMs,
        endMs: context.loadEndMs,
        windowMs: spec.windowMs,
        threshold: spec.share,
        maxMs: spec.withinMs,
        verb: 'failed back',
        where: `after ${spec.after}`,
        observedKey: 'failbackMs',
        markerKey: 'failbackAtMs',
        startMarkerKey: 'failbackStartMs',
        counts: bucketsOf(context).map((bucket) => servedByCounts(bucket.servedBy, spec.to)),
        measure: ` to ${to}`,
        expected: { to },
      },
      context,
    );
  },
};

/** One bucket as a failback window sees it: responses that named a server, and those from the `to` instances. */
export function servedByCounts(servedBy: Readonly<Record<string, number>>, to: readonly string[]): WindowCounts {
  let total = 0;
  let successes = 0;
  for (const [value, count] of Object.entries(servedBy)) {
    total += count;
    if (to.some((name) => value === name || value.startsWith(`${name}-`))) successes += count;
  }
  return { total, successes };
}
