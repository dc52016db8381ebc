/**
 * Plain-text pieces shared by every render (console, Markdown, JUnit, HTML): symbols, counts,
 * failure names. Percentages and durations are src/format's. No escaping here: each render
 * escapes for its medium.
 */
import type { FailureKind } from '../load/sample.ts';
import type { CheckVerdict, Verdict } from '../result/result.ts';

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

/** Percentages in every render (console, Markdown, JUnit, HTML) read `99.6 %`; format/percent.ts decides the digits. */
export const REPORT_PERCENT = { spaced: true } as const;

export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  return n.toLocaleString('en-US');
}

/** `timeToFailoverMs` → `time to failover`. */
export function humanizeKey(key: string): string {
  return key
    .replace(/Ms$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase();
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
