/**
 * Variables Rebound fills into a PromQL query before sending it, from the window the check names
 * (a phase, or `from`/`to` within it) and the scrape interval. Written `$__name` or `${__name}`.
 *
 * | variable            | value                                                               |
 * |---------------------|---------------------------------------------------------------------|
 * | `$__range`          | window length as a PromQL duration (`30s`, `12500ms`)               |
 * | `$__range_s`        | window length in seconds (number)                                   |
 * | `$__range_ms`       | window length in milliseconds (number)                              |
 * | `$__window_start`   | window start, unix seconds (`1767225600.250`)                       |
 * | `$__window_end`     | window end, unix seconds                                            |
 * | `$__phase_start`    | the phase's start, unix seconds (the whole phase, whatever from/to)|
 * | `$__phase_end`      | the phase's end, unix seconds                                       |
 * | `$__interval`       | the scrape interval as a PromQL duration (also forAll's step)       |
 * | `$__rate_interval`  | 4 × the scrape interval (Grafana's rule: a rate() always sees ≥ 2 samples) |
 * | `$__scrape_interval`| the scrape interval as a PromQL duration                            |
 * | `$__namespace`      | target.kubernetes.namespace (default `default`)                     |
 */
import { promDuration, unixSeconds } from './duration.ts';

export interface QueryWindow {
  /** Epoch ms. */
  readonly startMs: number;
  readonly endMs: number;
  readonly phaseStartMs: number;
  readonly phaseEndMs: number;
  readonly scrapeIntervalMs: number;
  readonly namespace: string;
}

export const QUERY_VARIABLES = [
  '__range',
  '__range_s',
  '__range_ms',
  '__window_start',
  '__window_end',
  '__phase_start',
  '__phase_end',
  '__interval',
  '__rate_interval',
  '__scrape_interval',
  '__namespace',
] as const;

const VARIABLE = /\$(?:\{(__[A-Za-z0-9_]+)\}|(__[A-Za-z0-9_]+))/g;

/** Variables written in the query that Rebound does not know (a typo), in order of appearance. */
export function unknownVariables(query: string): string[] {
  const unknown: string[] = [];
  for (const match of query.matchAll(VARIABLE)) {
    const name = match[1] ?? match[2]!;
    if (!(QUERY_VARIABLES as readonly string[]).includes(name) && !unknown.includes(name)) unknown.push(name);
  }
  return unknown;
}

export function variableValues(window: QueryWindow): Record<(typeof QUERY_VARIABLES)[number], string> {
  const rangeMs = Math.max(1, Math.round(window.endMs - window.startMs));
  return {
    __range: promDuration(rangeMs),
    __range_s: String(rangeMs / 1000),
    __range_ms: String(rangeMs),
    __window_start: unixSeconds(window.startMs),
    __window_end: unixSeconds(window.endMs),
    __phase_start: unixSeconds(window.phaseStartMs),
    __phase_end: unixSeconds(window.phaseEndMs),
    __interval: promDuration(window.scrapeIntervalMs),
    __rate_interval: promDuration(4 * window.scrapeIntervalMs),
    __scrape_interval: promDuration(window.scrapeIntervalMs),
    __namespace: window.namespace,
  };
}

/** The query as sent: every known variable replaced (unknown ones are left as written). */
export function substituteVariables(query: string, window: QueryWindow): string {
  const values = variableValues(window) as Record<string, string>;
  return query.replace(VARIABLE, (whole, braced: string | undefined, bare: string | undefined) => values[(braced ?? bare)!] ?? whole);
}
