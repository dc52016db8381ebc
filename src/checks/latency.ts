import { Type, type Static } from '@sinclair/typebox';
import type { CheckSpec } from '../experiment/resolved.ts';
import { Duration, PhaseName, strict, WindowFields } from '../experiment/schema-parts.ts';
import type { CheckResult } from '../result/result.ts';
import type { LatencySummary, TimelineView } from '../timeline/timeline.ts';
import type { CheckKind } from './check-kind.ts';
import { formatDuration, formatSpecDuration } from '../format/duration.ts';
import { describeScope, scopeBounds } from './scope.ts';

const LatencySchema = Type.Object(
  {
    phase: PhaseName,
    percentile: Type.Number({
      exclusiveMinimum: 0,
      maximum: 100,
      patternErrorMessage: 'a percentile in (0, 100] such as 99 or 99.9',
      description: 'Any percentile in (0, 100], e.g. 50, 99, 99.9; 100 is the maximum.',
    }),
    max: Duration('Highest acceptable latency (from the scheduled time).'),
    ...WindowFields,
  },
  strict,
);
type LatencySpec = Extract<CheckSpec, { kind: 'latency' }>;

/** What a timeline view without `latencyPercentile` can answer, from its window summary. */
const SUMMARY_FIELD: Readonly<Record<number, keyof LatencySummary>> = { 50: 'p50', 90: 'p90', 95: 'p95', 99: 'p99', 100: 'max' };

/**
 * A latency percentile over a scope (from the merged histogram of its buckets; latency from the
 * scheduled time, so queueing during an outage counts) must be at most `max`. Failed requests
 * count with the time they took to fail; dropped ones have no latency. Any percentile in (0, 100]
 * (100 = max), read with the histogram's precision of 3 significant digits.
 */
export const latencyCheck: CheckKind<Static<typeof LatencySchema>, LatencySpec> = {
  key: 'latency',
  schema: LatencySchema,
  resolve(env, path, spec) {
    const scope = env.resolveScope(path, spec);
    const maxMs = env.ctx.ms(spec.max);
    return scope && maxMs !== undefined ? { kind: 'latency', scope, percentile: spec.percentile, maxMs } : undefined;
  },
  defaultName: (spec) => `${spec.percentile === 100 ? 'max' : `p${spec.percentile}`} latency ≤ ${formatSpecDuration(spec.maxMs)} ${describeScope(spec.scope)}`,
  // Timing is what it measures: a late harness can make it fail.
  explainedBySlowHarness: () => true,
  evaluate(check, context): CheckResult {
    const { spec } = check;
    const bucketMs = context.timeline.bucketMs;
    const label = spec.percentile === 100 ? 'max' : `p${spec.percentile}`;
    const base = { name: check.name, kind: spec.kind, strict: check.strict };
    const expected = { maxMs: spec.maxMs, percentile: spec.percentile, minSamples: check.minSamples, scope: describeScope(spec.scope) };
    const bounds = scopeBounds(spec.scope, context.phases, bucketMs);
    if (!bounds) return { ...base, verdict: 'inconclusive', reason: `phase "${spec.scope.phase}" did not run`, observed: { latencyMs: null }, expected, n: 0 };
    const summary = bounds.fromMs < bounds.toMs ? context.timeline.summarize(bounds.fromMs, bounds.toMs) : undefined;
    const n = summary?.total ?? 0;
    const markers = { fromMs: bounds.fromMs, toMs: bounds.toMs };
    if (!(spec.percentile > 0 && spec.percentile <= 100)) {
      return { ...base, verdict: 'error', reason: `percentile ${spec.percentile} is not in (0, 100]`, observed: { latencyMs: null }, expected, n, markers };
    }
    if (n < check.minSamples) {
      return { ...base, verdict: 'inconclusive', reason: `only ${n} sample${n === 1 ? '' : 's'} ${describeScope(spec.scope)} (fewer than minSamples ${check.minSamples})`, observed: { latencyMs: null }, expected, n, markers };
    }
    if (!summary?.latency) {
      return { ...base, verdict: 'inconclusive', reason: `no latency was measured ${describeScope(spec.scope)}: all ${n} requests were dropped`, observed: { latencyMs: null }, expected, n, markers };
    }
    const value = percentileOf(context.timeline, bounds, spec.percentile, summary.latency);
    if (value === undefined) {
      return { ...base, verdict: 'error', reason: `this timeline only keeps percentiles 50, 90, 95, 99 and 100, not ${spec.percentile}`, observed: { latencyMs: null }, expected, n, markers };
    }
    const ok = value <= spec.maxMs;
    return {
      ...base,
      verdict: ok ? 'passed' : 'failed',
      reason: `${label} latency ${formatDuration(value, { against: [spec.maxMs] })} ${ok ? '≤' : '>'} ${formatDuration(spec.maxMs)} ${describeScope(spec.scope)} (n=${n})`,
      observed: { latencyMs: value, p50Ms: summary.latency.p50, p99Ms: summary.latency.p99, maxMs: summary.latency.max },
      expected,
      n,
      markers,
    };
  },
};

/** The percentile over the window (which has latency); undefined when the view cannot tell it. */
function percentileOf(timeline: TimelineView, window: { fromMs: number; toMs: number }, percentile: number, latency: LatencySummary): number | undefined {
  if (timeline.latencyPercentile) return timeline.latencyPercentile(window.fromMs, window.toMs, percentile) ?? undefined;
  const field = SUMMARY_FIELD[percentile];
  return field === undefined ? undefined : latency[field];
}
