/**
 * The "Why requests failed" section of the HTML report: per phase, failures by status / error
 * code; the first distinct failures (code, message, count, first and last seen, body excerpt);
 * and the failures-over-time panel. Strings are raw; the template escapes them.
 */
import type { Result } from '../../result/result.ts';
import { FAILURE_KINDS, type FailureKind } from '../../load/sample.ts';
import { formatOffset } from '../../format/duration.ts';
import { formatPercent } from '../../format/percent.ts';
import { REPORT_PERCENT, formatCount } from '../format.ts';
import { type ChartFigure, chartFigure, WIDE } from './charts.ts';
import { FAILURE_KIND_LABEL, failuresChart } from './failure-chart.ts';

export interface FailureCodeRow {
  readonly code: string;
  readonly kind: string;
  readonly count: string;
  readonly share: string;
}

export interface FailurePhaseView {
  readonly name: string;
  readonly failures: string;
  readonly total: string;
  readonly rows: readonly FailureCodeRow[];
}

export interface FailureMessageRow {
  readonly code: string;
  readonly kind: string;
  readonly message: string;
  readonly count: string;
  readonly first: string;
  readonly firstAt: string;
  readonly last: string;
  readonly lastAt: string;
  readonly excerpt: string;
}

export interface FailureView {
  readonly summary: string;
  readonly phases: readonly FailurePhaseView[];
  readonly messages: readonly FailureMessageRow[];
  /** Why the messages table is empty or incomplete; '' when it lists every failure. */
  readonly messagesNote: string;
  readonly chart?: ChartFigure;
}

const KIND_BY_CODE: Readonly<Record<string, FailureKind>> = { timeout: 'timeout', dropped: 'dropped', ECONNREFUSED: 'connection_refused', ECONNRESET: 'connection_reset', EPIPE: 'connection_reset', UND_ERR_SOCKET: 'connection_reset' };

function kindOfCode(code: string, logged: ReadonlyMap<string, FailureKind>): FailureKind {
  return logged.get(code) ?? KIND_BY_CODE[code] ?? (/^\d{3}$/.test(code) ? 'http_status' : 'other');
}

/** `09:15:02.417 UTC` (the day is in the report's facts). */
function wallClock(iso: string): string {
  const match = /T(\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?)/.exec(iso);
  return match ? `${match[1]} UTC` : iso;
}

/** Undefined when no request failed. */
export function buildFailureView(result: Result): FailureView | undefined {
  const failed = result.phases.reduce((sum, phase) => sum + phase.failures, 0);
  if (failed === 0) return undefined;
  const log = result.failureLog;
  const logged = new Map<string, FailureKind>();
  for (const entry of log?.entries ?? []) if (!logged.has(entry.code)) logged.set(entry.code, entry.kind as FailureKind);

  const phases = result.phases
    .filter((phase) => phase.failures > 0)
    .map((phase): FailurePhaseView => {
      // Results written before failuresByCode existed: fall back to the kinds.
      const byCode: Readonly<Record<string, number>> = phase.failuresByCode ?? phase.failuresByKind;
      const rows = Object.entries(byCode)
        .filter(([, n]) => n > 0)
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .map(([code, n]) => {
          const kind = phase.failuresByCode ? kindOfCode(code, logged) : (code as FailureKind);
          return { code, kind: FAILURE_KIND_LABEL[kind] ?? kind, count: formatCount(n), share: formatPercent(n / phase.total, REPORT_PERCENT) };
        });
      return { name: phase.name, failures: formatCount(phase.failures), total: formatCount(phase.total), rows };
    });

  const messages = (log?.entries ?? []).map(
    (entry): FailureMessageRow => ({
      code: entry.code,
      kind: FAILURE_KIND_LABEL[entry.kind as FailureKind] ?? entry.kind,
      message: entry.message,
      count: formatCount(entry.count),
      first: formatOffset(entry.firstMs),
      firstAt: wallClock(entry.firstAt),
      last: formatOffset(entry.lastMs),
      lastAt: wallClock(entry.lastAt),
      excerpt: entry.excerpt ?? '',
    }),
  );
  let messagesNote = '';
  if (!log) messagesNote = 'This result.json records no failure messages (written by an older Rebound).';
  else if (log.unlisted > 0) {
    messagesNote = `Only the first ${log.limit} distinct failures are listed; ${formatCount(log.unlisted)} more failed request${log.unlisted === 1 ? '' : 's'} had another code or message (counted in the tables above).`;
  }

  const kinds = FAILURE_KINDS.map((kind) => [kind, result.phases.reduce((sum, phase) => sum + (phase.failuresByKind[kind] ?? 0), 0)] as const).filter(([, n]) => n > 0);
  const total = result.phases.reduce((sum, phase) => sum + phase.total, 0);
  const chart = failuresChart(result, WIDE) ? chartFigure((canvas) => failuresChart(result, canvas)!) : undefined;
  return {
    summary: `${formatCount(failed)} of ${formatCount(total)} requests failed (${formatPercent(failed / Math.max(1, total), REPORT_PERCENT)}): ${kinds.map(([kind, n]) => `${formatCount(n)} ${FAILURE_KIND_LABEL[kind]}`).join(', ')}.`,
    phases,
    messages,
    messagesNote,
    ...(chart ? { chart } : {}),
  };
}
