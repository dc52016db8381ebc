/**
 * A check's observed and expected values as a reader wants them, shared by every render
 * (console, summary.md, HTML): one headline value (`100.0 %`, `failover < 100 ms`,
 * `ready after 1.01 s`) with a short detail line (`n = 1,000 · 95 % CI 99.6–100 %`), and the
 * reason sentence of a check that did not pass. Every field stays available through
 * checkFields(). Plain strings only: each render escapes them for its medium.
 */
import type { CheckResult } from '../result/result.ts';
import { formatDuration, formatOffset } from '../format/duration.ts';
import { formatInterval, formatPercent, formatThreshold } from '../format/percent.ts';
import { REPORT_PERCENT, formatCount, formatFailures, humanizeKey } from './format.ts';

type CheckValue = CheckResult['observed'][string];

export interface CheckHeadline {
  /** One or more headline lines (a traffic split has one per instance group). */
  readonly lines: readonly string[];
  /** The detail line under them (sample count, interval, resolution, scope); may be empty. */
  readonly sub: string;
}

export interface CheckSummary {
  readonly observed: CheckHeadline;
  readonly expected: CheckHeadline;
  readonly mode: 'strict' | 'advisory';
  /** Why it did not pass (failed, inconclusive, error); absent for a passed check. */
  readonly reason?: string;
}

/** A headline line as its label and its value: `failover` + `< 100 ms`, `payments-primary` + `100.0 %`. */
export interface HeadlinePart {
  /** Empty when the line is only a value (`≥ 99 %`). */
  readonly label: string;
  readonly value: string;
}

export function splitHeadline(line: string): HeadlinePart {
  const match = /^(.*?[^\s<>≤≥±])\s([<>≤≥]?\s?[\d—].*)$/.exec(line);
  return match ? { label: match[1]!, value: match[2]! } : { label: '', value: line };
}

/** What every render shows for one check. */
export function summarizeCheck(check: CheckResult): CheckSummary {
  return {
    observed: observedHeadline(check),
    expected: expectedHeadline(check),
    mode: check.strict ? 'strict' : 'advisory',
    ...(check.verdict === 'passed' ? {} : { reason: check.reason }),
  };
}

export interface CheckField {
  readonly key: string;
  readonly value: string;
}

/**
 * The ratios a check's observed values are compared with (min, max, window threshold, each
 * share ± tolerance): no render may print an observed value rounded onto one of them.
 */
export function ratioLimits(check: CheckResult): number[] {
  const e = check.expected;
  const tolerance = num(e.tolerance) ?? 0;
  const shareEdges = Object.values(shares(e.shares)).flatMap((share) => [share - tolerance, share + tolerance]);
  return [num(e.min), num(e.max), num(e.threshold), ...shareEdges].filter((n): n is number => n !== undefined);
}

/** The durations (ms) a check's observed times are compared with: latency max, pods' deadline. */
function durationLimits(check: CheckResult): number[] {
  return [num(check.expected.maxMs), num(check.expected.withinMs)].filter((n): n is number => n !== undefined);
}

/** An observed duration in a render: `500.2 ms` against a 500 ms limit, never `500 ms`. */
function observedDuration(check: CheckResult, ms: number): string {
  return formatDuration(ms, { against: durationLimits(check) });
}

/** An observed ratio in a render: `99.6 %`, with more digits where a boundary needs them. */
function observedPercent(check: CheckResult, ratio: number): string {
  return formatPercent(ratio, { ...REPORT_PERCENT, against: ratioLimits(check) });
}

function threshold(ratio: number): string {
  return formatThreshold(ratio, REPORT_PERCENT);
}

function num(value: CheckValue | undefined): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function shares(value: CheckValue | undefined): Readonly<Record<string, number>> {
  return value && typeof value === 'object' ? value : {};
}

