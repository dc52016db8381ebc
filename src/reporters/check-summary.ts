/**
 * A check's observed and expected values as a reader wants them, shared by every render
 * (console, summary.md, HTML): one headline value (`100.0 %`, `failover < 100 ms`,
 * `ready after 1.01 s`) with a short detail line (`n = 1,000 · 95 % CI 99.6–100 %`), and the
 * reason sentence of a check that did not pass. Every field stays available through
 * checkFields(). Plain strings only: each render escapes them for its medium.
 */
import type { CheckResult } from '../result/result.ts';
import { formatCount, formatDuration, formatFailures, formatOffset, humanizeKey } from './format.ts';

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

/** A ratio 0–1 as `99.6 %`; never rounds a value below 100 % up to `100.0 %` (or above 0 down to `0.0 %`). */
export function percent(ratio: number | null | undefined, digits = 1): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '—';
  const value = ratio * 100;
  for (let d = digits; d <= digits + 2; d++) {
    const text = value.toFixed(d);
    const rounded = Number(text);
    if ((rounded === 100 && value < 100) || (rounded === 0 && value > 0)) continue;
    return `${text} %`;
  }
  return value < 100 && value > 50 ? `> ${(100 - 10 ** -(digits + 2)).toFixed(digits + 2)} %` : `< ${(10 ** -(digits + 2)).toFixed(digits + 2)} %`;
}

/** A threshold as the user wrote it: 0.99 → `99 %`, 0.995 → `99.5 %`. */
export function threshold(ratio: number): string {
  return `${Math.round(ratio * 100 * 1000) / 1000} %`;
}

/** `99.6–100 %` (a 95 % Wilson interval, endpoints to 0.1 %). */
export function intervalText(interval: readonly [number, number]): string {
  const end = (r: number) => String(Number((r * 100).toFixed(1)));
  return `${end(interval[0])}–${end(interval[1])} %`;
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

const TIME_WORD: Readonly<Record<string, string>> = { timeToFailover: 'failover', timeToRecover: 'recovery' };

function nLine(check: CheckResult, extra: readonly string[] = []): string {
  const parts: string[] = [];
  if (check.n !== undefined) parts.push(`n = ${formatCount(check.n)}`);
  if (check.interval) parts.push(`95 % CI ${intervalText(check.interval)}`);
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
      return { lines: [ratio === undefined ? '—' : percent(ratio)], sub: nLine(check, extra) };
    }
    case 'timeToFailover':
    case 'timeToRecover': {
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
      const lines = observed.length ? observed.sort((a, b) => b[1] - a[1]).map(([name, share]) => `${name} ${percent(share)}`) : ['—'];
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
      return { lines: [value === undefined ? '—' : `${label} ${formatDuration(value)}`], sub: nLine(check, extra) };
    }
    case 'podsReady': {
      const ms = num(o.readyMs) ?? num(o.readyAfterMs);
      const ready = num(o.ready);
      const count = num(check.expected.count);
      const kills = num(o.kills);
      const readyText = ready !== undefined ? `${formatCount(ready)}${count !== undefined ? ` of ${formatCount(count)}` : ''} ready` : '';
      const extra = [readyText, kills && kills > 1 ? `worst of ${kills} kills` : ''].filter(Boolean);
      if (o.readyMs === 'never') return { lines: ['never ready'], sub: extra.join(' · ') };
      return { lines: [ms === undefined ? '—' : `ready after ${formatDuration(ms)}`], sub: extra.join(' · ') };
    }
    default:
      return { lines: [Object.keys(o).length ? fallback(o) : '—'], sub: nLine(check) };
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
    case 'timeToRecover': {
      const max = num(e.maxMs);
      const window = num(e.windowMs);
      const t = num(e.threshold);
      return { lines: [max === undefined ? '—' : `≤ ${formatDuration(max)}`], sub: window !== undefined && t !== undefined ? `then every ${formatDuration(window)} window ≥ ${threshold(t)}` : '' };
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
      return { lines: [Object.keys(e).length ? fallback(e) : '—'], sub: '' };
  }
}

/** Every field of a record, one row each, for the collapsed details. */
export function checkFields(check: CheckResult): CheckField[] {
  const fields: CheckField[] = [];
  const add = (prefix: string, record: CheckResult['observed']) => {
    for (const [key, value] of Object.entries(record)) fields.push({ key: `${prefix} ${humanizeKey(key)}`, value: fieldValue(key, value) });
  };
  add('observed', check.observed);
  add('expected', check.expected);
  if (check.n !== undefined) fields.push({ key: 'n', value: formatCount(check.n) });
  if (check.interval) fields.push({ key: '95 % interval', value: `${percent(check.interval[0], 2)} – ${percent(check.interval[1], 2)}` });
  for (const [key, at] of Object.entries(check.markers ?? {})) fields.push({ key: `at ${humanizeKey(key).replace(/ at$/, '')}`, value: formatOffset(at) });
  return fields;
}

const RATIO_KEYS = new Set(['ratio', 'min', 'max', 'threshold', 'tolerance', 'share', 'successRatio', 'failureRatio']);

function fieldValue(key: string, value: CheckValue | undefined): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (/Ms$/.test(key)) return formatDuration(value);
    if (key === 'percentile') return `p${value}`;
    if (RATIO_KEYS.has(key) && value >= 0 && value <= 1) return percent(value, 2);
    return Number.isInteger(value) ? formatCount(value) : String(Math.round(value * 1000) / 1000);
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return '—';
  const asShares = key === 'shares' || entries.every(([, n]) => n >= 0 && n <= 1);
  return entries.map(([name, n]) => `${name} ${asShares && key !== 'counts' && key !== 'failuresByKind' ? percent(n, 2) : formatCount(n)}`).join(', ');
}

function fallback(record: CheckResult['observed']): string {
  const [key, value] = Object.entries(record)[0]!;
  return `${humanizeKey(key)} ${fieldValue(key, value)}`;
}

/** `checkout keeps working: 0.1 % vs ≥ 99 %` — the failing strict check in one line for the banner. */
export function failureHeadline(check: CheckResult): string {
  const observed = observedHeadline(check);
  const expected = expectedHeadline(check);
  return `${check.name}: observed ${observed.lines.join(', ')}, expected ${expected.lines.join(', ')}`;
}
