/**
 * Served-by as shares of ALL requests, so that an outage never reads as "100 % primary": besides
 * each instance group, failures that named no server ("failed / no server") and successes that
 * named none ("no server named") are slices of their own. (The trafficSplit check keeps its own
 * rule: shares of the responses that named a server.)
 */
import { formatPercent } from '../../format/percent.ts';
import { REPORT_PERCENT } from '../format.ts';
import { groupServedBy } from './chart-data.ts';

export const FAILED_SLICE = 'failed / no server';
export const UNNAMED_SLICE = 'no server named';

export interface ServedByCounts {
  readonly total: number;
  readonly servedBy: Readonly<Record<string, number>>;
  /** Absent in results written before it was recorded: then every request without a server is "no server named". */
  readonly failedWithoutServer?: number;
}

export interface Slice {
  readonly kind: 'server' | 'failed' | 'unnamed';
  readonly name: string;
  readonly count: number;
}

/** Instance groups (largest first), then the failed and unnamed slices when non-zero; counts sum to `total`. */
export function servedBySlices(counts: ServedByCounts): Slice[] {
  const groups = Object.entries(groupServedBy(counts.servedBy)).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const named = groups.reduce((sum, [, n]) => sum + n, 0);
  const failed = Math.min(counts.failedWithoutServer ?? 0, Math.max(0, counts.total - named));
  const unnamed = Math.max(0, counts.total - named - failed);
  const slices: Slice[] = groups.map(([name, count]) => ({ kind: 'server', name, count }));
  if (failed > 0) slices.push({ kind: 'failed', name: FAILED_SLICE, count: failed });
  if (unnamed > 0) slices.push({ kind: 'unnamed', name: UNNAMED_SLICE, count: unnamed });
  return slices;
}

/**
 * A phase's served-by, one slice per line (`payments-secondary 62.0 %`, `failed / no server 37.5 %`),
 * as shares of all its requests. `['—']` when no response named a server and none was asked for.
 */
export function servedByShareLines(counts: ServedByCounts, servedByHeader: string | undefined, limit = 4): string[] {
  if (counts.total === 0) return ['—'];
  const slices = servedBySlices(counts);
  if (!servedByHeader && slices.every((slice) => slice.kind !== 'server')) return ['—'];
  const servers = slices.filter((slice) => slice.kind === 'server');
  const rest = slices.filter((slice) => slice.kind !== 'server');
  const shown = servers.slice(0, limit).map((slice) => `${slice.name} ${formatPercent(slice.count / counts.total, REPORT_PERCENT)}`);
  if (servers.length > limit) shown.push(`+${servers.length - limit} more`);
  for (const slice of rest) shown.push(`${slice.name} ${formatPercent(slice.count / counts.total, REPORT_PERCENT)}`);
  return shown;
}