/** The observed key holding the measured duration of a time check (`failoverMs`, `recoveryMs`, `timeToFailoverMs`). */
function durationKey(observed: CheckResult['observed']): string | undefined {
  return Object.keys(observed).find((key) => /Ms$/.test(key) && key !== 'resolutionMs');
}

/**
 * A duration measured at a bucket resolution: under one bucket reads `< 100 ms` (never `0 ms`),
 * otherwise rounded to the resolution.
 */
export function resolvedDuration(ms: number, resolutionMs: number | undefined): string {
  if (resolutionMs === undefined || !(resolutionMs > 0)) return formatDuration(ms);
  if (ms < resolutionMs) return `< ${formatDuration(resolutionMs)}`;
  return formatDuration(Math.round(ms / resolutionMs) * resolutionMs);
}

const TIME_WORD: Readonly<Record<string, string>> = { timeToFailover: 'failover', timeToRecover: 'recovery', timeToFailback: 'failback' };

function nLine(check: CheckResult, extra: readonly string[] = []): string {
  const parts: string[] = [];
  if (check.n !== undefined) parts.push(`n = ${formatCount(check.n)}`);
  if (check.interval) parts.push(`95 % CI ${formatInterval(check.interval, { ...REPORT_PERCENT, against: ratioLimits(check) })}`);
  return [...parts, ...extra].join(' · ');
}

export function observedHeadline(check: CheckResult): CheckHeadline {
  const o = check.observed;
  switch (check.kind) {
    case 'successRatio':
    case 'failureRatio': {
      const ratio = num(o.ratio);
      const failures = num(o.failures);
      const byKind = shares(o.failuresByKind);
      const extra = failures && check.kind === 'successRatio' ? [`${formatCount(failures)} failed${Object.values(byKind).some((n) => n > 0) ? ` (${formatFailures(byKind)})` : ''}`] : [];
      return { lines: [ratio === undefined ? '—' : observedPercent(check, ratio)], sub: nLine(check, extra) };
    }
    case 'timeToFailover':
    case 'timeToRecover':
    case 'timeToFailback': {
      const key = durationKey(o);
      const value = key ? o[key] : undefined;
      const resolution = num(o.resolutionMs);
      const word = TIME_WORD[check.kind]!;
      if (value === 'never') return { lines: [`no ${word}`], sub: nLine(check, resolution ? [`resolution ${formatDuration(resolution)}`] : []) };
      const ms = num(value);
      if (ms === undefined) return { lines: ['—'], sub: nLine(check) };
      const within = resolution !== undefined && ms < resolution ? [`within the first ${formatDuration(resolution)} bucket`] : resolution ? [`± ${formatDuration(resolution)} (bucket resolution)`] : [];
      return { lines: [`${word} ${resolvedDuration(ms, resolution)}`], sub: nLine(check, within) };
    }
    case 'trafficSplit': {
      const observed = Object.entries(shares(o.shares)).filter(([name, share]) => share > 0 || name in shares(check.expected.shares));
      const unattributed = num(o.unattributed);
      const lines = observed.length ? observed.sort((a, b) => b[1] - a[1]).map(([name, share]) => `${name} ${observedPercent(check, share)}`) : ['—'];
      const extra = unattributed ? [`${formatCount(unattributed)} without the header`] : [];
      return { lines, sub: [check.n !== undefined ? `n = ${formatCount(check.n)}` : '', ...extra].filter(Boolean).join(' · ') };
    }
    case 'latency': {
      const value = num(o.latencyMs) ?? num(Object.entries(o).find(([k]) => /^p\d+Ms$/.test(k))?.[1]);
      const percentile = num(check.expected.percentile);
      const label = percentile === 100 ? 'max' : percentile !== undefined ? `p${percentile}` : 'latency';
      const extra: string[] = [];
      if (num(o.p50Ms) !== undefined && percentile !== 50) extra.push(`p50 ${formatDuration(num(o.p50Ms)!)}`);
      if (num(o.maxMs) !== undefined && percentile !== 100) extra.push(`max ${formatDuration(num(o.maxMs)!)}`);
      return { lines: [value === undefined ? '—' : `${label} ${observedDuration(check, value)}`], sub: nLine(check, extra) };
    }
    case 'podsReady': {
      const ms = num(o.readyMs) ?? num(o.readyAfterMs);
      const ready = num(o.ready);
      const count = num(check.expected.count);
      const kills = num(o.kills);
      const readyText = ready !== undefined ? `${formatCount(ready)}${count !== undefined ? ` of ${formatCount(count)}` : ''} ready` : '';
      const extra = [readyText, kills && kills > 1 ? `worst of ${kills} kills` : ''].filter(Boolean);
      if (o.readyMs === 'never') return { lines: ['never ready'], sub: extra.join(' · ') };
      return { lines: [ms === undefined ? '—' : `ready after ${observedDuration(check, ms)}`], sub: extra.join(' · ') };
    }
    default:
      return { lines: [Object.keys(o).length ? fallback(check, 'observed') : '—'], sub: nLine(check) };
  }
}

