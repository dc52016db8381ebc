/** The shared rule of successRatio and failureRatio: a ratio over a scope, with n and a Wilson interval. */
import type { ResolvedCheck, Scope } from '../experiment/resolved.ts';
import type { CheckResult } from '../result/result.ts';
import type { CheckContext } from './check-kind.ts';
import { formatInterval, formatPercent, formatThreshold } from '../format/percent.ts';
import { describeScope, scopeBounds } from './scope.ts';
import { wilsonInterval } from './wilson.ts';

export interface RatioRule {
  readonly label: 'success ratio' | 'failure ratio';
  /** Which count the ratio is made of. */
  readonly numerator: 'successes' | 'failures';
  readonly bound: 'min' | 'max';
  readonly limit: number;
}

/**
 * A starved harness turns on-time responses into timeouts and dropped requests; it does not change
 * statuses or refused connections. A ratio failure is explained by it only if the check would pass
 * with every timeout and dropped request in its scope counted as a success.
 */
export function ratioExplainedBySlowHarness(check: CheckResult): boolean {
  const n = check.n ?? 0;
  const observed = check.observed as { successes?: unknown; failures?: unknown; failuresByKind?: Record<string, number> };
  if (n <= 0 || typeof observed.successes !== 'number' || typeof observed.failures !== 'number') return true;
  const timing = (observed.failuresByKind?.timeout ?? 0) + (observed.failuresByKind?.dropped ?? 0);
  const { min, max } = check.expected;
  if (typeof min === 'number') return (observed.successes + timing) / n >= min;
  return typeof max !== 'number' || (observed.failures - timing) / n <= max;
}

export function evaluateRatio(check: ResolvedCheck, scope: Scope, rule: RatioRule, context: CheckContext): CheckResult {
  const base = { name: check.name, kind: check.spec.kind, strict: check.strict };
  const expected = { [rule.bound]: rule.limit, minSamples: check.minSamples, scope: describeScope(scope) };
  const bucketMs = context.timeline.bucketMs;
  const bounds = scopeBounds(scope, context.phases, bucketMs);
  if (!bounds) {
    return { ...base, verdict: 'inconclusive', reason: `phase "${scope.phase}" did not run`, observed: { ratio: null, resolutionMs: bucketMs }, expected, n: 0 };
  }
  const summary = bounds.fromMs < bounds.toMs ? context.timeline.summarize(bounds.fromMs, bounds.toMs) : undefined;
  const n = summary?.total ?? 0;
  const hits = summary ? summary[rule.numerator] : 0;
  const ci = wilsonInterval(hits, n);
  const markers = { fromMs: bounds.fromMs, toMs: bounds.toMs };
  if (n < check.minSamples) {
    return {
      ...base,
      verdict: 'inconclusive',
      reason: `only ${n} sample${n === 1 ? '' : 's'} ${describeScope(scope)} (fewer than minSamples ${check.minSamples})`,
      observed: { ratio: n > 0 ? hits / n : null, successes: summary?.successes ?? 0, failures: summary?.failures ?? 0, resolutionMs: bucketMs },
      expected,
      n,
      interval: ci,
      markers,
    };
  }
  const ratio = hits / n;
  const ok = rule.bound === 'min' ? ratio >= rule.limit : ratio <= rule.limit;
  const op = rule.bound === 'min' ? (ok ? '≥' : '<') : ok ? '≤' : '>';
  return {
    ...base,
    verdict: ok ? 'passed' : 'failed',
    reason: `${rule.label} ${formatPercent(ratio, { decimals: 2, against: [rule.limit] })} ${op} ${formatThreshold(rule.limit)} (n=${n}, 95% CI ${formatInterval(ci, { against: [rule.limit] })})`,
    observed: { ratio, successes: summary!.successes, failures: summary!.failures, failuresByKind: { ...summary!.failuresByKind }, failuresByCode: { ...summary!.failuresByCode }, resolutionMs: bucketMs },
    expected,
    n,
    interval: ci,
    markers,
  };
}
