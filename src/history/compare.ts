/**
 * Two runs of an experiment side by side, check by check (matched by name), and what got worse.
 * A regression is one of:
 * - a check that passed in A and failed in B (and a run that passed in A and failed, was
 *   aborted or errored in B);
 * - a ratio whose 95 % Wilson intervals no longer overlap, in the bad direction (B's whole
 *   interval below A's for a `min`, above it for a `max`): sampling noise cannot explain it;
 * - a time (an observed `…Ms` value) that grew by more than the tolerance: more than
 *   `timeTolerance` of A's value and more than one timeline bucket (times are measured at that
 *   resolution, so a one-bucket step is not a change).
 * Regressions of advisory checks are reported but never decide the exit code.
 */
import type { CheckResult, Result } from '../result/result.ts';
import { ratioRuleOf } from './repeat-verdict.ts';

export const DEFAULT_TIME_TOLERANCE = 0.2;

export interface ValueRow {
  readonly key: string;
  readonly a: number | null | undefined;
  readonly b: number | null | undefined;
  /** b − a when both are numbers. */
  readonly delta: number | null;
}

export interface CheckSide {
  readonly verdict: CheckResult['verdict'];
  readonly n?: number;
  readonly interval?: readonly [number, number];
}

export interface Regression {
  readonly check: string;
  readonly strict: boolean;
  readonly rule: 'verdict' | 'ratio' | 'time' | 'run';
  readonly message: string;
}

export interface CheckComparison {
  readonly name: string;
  readonly kind: string;
  readonly strict: boolean;
  readonly a?: CheckSide;
  readonly b?: CheckSide;
  /** The expectation, as B states it (A's when the check is gone from B). */
  readonly expected: Readonly<Record<string, unknown>>;
  readonly values: readonly ValueRow[];
  readonly regressions: readonly Regression[];
}

export interface RunSide {
  readonly label: string;
  readonly experiment: string;
  readonly startedAt: string;
  readonly verdict: Result['verdict'];
  readonly verdictReason: string;
}

export interface Comparison {
  readonly a: RunSide;
  readonly b: RunSide;
  readonly timeTolerance: number;
  /** Time growth below this is never a regression (the coarser of the two runs' bucket widths). */
  readonly timeFloorMs: number;
  readonly checks: readonly CheckComparison[];
  /** Every regression; `regressed` counts only strict ones. */
  readonly regressions: readonly Regression[];
  readonly regressed: boolean;
  readonly notes: readonly string[];
}

const pct = (value: number) => `${(Math.round(value * 10000) / 100).toFixed(2)} %`;
const BAD_RUN: ReadonlySet<Result['verdict']> = new Set(['failed', 'aborted', 'error']);

function numericValues(check: CheckResult | undefined): Map<string, number | null> {
  const values = new Map<string, number | null>();
  for (const [key, value] of Object.entries(check?.observed ?? {})) {
    if (key === 'resolutionMs') continue;
    if (typeof value === 'number' || value === null) values.set(key, value);
  }
  return values;
}

function side(check: CheckResult): CheckSide {
  return { verdict: check.verdict, ...(check.n !== undefined ? { n: check.n } : {}), ...(check.interval ? { interval: check.interval } : {}) };
}

function compareCheck(name: string, a: CheckResult | undefined, b: CheckResult | undefined, tolerance: number, floorMs: number): CheckComparison {
  const either = (b ?? a)!;
  const strict = either.strict;
  const regressions: Regression[] = [];
  const flag = (rule: Regression['rule'], message: string) => regressions.push({ check: name, strict, rule, message });
  const aValues = numericValues(a);
  const bValues = numericValues(b);
  const keys = [...new Set([...aValues.keys(), ...bValues.keys()])];
  const values = keys.map((key): ValueRow => {
    const av = aValues.get(key);
    const bv = bValues.get(key);
    return { key, a: av, b: bv, delta: typeof av === 'number' && typeof bv === 'number' ? bv - av : null };
  });
  if (a && b) {
    if (a.verdict === 'passed' && b.verdict === 'failed') flag('verdict', `passed in A, failed in B: ${b.reason}`);
    const rule = ratioRuleOf(b) ?? ratioRuleOf(a);
    if (rule && a.interval && b.interval && a.n && b.n) {
      const worse = rule.bound === 'min' ? b.interval[1] < a.interval[0] : b.interval[0] > a.interval[1];
      if (worse) {
        flag('ratio', `ratio ${rule.bound === 'min' ? 'fell' : 'rose'} beyond the 95 % intervals: A [${pct(a.interval[0])}, ${pct(a.interval[1])}] (n=${a.n}), B [${pct(b.interval[0])}, ${pct(b.interval[1])}] (n=${b.n})`);
      }
    }
    for (const row of values) {
      if (!row.key.endsWith('Ms') || typeof row.a !== 'number' || typeof row.b !== 'number') continue;
      const grew = row.b - row.a;
      if (row.b > row.a * (1 + tolerance) && grew > floorMs) {
        const relative = row.a > 0 ? ` (+${Math.round((grew / row.a) * 100)} %)` : '';
        flag('time', `${row.key} grew ${Math.round(row.a)} → ${Math.round(row.b)} ms${relative}, beyond the tolerance (${Math.round(tolerance * 100)} % and ${floorMs} ms)`);
      }
    }
  }
  return {
    name,
    kind: either.kind,
    strict,
    ...(a ? { a: side(a) } : {}),
    ...(b ? { b: side(b) } : {}),
    expected: either.expected,
    values,
    regressions,
  };
}

export function compareResults(a: Result, b: Result, options: { labels?: readonly [string, string]; timeTolerance?: number } = {}): Comparison {
  const tolerance = options.timeTolerance ?? DEFAULT_TIME_TOLERANCE;
  const floorMs = Math.max(a.timeline.bucketMs, b.timeline.bucketMs);
  const notes: string[] = [];
  if (a.experiment.name !== b.experiment.name) notes.push(`A is experiment "${a.experiment.name}", B is "${b.experiment.name}": checks are matched by name`);
  const names = [...new Set([...a.checks.map((c) => c.name), ...b.checks.map((c) => c.name)])];
  const checks = names.map((name) => {
    const inA = a.checks.find((c) => c.name === name);
    const inB = b.checks.find((c) => c.name === name);
    if (!inA) notes.push(`check "${name}" is new in B`);
    if (!inB) notes.push(`check "${name}" is not in B`);
    return compareCheck(name, inA, inB, tolerance, floorMs);
  });
  const regressions: Regression[] = checks.flatMap((c) => c.regressions);
  if (a.verdict === 'passed' && BAD_RUN.has(b.verdict)) regressions.unshift({ check: '(run)', strict: true, rule: 'run', message: `the run passed in A and is ${b.verdict} in B: ${b.verdictReason}` });
  const runSide = (result: Result, label: string): RunSide => ({ label, experiment: result.experiment.name, startedAt: result.startedAt, verdict: result.verdict, verdictReason: result.verdictReason });
  const [labelA, labelB] = options.labels ?? ['A', 'B'];
  return {
    a: runSide(a, labelA),
    b: runSide(b, labelB),
    timeTolerance: tolerance,
    timeFloorMs: floorMs,
    checks,
    regressions,
    regressed: regressions.some((r) => r.strict),
    notes,
  };
}