export function expectedHeadline(check: CheckResult): CheckHeadline {
  const e = check.expected;
  const scope = typeof e.scope === 'string' ? e.scope : '';
  switch (check.kind) {
    case 'successRatio':
    case 'failureRatio': {
      const min = num(e.min);
      const max = num(e.max);
      const line = min !== undefined ? `≥ ${threshold(min)}` : max !== undefined ? `≤ ${threshold(max)}` : '—';
      return { lines: [line], sub: scope };
    }
    case 'timeToFailover':
    case 'timeToRecover':
    case 'timeToFailback': {
      const max = num(e.maxMs);
      const window = num(e.windowMs);
      const t = num(e.threshold);
      const to = typeof e.to === 'string' ? ` to ${e.to}` : '';
      return { lines: [max === undefined ? '—' : `≤ ${formatDuration(max)}`], sub: window !== undefined && t !== undefined ? `then every ${formatDuration(window)} window ≥ ${threshold(t)}${to}` : '' };
    }
    case 'trafficSplit': {
      const tolerance = num(e.tolerance);
      const lines = Object.entries(shares(e.shares)).map(([name, share]) => `${name} ${threshold(share)}${tolerance !== undefined ? ` ± ${threshold(tolerance)}` : ''}`);
      return { lines: lines.length ? lines : ['—'], sub: scope };
    }
    case 'latency': {
      const max = num(e.maxMs);
      const percentile = num(e.percentile);
      const label = percentile === 100 ? 'max' : percentile !== undefined ? `p${percentile}` : '';
      return { lines: [max === undefined ? '—' : `${label ? `${label} ` : ''}≤ ${formatDuration(max)}`], sub: scope };
    }
    case 'prometheus': {
      const min = num(e.min);
      const max = num(e.max);
      const raw = (n: number) => String(Math.round(n * 1e6) / 1e6);
      const line = min !== undefined && max !== undefined ? `${raw(min)} … ${raw(max)}` : min !== undefined ? `≥ ${raw(min)}` : max !== undefined ? `≤ ${raw(max)}` : '—';
      return { lines: [line], sub: [typeof e.mode === 'string' ? e.mode : '', scope].filter(Boolean).join(' · ') };
    }
    case 'podsReady': {
      const count = num(e.count);
      const within = num(e.withinMs);
      const selector = typeof e.selector === 'string' ? e.selector : '';
      return {
        lines: [within === undefined ? '—' : `${count !== undefined ? `${formatCount(count)} ready ` : ''}≤ ${formatDuration(within)}`],
        sub: selector,
      };
    }
    default:
      return { lines: [Object.keys(e).length ? fallback(check, 'expected') : '—'], sub: '' };
  }
}

/** Which record of a check a value comes from: observed ratios are measurements, expected ones thresholds. */
export type CheckRecord = 'observed' | 'expected';

