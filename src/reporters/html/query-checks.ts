/**
 * Checks that asked a system (Prometheus) rather than Rebound's own timeline: each with the query
 * as sent, the window it covered, the series it saw (a small bar chart), and Rebound's own
 * success ratio over the same window, so the two views sit side by side.
 */
import { formatOffset } from '../../format/duration.ts';
import { formatPercent } from '../../format/percent.ts';
import type { CheckResult, Result } from '../../result/result.ts';
import { linearScale, linePath, niceStep } from './scales.ts';
import { formatInstant } from './wall-clock.ts';

export interface QueryCheckView {
  readonly name: string;
  readonly verdict: string;
  readonly query: string;
  readonly window: string;
  /** What is compared: `success ratio`, `failure ratio` or `value`. */
  readonly measure: string;
  /** What the check concluded from the answer: `99.84 %`, `2000`, or `—`. */
  readonly measured: string;
  /** Rebound's own ratio of the same kind over the same window, with n (— for a plain value). */
  readonly rebound: string;
  /** Series and their values, largest first, with a bar width in percent of the largest. */
  readonly series: readonly { readonly labels: string; readonly value: string; readonly barPercent: number }[];
  /** A query judged at every step (forAll): its series over the window, with the bounds. */
  readonly range?: RangeChartView;
}

/**
 * A small line chart of a range query. The SVG holds no text (it scales with the page; its
 * labels would shrink below legibility on a phone): the axis ends are HTML around it.
 */
export interface RangeChartView {
  readonly width: number;
  readonly height: number;
  readonly lines: readonly { readonly d: string; readonly cls: string; readonly labels: string }[];
  /** More than one series: a legend names each line's labels. */
  readonly multiple: boolean;
  readonly bounds: readonly { readonly y: number; readonly title: string }[];
  /** Points outside the bounds, each with its time and value. */
  readonly outside: readonly { readonly x: number; readonly y: number; readonly title: string }[];
  readonly yHigh: string;
  readonly yLow: string;
  readonly from: string;
  readonly to: string;
  readonly label: string;
}

const RANGE_WIDTH = 600;
const RANGE_HEIGHT = 120;
const RANGE_PAD = 6;

const MAX_SERIES = 10;

export function queryChecks(result: Result): QueryCheckView[] {
  return result.checks.flatMap((check) => {
    const observed = check.observed as Record<string, unknown>;
    if (typeof observed.query !== 'string') return [];
    const { fromMs, toMs } = (check.markers ?? {}) as { fromMs?: number; toMs?: number };
    const series = Object.entries((observed.series ?? {}) as Record<string, number>)
      .filter(([, value]) => Number.isFinite(value))
      .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]))
      .slice(0, MAX_SERIES);
    const largest = Math.max(0, ...series.map(([, value]) => Math.abs(value)));
    const ratio = typeof observed.ratio === 'number' ? (/failure/i.test(check.kind) ? 'failure ratio' : 'success ratio') : undefined;
    return [
      {
        name: check.name,
        verdict: check.verdict,
        query: observed.query,
        window: typeof observed.windowStart === 'string' && typeof observed.windowEnd === 'string' ? `${observed.windowStart} – ${observed.windowEnd}` : '—',
        measure: ratio ?? 'value',
        measured: typeof observed.ratio === 'number' ? formatPercent(observed.ratio, { spaced: true, decimals: 2 }) : typeof observed.value === 'number' ? String(observed.value) : '—',
        rebound: ratio && fromMs !== undefined && toMs !== undefined ? reboundRatio(result, fromMs, toMs, ratio === 'failure ratio') : '—',
        series: series.map(([labels, value]) => ({ labels, value: String(value), barPercent: largest > 0 ? Math.round((Math.abs(value) / largest) * 100) : 0 })),
        ...(check.rangeSeries && fromMs !== undefined && toMs !== undefined ? { range: rangeChart(result, check, check.rangeSeries, fromMs, toMs) } : {}),
      },
    ];
  });
}

