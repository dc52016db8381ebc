/** The one-line answer to "why did requests fail?" that the console and summary.md print under a failed ratio check. */
import type { CheckResult } from '../result/result.ts';
import { formatPercent } from '../format/percent.ts';
import { REPORT_PERCENT, formatCount } from './format.ts';

const RATIO_KINDS = new Set(['successRatio', 'failureRatio']);

/** `502 ×700 (70.0 %), 503 ×295 (29.5 %), +2 more`: the commonest codes first; shares of `total` when given. */
export function formatTopCodes(codes: Readonly<Record<string, number>>, total?: number, limit = 3): string {
  const entries = Object.entries(codes).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const shown = entries.slice(0, limit).map(([code, n]) => `${code} ×${formatCount(n)}${total ? ` (${formatPercent(n / total, REPORT_PERCENT)})` : ''}`);
  if (entries.length > limit) shown.push(`+${entries.length - limit} more`);
  return shown.join(', ');
}

/** `failed requests by code: 502 ×700 (70.0 %), …` for a failed ratio check that recorded its codes; else undefined. */
export function failedRatioCodesLine(check: CheckResult): string | undefined {
  if (check.verdict !== 'failed' || !RATIO_KINDS.has(check.kind)) return undefined;
  const codes = check.observed.failuresByCode;
  if (!codes || typeof codes !== 'object' || Object.keys(codes).length === 0) return undefined;
  return `failed requests by code: ${formatTopCodes(codes, check.n)}`;
}
