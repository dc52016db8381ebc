import type { LatencySummary } from '../timeline/timeline.ts';
import type { CheckResult } from '../result/result.ts';
import type { Check } from './check.ts';
import { ms } from './format.ts';
import { describeScope, scopeBounds } from './scope.ts';

const PERCENTILE_FIELD: Readonly<Record<number, keyof LatencySummary>> = { 50: 'p50', 90: 'p90', 95: 'p95', 99: 'p99', 100: 'max' };

/**
 * A latency percentile over a scope (from the merged histogram of its buckets; latency from the
 * scheduled time, so queueing during an outage counts) must be at most `max`. Failed requests
 * count with the time they took to fail; dropped ones have no latency. Supported percentiles are
 * those the timeline summarises: 50, 90, 95, 99 and 100 (max).
 */
export const latencyCheck: Check<'latency'> = {
  kind: 'latency',
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
    const field = PERCENTILE_FIELD[spec.percentile];
    if (field === undefined) {
      return { ...base, verdict: 'error', reason: `percentile ${spec.percentile} is not one the timeline keeps (50, 90, 95, 99, 100)`, observed: { latencyMs: null }, expected, n, markers };
    }
    if (n < check.minSamples) {
      return { ...base, verdict: 'inconclusive', reason: `only ${n} sample${n === 1 ? '' : 's'} ${describeScope(spec.scope)} (fewer than minSamples ${check.minSamples})`, observed: { latencyMs: null }, expected, n, markers };
    }
    if (!summary?.latency) {
      return { ...base, verdict: 'inconclusive', reason: `no latency was measured ${describeScope(spec.scope)}: all ${n} requests were dropped`, observed: { latencyMs: null }, expected, n, markers };
    }
    const value = summary.latency[field];
    const ok = value <= spec.maxMs;
    return {
      ...base,
      verdict: ok ? 'passed' : 'failed',
      reason: `${label} latency ${ms(value)} ${ok ? '≤' : '>'} ${ms(spec.maxMs)} ${describeScope(spec.scope)} (n=${n})`,
      observed: { latencyMs: value, p50Ms: summary.latency.p50, p99Ms: summary.latency.p99, maxMs: summary.latency.max },
      expected,
      n,
      markers,
    };
  },
};
