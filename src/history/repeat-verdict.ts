/**
 * The verdict across `rebound run --repeat N`. Only repeats whose own run was conclusive (passed
 * or failed) are evidence; an inconclusive, aborted or errored repeat is reported as such and
 * counts for nothing either way.
 *
 * - A ratio check (a ratio, its sample count n and a `min` or `max`) is judged on the pooled
 *   counts: hits and samples summed over the repeats, and their 95 % Wilson interval. `min`
 *   passes when the interval's lower bound clears it, fails when the pooled ratio is below it,
 *   and is inconclusive in between (more repeats would tell). `max` mirrors it.
 * - Any other check (a time, a split, pods) passes when at least ⌈q·N⌉ of the N repeats passed
 *   it (q = --repeat-quantile, default 1: every repeat); it fails when too many failed for that
 *   to be possible even if every untrusted repeat had passed; else it is inconclusive.
 */
import { wilsonInterval } from '../checks/wilson.ts';
import type { CheckResult, CheckVerdict, Result, Verdict } from '../result/result.ts';

export interface RepeatRecord {
  /** 1-based. */
  readonly index: number;
  /** The repeat's result; absent when it ended before load started (nothing measured). */
  readonly result?: Result;
}

export interface PooledRatio {
  readonly bound: 'min' | 'max';
  readonly limit: number;
  readonly hits: number;
  readonly n: number;
  readonly ratio: number | null;
  readonly interval: readonly [number, number];
}

export interface CombinedCheck {
  readonly name: string;
  readonly kind: string;
  readonly strict: boolean;
  readonly verdict: CheckVerdict;
  readonly reason: string;
  readonly method: 'pooled-wilson' | 'quantile';
  /** This check's verdict in each repeat, in order (`untrusted` when the repeat's run was not conclusive, `missing` when it has no such check). */
  readonly perRepeat: readonly (CheckVerdict | 'untrusted' | 'missing')[];
  readonly pooled?: PooledRatio;
  readonly passedRepeats: number;
  readonly requiredRepeats: number;
}

export interface CombinedVerdict {
  readonly verdict: Verdict;
  readonly reason: string;
  readonly checks: readonly CombinedCheck[];
}

const TRUSTED: ReadonlySet<Verdict> = new Set(['passed', 'failed']);

export function isTrustedRepeat(repeat: RepeatRecord): boolean {
  return repeat.result !== undefined && TRUSTED.has(repeat.result.verdict);
}

/** ⌈q·N⌉, at least 1 (with a tolerance so that 0.9 × 10 is 9, not 10). */
export function requiredPasses(quantile: number, repeats: number): number {
  return Math.max(1, Math.ceil(quantile * repeats - 1e-9));
}

interface RatioRule {
  readonly bound: 'min' | 'max';
  readonly limit: number;
}

/** A check judged on a ratio of n samples against a `min` or a `max`. */
export function ratioRuleOf(check: CheckResult): RatioRule | undefined {
  if (!('ratio' in check.observed) || check.n === undefined) return undefined;
  const { min, max } = check.expected;
  if (typeof min === 'number') return { bound: 'min', limit: min };
  if (typeof max === 'number') return { bound: 'max', limit: max };
  return undefined;
}

const pct = (value: number) => `${(Math.round(value * 10000) / 100).toFixed(2)} %`;

function poolRatio(name: string, rule: RatioRule, checks: readonly CheckResult[]): Pick<CombinedCheck, 'verdict' | 'reason' | 'pooled'> {
  let hits = 0;
  let n = 0;
  for (const check of checks) {
    const ratio = check.observed.ratio;
    if (typeof ratio !== 'number' || !check.n) continue;
    hits += Math.round(ratio * check.n);
    n += check.n;
  }
  const ratio = n > 0 ? hits / n : null;
  const interval = wilsonInterval(hits, n);
  const pooled: PooledRatio = { ...rule, hits, n, ratio, interval };
  const span = `pooled ${ratio === null ? 'n/a' : pct(ratio)} (n=${n}, 95 % [${pct(interval[0])}, ${pct(interval[1])}])`;
  if (ratio === null) return { verdict: 'inconclusive', reason: `"${name}": no samples in any trusted repeat`, pooled };
  const [low, high] = interval;
  if (rule.bound === 'min') {
    if (low >= rule.limit) return { verdict: 'passed', reason: `${span}: lower bound ≥ ${pct(rule.limit)}`, pooled };
    if (ratio < rule.limit) return { verdict: 'failed', reason: `${span} < ${pct(rule.limit)}`, pooled };
    return { verdict: 'inconclusive', reason: `${span}: lower bound below ${pct(rule.limit)}; more repeats would tell`, pooled };
  }
  if (high <= rule.limit) return { verdict: 'passed', reason: `${span}: upper bound ≤ ${pct(rule.limit)}`, pooled };
  if (ratio > rule.limit) return { verdict: 'failed', reason: `${span} > ${pct(rule.limit)}`, pooled };
  return { verdict: 'inconclusive', reason: `${span}: upper bound above ${pct(rule.limit)}; more repeats would tell`, pooled };
}

