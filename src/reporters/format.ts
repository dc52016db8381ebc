/**
 * Plain-text formatting shared by every render (console, Markdown, JUnit, HTML), so that the
 * same number reads the same everywhere. No escaping here: each render escapes for its medium.
 */
import type { FailureKind } from '../load/sample.ts';
import type { CheckResult, CheckVerdict, Verdict } from '../result/result.ts';

type CheckValue = CheckResult['observed'][string];

export const CHECK_SYMBOL: Readonly<Record<CheckVerdict, string>> = {
  passed: '✔',
  failed: '✘',
  inconclusive: '?',
  error: '!',
};

export const VERDICT_SYMBOL: Readonly<Record<Verdict, string>> = {
  passed: '✔',
  failed: '✘',
  inconclusive: '?',
  aborted: '■',
  error: '!',
};

/** `850 ms`, `1.3 s`, `2 m 05 s`, `1 h 02 m`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(ms);
  if (abs < 1000) return `${sign}${abs < 10 ? round(abs, 1) : Math.round(abs)} ms`;
  if (abs < 60_000) return `${sign}${round(abs / 1000, abs < 10_000 ? 2 : 1)} s`;
  if (abs < 3_600_000) {
    const minutes = Math.floor(abs / 60_000);
    const seconds = Math.floor((abs % 60_000) / 1000);
    return `${sign}${minutes} m ${String(seconds).padStart(2, '0')} s`;
  }
  const hours = Math.floor(abs / 3_600_000);
  const minutes = Math.floor((abs % 3_600_000) / 60_000);
  return `${sign}${hours} h ${String(minutes).padStart(2, '0')} m`;
}

/** Run-clock offset as `m:ss.s` (`0:10.0`, `12:03.4`), or `h:mm:ss` past an hour. */
export function formatOffset(ms: number): string {
  const abs = Math.max(0, ms);
  const hours = Math.floor(abs / 3_600_000);
  const minutes = Math.floor((abs % 3_600_000) / 60_000);
  const seconds = (abs % 60_000) / 1000;
  if (hours > 0) return `${hours}:${String(minutes).padStart(2, '0')}:${String(Math.floor(seconds)).padStart(2, '0')}`;
  return `${minutes}:${seconds.toFixed(1).padStart(4, '0')}`;
}

/** A ratio 0–1 as a percentage with enough digits to tell 99.9 % from 100 %. */
export function formatRatio(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '—';
  const percent = ratio * 100;
  const digits = percent > 99 && percent < 100 ? 2 : 1;
  return `${percent.toFixed(digits).replace(/\.0+$/, '')}%`;
}

export function formatInterval(interval: readonly [number, number] | undefined): string {
  if (!interval) return '—';
  return `${formatRatio(interval[0])} – ${formatRatio(interval[1])}`;
}

export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  return n.toLocaleString('en-US');
}

/** Keys whose numeric values are ratios 0–1 (shown as percentages). */
const RATIO_KEYS = new Set(['ratio', 'min', 'max', 'threshold', 'tolerance', 'share', 'successRatio', 'failureRatio']);
/** Keys shown as a comparison rather than `key value`. */
const COMPARATORS: Readonly<Record<string, string>> = { min: '≥ ', max: '≤ ', maxMs: '≤ ', minMs: '≥ ', withinMs: 'within ' };

/** `timeToFailoverMs` → `time to failover`. */
export function humanizeKey(key: string): string {
  return key
    .replace(/Ms$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase();
}

export function formatCheckValue(key: string, value: CheckValue | undefined): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (/Ms$/.test(key)) return formatDuration(value);
    if (key === 'percentile') return `p${value}`;
    if (RATIO_KEYS.has(key) && value >= 0 && value <= 1) return formatRatio(value);
    return Number.isInteger(value) ? formatCount(value) : String(round(value, 3));
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return '—';
  return entries.map(([name, share]) => `${name} ${share >= 0 && share <= 1 ? formatRatio(share) : String(share)}`).join(', ');
}

/**
 * A check's observed or expected record in one line: a single value stands alone
 * (`94.8%`, `1.3 s`), comparisons read as such (`≥ 95%`), others as `key value`.
 */
export function formatCheckValues(values: CheckResult['observed']): string {
  const entries = Object.entries(values);
  if (entries.length === 0) return '—';
  if (entries.length === 1) {
    const [key, value] = entries[0]!;
    return `${COMPARATORS[key] ?? ''}${formatCheckValue(key, value)}`;
  }
  return entries
    .map(([key, value]) => {
      const comparator = COMPARATORS[key];
      return comparator ? `${comparator}${formatCheckValue(key, value)}` : `${humanizeKey(key)} ${formatCheckValue(key, value)}`;
    })
    .join(', ');
}

/** `requests/s` figure for a count over a duration. */
export function formatRate(count: number, durationMs: number): string {
  if (!(durationMs > 0)) return '—';
  const rate = (count * 1000) / durationMs;
  return `${rate >= 100 ? Math.round(rate) : round(rate, 1)}/s`;
}

export function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** Names for failure kinds, read after a count: `999 bad HTTP status`, `3 refused`. */
const FAILURE_LABELS: Readonly<Record<FailureKind, string>> = {
  http_status: 'bad HTTP status',
  timeout: 'timeout',
  connection_refused: 'refused',
  connection_reset: 'reset',
  dropped: 'dropped (in-flight cap)',
  other: 'other',
};

/** Failures by kind, most frequent first, count before name: `999 bad HTTP status, 1 timeout`. */
export function formatFailures(byKind: Partial<Record<FailureKind, number>> | Readonly<Record<string, number>>): string {
  const parts = Object.entries(byKind)
    .filter(([, n]) => (n ?? 0) > 0)
    .sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0))
    .map(([kind, n]) => `${formatCount(n)} ${FAILURE_LABELS[kind as FailureKind] ?? kind.replace(/_/g, ' ')}`);
  return parts.length > 0 ? parts.join(', ') : '—';
}