/** Kinds whose min and max bound a query's own value (a count, seconds, a ratio): shown as written. */
const RAW_VALUE_KINDS = new Set(['prometheus']);
const RATIO_KEYS = new Set(['ratio', 'min', 'max', 'threshold', 'tolerance', 'share', 'successRatio', 'failureRatio']);
/** Expected keys shown as a comparison rather than `key value` (an observed maxMs is a measurement). */
const COMPARATORS: Readonly<Record<string, string>> = { min: '≥ ', max: '≤ ', maxMs: '≤ ', minMs: '≥ ', withinMs: 'within ' };

/** One field of a check's observed or expected record as text: `99.62 %`, `1.3 s`, `p99`, `1,000`. */
export function formatCheckValue(check: CheckResult, record: CheckRecord, key: string, value: CheckValue | undefined): string {
  const ratio = (n: number) => (record === 'expected' ? threshold(n) : formatPercent(n, { ...REPORT_PERCENT, decimals: 2, against: ratioLimits(check) }));
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (/Ms$/.test(key)) return record === 'expected' ? formatDuration(value) : observedDuration(check, value);
    if (key === 'percentile') return `p${value}`;
    if (RATIO_KEYS.has(key) && value >= 0 && value <= 1 && !RAW_VALUE_KINDS.has(check.kind)) return ratio(value);
    return Number.isInteger(value) ? formatCount(value) : String(Math.round(value * 1000) / 1000);
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return '—';
  const asShares = key !== 'counts' && key !== 'failuresByKind' && entries.every(([, n]) => n >= 0 && n <= 1);
  return entries.map(([name, n]) => `${name} ${asShares ? ratio(n) : formatCount(n)}`).join(', ');
}

/**
 * A check's observed or expected record in one line: a single value stands alone
 * (`94.80 %`, `1.3 s`), comparisons read as such (`≥ 95 %`), others as `key value`.
 */
export function formatCheckRecord(check: CheckResult, record: CheckRecord): string {
  const entries = Object.entries(check[record]);
  if (entries.length === 0) return '—';
  const comparator = (key: string) => (record === 'expected' ? COMPARATORS[key] : undefined);
  const text = ([key, value]: [string, CheckValue]) => `${comparator(key) ?? `${humanizeKey(key)} `}${formatCheckValue(check, record, key, value)}`;
  if (entries.length === 1) {
    const [key, value] = entries[0]!;
    return `${comparator(key) ?? ''}${formatCheckValue(check, record, key, value)}`;
  }
  return entries.map(text).join(', ');
}

/** Every field of a record, one row each, for the collapsed details. */
export function checkFields(check: CheckResult): CheckField[] {
  const fields: CheckField[] = [];
  for (const record of ['observed', 'expected'] as const) {
    for (const [key, value] of Object.entries(check[record])) fields.push({ key: `${record} ${humanizeKey(key)}`, value: formatCheckValue(check, record, key, value) });
  }
  if (check.n !== undefined) fields.push({ key: 'n', value: formatCount(check.n) });
  if (check.interval) fields.push({ key: '95 % interval', value: formatInterval(check.interval, { ...REPORT_PERCENT, against: ratioLimits(check) }) });
  for (const [key, at] of Object.entries(check.markers ?? {})) fields.push({ key: `at ${humanizeKey(key).replace(/ at$/, '')}`, value: formatOffset(at) });
  return fields;
}

function fallback(check: CheckResult, record: CheckRecord): string {
  const [key, value] = Object.entries(check[record])[0]!;
  return `${humanizeKey(key)} ${formatCheckValue(check, record, key, value)}`;
}

/** `checkout keeps working: 0.1 % vs ≥ 99 %` — the failing strict check in one line for the banner. */
export function failureHeadline(check: CheckResult): string {
  const observed = observedHeadline(check);
  const expected = expectedHeadline(check);
  return `${check.name}: observed ${observed.lines.join(', ')}, expected ${expected.lines.join(', ')}`;
}
