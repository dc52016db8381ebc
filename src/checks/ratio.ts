/** The shared rule of successRatio and failureRatio: a ratio over a scope, with n and a Wilson interval. */
import type { ResolvedCheck, Scope } from '../experiment/resolved.ts';
import type { CheckResult } from '../result/result.ts';
import type { CheckContext } from './check.ts';
import { interval, percent, threshold } from './format.ts';
import { describeScope, scopeBounds } from './scope.ts';
import { wilsonInterval } from './wilson.ts';

export interface RatioRule {
  readonly label: 'success ratio' | 'failure ratio';
  /** Which count the ratio is made of. */
  readonly numerator: 'successes' | 'failures';
  readonly bound: 'min' | 'max';
  readonly limit: number;
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
    reason: `${rule.label} ${percent(ratio)} ${op} ${threshold(rule.limit)} (n=${n}, ${interval(ci)})`,
    observed: { ratio, successes: summary!.successes, failures: summary!.failures, failuresByKind: { ...summary!.failuresByKind }, resolutionMs: bucketMs },
    expected,
    n,
    interval: ci,
    markers,
  };
}
