import { Type, type Static } from '@sinclair/typebox';
import type { CheckSpec } from '../experiment/resolved.ts';
import { isRecord } from '../experiment/resolve-context.ts';
import { PhaseName, Ratio, strict, WindowFields } from '../experiment/schema-parts.ts';
import type { CheckResult } from '../result/result.ts';
import type { CheckKind } from './check-kind.ts';
import { formatInterval, formatPercent, formatThreshold } from '../format/percent.ts';
import { describeScope, scopeBounds } from './scope.ts';
import { wilsonInterval } from './wilson.ts';

/** A served-by value counts toward `key` when it equals it or starts with `key-` (pod names: `payments-primary-7c9d-x2b4q`). */
export function servedByMatches(value: string, key: string): boolean {
  return value === key || value.startsWith(`${key}-`);
}

/** The share label for served-by values that match no expected key. */
export const OTHER = 'other';

const SHARE_SUM_TOLERANCE = 0.001;

const TrafficSplitSchema = Type.Object(
  {
    phase: PhaseName,
    expect: Type.Record(Type.String(), Ratio('Expected share.'), { description: 'Served-by prefix → expected share (sums to 1).' }),
    tolerance: Ratio('Allowed absolute deviation per share.'),
    ...WindowFields,
  },
  strict,
);
type TrafficSplitSpec = Extract<CheckSpec, { kind: 'trafficSplit' }>;

/**
 * Served-by shares over a scope against expected shares. A value counts toward key K when it
 * equals K or starts with `K-` (pod names: `payments-primary-7c9d-x2b4q`); when several keys
 * match, the longest wins. Values matching no key count as "other", whose expected share is 0.
 * Shares are of the samples that carried the header (failures usually do not); each share must be
 * within ± tolerance. Fewer than minSamples attributed samples → inconclusive.
 */
export const trafficSplitCheck: CheckKind<Static<typeof TrafficSplitSchema>, TrafficSplitSpec> = {
  key: 'trafficSplit',
  schema: TrafficSplitSchema,
  resolve(env, path, spec) {
    const scope = env.resolveScope(path, spec);
    if (!env.servedBy) env.ctx.error(path, 'trafficSplit needs load.servedBy (the response header that names the serving instance)', 'key');
    if (isRecord(spec.expect)) {
      const sum = Object.values(spec.expect).reduce<number>((acc, v) => acc + (typeof v === 'number' ? v : 0), 0);
      if (Object.keys(spec.expect).length === 0) env.ctx.error([...path, 'expect'], 'expect needs at least one served-by name and its share');
      else if (Math.abs(sum - 1) > SHARE_SUM_TOLERANCE) env.ctx.error([...path, 'expect'], `expected shares must sum to 1, got ${Math.round(sum * 1000) / 1000}`);
    }
    return scope && { kind: 'trafficSplit', scope, expect: { ...spec.expect }, tolerance: spec.tolerance };
  },
  defaultName: (spec) => `traffic split ${describeScope(spec.scope)}`,
  evaluate(check, context): CheckResult {
    const { spec } = check;
    const bucketMs = context.timeline.bucketMs;
    const base = { name: check.name, kind: spec.kind, strict: check.strict };
    const expected = { shares: { ...spec.expect }, tolerance: spec.tolerance, minSamples: check.minSamples, scope: describeScope(spec.scope) };
    const bounds = scopeBounds(spec.scope, context.phases, bucketMs);
    if (!bounds) return { ...base, verdict: 'inconclusive', reason: `phase "${spec.scope.phase}" did not run`, observed: { shares: {} }, expected, n: 0 };
    const summary = bounds.fromMs < bounds.toMs ? context.timeline.summarize(bounds.fromMs, bounds.toMs) : undefined;
    const keys = Object.keys(spec.expect).sort((a, b) => b.length - a.length);
    const counts: Record<string, number> = Object.fromEntries(Object.keys(spec.expect).map((k) => [k, 0]));
    let other = 0;
    let n = 0;
    for (const [value, count] of Object.entries(summary?.servedBy ?? {})) {
      n += count;
      const key = keys.find((k) => servedByMatches(value, k));
      if (key === undefined) other += count;
      else counts[key]! += count;
    }
    // A user may name an instance "other"; then unmatched values simply join it.
    const otherExpected = OTHER in spec.expect;
    if (otherExpected) {
      counts[OTHER]! += other;
      other = 0;
    }
    const unattributed = (summary?.total ?? 0) - n;
    const markers = { fromMs: bounds.fromMs, toMs: bounds.toMs };
    if (n < check.minSamples) {
      return {
        ...base,
        verdict: 'inconclusive',
        reason: `only ${n} response${n === 1 ? '' : 's'} named their server ${describeScope(spec.scope)} (fewer than minSamples ${check.minSamples})`,
        observed: { shares: {}, attributed: n, unattributed },
        expected,
        n,
        markers,
      };
    }
    const rows = [
      ...Object.keys(spec.expect).map((key) => ({ key, count: counts[key]!, expected: spec.expect[key]! })),
      ...(otherExpected ? [] : [{ key: OTHER, count: other, expected: 0 }]),
    ].map((row) => ({ ...row, share: row.count / n, deviation: Math.abs(row.count / n - row.expected) }));
    const shares = Object.fromEntries(rows.map((r) => [r.key, r.share]));
    const worst = rows.reduce((a, b) => (b.deviation > a.deviation ? b : a));
    const outside = rows.filter((r) => r.deviation > spec.tolerance + 1e-12);
    const ci = wilsonInterval(worst.count, n);
    const edges = (r: (typeof rows)[number]) => [r.expected - spec.tolerance, r.expected + spec.tolerance];
    const share = (r: (typeof rows)[number]) => `${r.key} ${formatPercent(r.share, { against: edges(r) })}`;
    const describeRow = (r: (typeof rows)[number]) => `${share(r)} (expected ${formatThreshold(r.expected)} ± ${formatThreshold(spec.tolerance)})`;
    const worstInterval = `${worst.key} 95% CI ${formatInterval(ci, { against: edges(worst) })}`;
    const reason =
      outside.length === 0
        ? `traffic split within ± ${formatThreshold(spec.tolerance)}: ${rows.map(share).join(', ')} (n=${n}, ${worstInterval})`
        : `traffic split off: ${outside.map(describeRow).join('; ')} (n=${n}, ${worstInterval})`;
    return {
      ...base,
      verdict: outside.length === 0 ? 'passed' : 'failed',
      reason,
      observed: { shares, counts: { ...counts, ...(otherExpected ? {} : { [OTHER]: other }) }, attributed: n, unattributed, worst: worst.key },
      expected,
      n,
      interval: ci,
      markers,
    };
  },
};
