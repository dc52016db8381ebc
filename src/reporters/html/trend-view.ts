/**
 * The report's trend panel: this run and the previous ones the result carries in `history`
 * (from the experiment's results index), newest last: each run's verdict and each check's key
 * value, and per check a sparkline of that value. Built from result.json alone, so that
 * `rebound report` draws the same panel. Strings are raw; the template escapes them.
 */
import { indexEntryOf } from '../../history/index-entry.ts';
import type { Result } from '../../result/result.ts';
import { CHECK_SYMBOL, VERDICT_SYMBOL } from '../format.ts';

/** Runs shown: this one and up to nine before it. */
export const TREND_RUNS = 10;
/** A run as the result's history holds it (read-only). */
type HistoryRun = NonNullable<Result['history']>[number];

const SPARK = { width: 160, height: 28, pad: 4 } as const;

export interface TrendCell {
  readonly verdict: string;
  readonly symbol: string;
  readonly value: string;
}

/** One run, a column: when, against which commit, its verdict. */
export interface TrendRun {
  /** `01-02 10:00` (UTC); `at` is the full ISO time. */
  readonly label: string;
  readonly at: string;
  readonly commit: string;
  readonly verdict: string;
  readonly symbol: string;
  readonly current: boolean;
}

/** One check, a row: its key value in each run, and a sparkline of it. */
export interface TrendCheckRow {
  readonly name: string;
  readonly key: string;
  readonly cells: readonly TrendCell[];
  readonly sparkline?: Sparkline;
}

export interface Sparkline {
  readonly width: number;
  readonly height: number;
  readonly points: string;
  readonly dots: readonly { readonly x: string; readonly y: string; readonly colour: string; readonly title: string }[];
  readonly range: string;
}

export interface TrendView {
  readonly title: string;
  readonly runs: readonly TrendRun[];
  readonly checks: readonly TrendCheckRow[];
}

function formatValue(key: string | undefined, value: number | null | undefined): string {
  if (key === undefined || value === undefined) return '';
  if (value === null) return 'n/a';
  if (key === 'ratio') return `${(value * 100).toFixed(2)} %`;
  if (key.endsWith('Ms')) return `${Math.round(value)} ms`;
  return String(Math.round(value * 1000) / 1000);
}

const round1 = (n: number) => String(Math.round(n * 10) / 10);

const DOT_COLOUR: Readonly<Record<string, string>> = { passed: '#1a7f37', failed: '#cf222e' };

function sparkline(check: string, key: string, runs: readonly HistoryRun[]): Sparkline | undefined {
  const points = runs.map((run, i) => {
    const c = run.checks.find((x) => x.name === check);
    const value = c?.values[key];
    return { i, value: typeof value === 'number' && Number.isFinite(value) ? value : undefined, verdict: c?.verdict ?? 'missing', when: run.startedAt };
  });
  const known = points.filter((p): p is typeof p & { value: number } => p.value !== undefined);
  if (known.length < 2) return undefined;
  const low = Math.min(...known.map((p) => p.value));
  const high = Math.max(...known.map((p) => p.value));
  const span = high - low || 1;
  const x = (i: number) => SPARK.pad + (i * (SPARK.width - 2 * SPARK.pad)) / Math.max(1, runs.length - 1);
  const y = (v: number) => SPARK.height - SPARK.pad - ((v - low) / span) * (SPARK.height - 2 * SPARK.pad);
  return {
    width: SPARK.width,
    height: SPARK.height,
    points: known.map((p) => `${round1(x(p.i))},${round1(y(p.value))}`).join(' '),
    dots: known.map((p) => ({ x: round1(x(p.i)), y: round1(y(p.value)), colour: DOT_COLOUR[p.verdict] ?? '#9a6700', title: `${p.when}: ${formatValue(key, p.value)} (${p.verdict})` })),
    range: `${formatValue(key, low)} – ${formatValue(key, high)}`,
  };
}

/** `2026-01-02T10:00:00.000Z` → `01-02 10:00`; anything else as it is. */
function shortTime(iso: string): string {
  const match = /^\d{4}-(\d\d-\d\d)T(\d\d:\d\d)/.exec(iso);
  return match ? `${match[1]} ${match[2]}` : iso;
}

export function trendView(result: Result): TrendView | undefined {
  if (!result.history || result.history.length === 0) return undefined;
  const current = indexEntryOf(result, '');
  const runs: HistoryRun[] = [...result.history.slice(-(TREND_RUNS - 1)), current];
  const columns = runs.map((run, i): TrendRun => ({
    label: shortTime(run.startedAt),
    at: run.startedAt,
    commit: run.commit ? `${run.commit.slice(0, 7)}${run.ref ? ` ${run.ref}` : ''}` : '',
    verdict: run.verdict,
    symbol: VERDICT_SYMBOL[run.verdict],
    current: i === runs.length - 1,
  }));
  const checks = current.checks.map((check): TrendCheckRow => {
    const key = check.primary ?? '';
    const cells = runs.map((run): TrendCell => {
      const c = run.checks.find((x) => x.name === check.name);
      if (!c) return { verdict: 'missing', symbol: '', value: '—' };
      return { verdict: c.verdict, symbol: CHECK_SYMBOL[c.verdict], value: formatValue(c.primary, c.primary !== undefined ? c.values[c.primary] : undefined) };
    });
    const line = check.primary !== undefined ? sparkline(check.name, check.primary, runs) : undefined;
    return { name: check.name, key, cells, ...(line ? { sparkline: line } : {}) };
  });
  return { title: `${runs.length} runs of ${result.experiment.name}, oldest first`, runs: columns, checks };
}