function byQuantile(perRepeat: CombinedCheck['perRepeat'], quantile: number): Pick<CombinedCheck, 'verdict' | 'reason' | 'passedRepeats' | 'requiredRepeats'> {
  const required = requiredPasses(quantile, perRepeat.length);
  const passed = perRepeat.filter((v) => v === 'passed').length;
  const failed = perRepeat.filter((v) => v === 'failed').length;
  const unknown = perRepeat.length - passed - failed;
  const counts = `passed in ${passed} of ${perRepeat.length} repeats (needs ${required})${unknown > 0 ? `; ${unknown} untrusted, inconclusive or missing` : ''}`;
  if (passed >= required) return { verdict: 'passed', reason: counts, passedRepeats: passed, requiredRepeats: required };
  if (passed + unknown >= required) return { verdict: 'inconclusive', reason: counts, passedRepeats: passed, requiredRepeats: required };
  return { verdict: 'failed', reason: counts, passedRepeats: passed, requiredRepeats: required };
}

/** The checks of the first repeat that has a result, in its order (every repeat runs the same experiment). */
function checkNames(repeats: readonly RepeatRecord[]): CheckResult[] {
  const seen = new Map<string, CheckResult>();
  for (const repeat of repeats) for (const check of repeat.result?.checks ?? []) if (!seen.has(check.name)) seen.set(check.name, check);
  return [...seen.values()];
}

export function combineRepeats(repeats: readonly RepeatRecord[], quantile: number): CombinedVerdict {
  const checks = checkNames(repeats).map((first): CombinedCheck => {
    const perRepeat = repeats.map((repeat) => {
      if (!isTrustedRepeat(repeat)) return 'untrusted' as const;
      return repeat.result!.checks.find((c) => c.name === first.name)?.verdict ?? ('missing' as const);
    });
    const quantileVerdict = byQuantile(perRepeat, quantile);
    const rule = ratioRuleOf(first);
    const base = { name: first.name, kind: first.kind, strict: first.strict, perRepeat, passedRepeats: quantileVerdict.passedRepeats, requiredRepeats: quantileVerdict.requiredRepeats };
    if (!rule) return { ...base, method: 'quantile', verdict: quantileVerdict.verdict, reason: quantileVerdict.reason };
    const trusted = repeats.filter(isTrustedRepeat).flatMap((repeat) => repeat.result!.checks.filter((c) => c.name === first.name));
    return { ...base, method: 'pooled-wilson', ...poolRatio(first.name, rule, trusted) };
  });
  return { ...decide(repeats, checks), checks };
}

function decide(repeats: readonly RepeatRecord[], checks: readonly CombinedCheck[]): { verdict: Verdict; reason: string } {
  if (repeats.length === 0) return { verdict: 'inconclusive', reason: 'no repeat ran' };
  const errored = repeats.find((r) => r.result?.verdict === 'error');
  if (errored) return { verdict: 'error', reason: `repeat ${errored.index} ended in error: ${errored.result!.verdictReason}` };
  const aborted = repeats.find((r) => r.result?.verdict === 'aborted');
  if (aborted) return { verdict: 'aborted', reason: `repeat ${aborted.index} was aborted: ${aborted.result!.verdictReason}` };
  const strict = checks.filter((c) => c.strict);
  const failed = strict.find((c) => c.verdict === 'failed');
  if (failed) return { verdict: 'failed', reason: `check "${failed.name}" failed across the repeats: ${failed.reason}` };
  const inconclusive = strict.find((c) => c.verdict === 'inconclusive');
  if (inconclusive) return { verdict: 'inconclusive', reason: `check "${inconclusive.name}" is inconclusive across the repeats: ${inconclusive.reason}` };
  const untrusted = repeats.filter((r) => !isTrustedRepeat(r));
  if (untrusted.length === repeats.length) return { verdict: 'inconclusive', reason: 'no repeat was conclusive' };
  return { verdict: 'passed', reason: strict.length === 0 ? 'no strict checks: nothing was asserted' : `all ${strict.length} strict check${strict.length === 1 ? '' : 's'} passed across ${repeats.length} repeats` };
}
