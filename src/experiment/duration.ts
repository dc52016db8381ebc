/**
 * Durations (`250ms`, `10s`, `2m`, `1m30s`, `1h`) and rates (`200/s`, `12000/m`) as written in
 * experiments, parsed. Printing a duration in this style is format/duration.ts's formatSpecDuration.
 */

/** Units in decreasing order, each at most once; decimals allowed (`1.5s`). */
export const DURATION_PATTERN = '^(?=\\d)(?:\\d+(?:\\.\\d+)?h)?(?:\\d+(?:\\.\\d+)?m(?!s))?(?:\\d+(?:\\.\\d+)?s)?(?:\\d+(?:\\.\\d+)?ms)?$';
export const DURATION_EXPECTED = 'a duration like 250ms, 10s, 2m or 1m30s';

/** The longest a Node.js timer can wait (2^31 − 1 ms, about 24.8 days): no duration may exceed it. */
export const MAX_DURATION_MS = 2_147_483_647;

export const RATE_PATTERN = '^\\d+(?:\\.\\d+)?/(?:s|m)$';
export const RATE_EXPECTED = 'a rate like 200/s or 12000/m';

const DURATION = /^(?=\d)(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m(?!s))?(?:(\d+(?:\.\d+)?)s)?(?:(\d+(?:\.\d+)?)ms)?$/;
const RATE = /^(\d+(?:\.\d+)?)\/(s|m)$/;

/** Milliseconds in a duration; throws RangeError on anything else (a bare number has no unit). */
export function durationToMs(text: string): number {
  const match = typeof text === 'string' ? DURATION.exec(text.trim()) : null;
  if (!match) throw new RangeError(`invalid duration ${JSON.stringify(text)}: expected ${DURATION_EXPECTED}`);
  const [, hours, minutes, seconds, millis] = match;
  const ms = Number(hours ?? 0) * 3_600_000 + Number(minutes ?? 0) * 60_000 + Number(seconds ?? 0) * 1000 + Number(millis ?? 0);
  // Sub-millisecond parts are noise at bucket resolution; keep the arithmetic exact for 1.5s etc.
  return Math.round(ms * 1000) / 1000;
}

/** Requests per second in a rate; throws RangeError on anything else. */
export function rateToPerSecond(text: string): number {
  const match = typeof text === 'string' ? RATE.exec(text.trim()) : null;
  if (!match) throw new RangeError(`invalid rate ${JSON.stringify(text)}: expected ${RATE_EXPECTED}`);
  const value = Number(match[1]);
  return match[2] === 'm' ? value / 60 : value;
}