function rangeChart(result: Result, check: CheckResult, series: NonNullable<CheckResult['rangeSeries']>, fromMs: number, toMs: number): RangeChartView | undefined {
  const values = series.flatMap((s) => s.points.map(([, value]) => value)).filter((value): value is number => value !== null);
  if (values.length === 0) return undefined;
  const min = typeof check.expected.min === 'number' ? check.expected.min : undefined;
  const max = typeof check.expected.max === 'number' ? check.expected.max : undefined;
  const bounds = [min, max].filter((bound): bound is number => bound !== undefined);
  const [lowest, highest] = values.reduce(([lo, hi], value) => [Math.min(lo, value), Math.max(hi, value)], [Infinity, -Infinity]);
  let low = Math.min(lowest, ...bounds);
  let high = Math.max(highest, ...bounds);
  if (high === low) [low, high] = [low - Math.max(Math.abs(low) * 0.05, 0.5), high + Math.max(Math.abs(high) * 0.05, 0.5)];
  // the axis ends on round values a little beyond the data, and never below 0 for data that is not
  const step = niceStep(low, high, 4);
  const nonNegative = low >= 0;
  low = Math.floor(low / step - 0.2) * step;
  high = Math.ceil(high / step + 0.2) * step;
  if (nonNegative) low = Math.max(0, low);
  const x = linearScale([fromMs, Math.max(toMs, fromMs + 1)], [RANGE_PAD, RANGE_WIDTH - RANGE_PAD]);
  const y = linearScale([low, high], [RANGE_HEIGHT - RANGE_PAD, RANGE_PAD]);
  const inBounds = (value: number) => (min === undefined || value >= min) && (max === undefined || value <= max);
  return {
    width: RANGE_WIDTH,
    height: RANGE_HEIGHT,
    lines: series.map((s, i) => ({ d: linePath(s.points.map(([at, value]) => [x(at), value === null ? null : y(value)])), cls: `rs rs-${i}`, labels: s.labels })),
    multiple: series.length > 1,
    bounds: [
      ...(min !== undefined ? [{ y: y(min), title: `min ${formatValue(min)}` }] : []),
      ...(max !== undefined ? [{ y: y(max), title: `max ${formatValue(max)}` }] : []),
    ],
    outside: series.flatMap((s) =>
      s.points
        .filter((point): point is [number, number] => point[1] !== null && !inBounds(point[1]))
        .map(([at, value]) => ({ x: x(at), y: y(value), title: `${formatInstant(result, at)}: ${formatValue(value)} ${s.labels}` })),
    ),
    yHigh: formatValue(high),
    yLow: formatValue(low),
    from: formatOffset(fromMs),
    to: formatOffset(toMs),
    label: `${series.length === 1 ? 'The series' : `${series.length} series`} over ${formatOffset(fromMs)} – ${formatOffset(toMs)}, from ${formatValue(lowest)} to ${formatValue(highest)}${bounds.length > 0 ? `; bound${bounds.length > 1 ? 's' : ''}: ${[min !== undefined ? `min ${formatValue(min)}` : '', max !== undefined ? `max ${formatValue(max)}` : ''].filter(Boolean).join(', ')}` : ''}`,
  };
}

/** Up to 4 significant digits: query values are ratios, rates or counts. */
function formatValue(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
}

/** Rebound's success (or failure) ratio over [fromMs, toMs) of the run clock, from the timeline's buckets. */
function reboundRatio(result: Result, fromMs: number, toMs: number, failures: boolean): string {
  const { bucketMs, buckets } = result.timeline;
  let total = 0;
  let successes = 0;
  for (const bucket of buckets) {
    const at = bucket.index * bucketMs;
    if (at < fromMs || at >= toMs) continue;
    total += bucket.total;
    successes += bucket.successes;
  }
  const ratio = failures ? (total - successes) / total : successes / total;
  return total > 0 ? `${formatPercent(ratio, { spaced: true, decimals: 2 })} (n = ${total})` : '—';
}
