/**
 * Checks that asked a system (Prometheus) rather than Rebound's own timeline: each with the query
 * as sent, the window it covered, the series it saw (a small bar chart), and Rebound's own
 * success ratio over the same window, so the two views sit side by side.
 */
import { formatPercent } from '../../format/percent.ts';
import type { Result } from '../../result/result.ts';

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
}

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
      },
    ];
  });
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
