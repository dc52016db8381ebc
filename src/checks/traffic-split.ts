import type { CheckResult } from '../result/result.ts';
import type { Check } from './check.ts';
import { interval, percent, threshold } from './format.ts';
import { describeScope, scopeBounds } from './scope.ts';
import { wilsonInterval } from './wilson.ts';

/** The share label for served-by values that match no expected key. */
export const OTHER = 'other';

/**
 * Served-by shares over a scope against expected shares. A value counts toward key K when it
 * equals K or starts with `K-` (pod names: `payments-primary-7c9d-x2b4q`); when several keys
 * match, the longest wins. Values matching no key count as "other", whose expected share is 0.
 * Shares are of the samples that carried the header (failures usually do not); each share must be
 * within ± tolerance. Fewer than minSamples attributed samples → inconclusive.
 */
export const trafficSplitCheck: Check<'trafficSplit'> = {
  kind: 'trafficSplit',
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
      const key = keys.find((k) => value === k || value.startsWith(`${k}-`));
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
    const describeRow = (r: (typeof rows)[number]) => `${r.key} ${percent(r.share, 1)} (expected ${threshold(r.expected)} ± ${threshold(spec.tolerance)})`;
    const reason =
      outside.length === 0
        ? `traffic split within ± ${threshold(spec.tolerance)}: ${rows.map((r) => `${r.key} ${percent(r.share, 1)}`).join(', ')} (n=${n}, ${worst.key} ${interval(ci)})`
        : `traffic split off: ${outside.map(describeRow).join('; ')} (n=${n}, ${worst.key} ${interval(ci)})`;
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
