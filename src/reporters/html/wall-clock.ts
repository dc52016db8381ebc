/** Run-clock instants as UTC wall-clock times (result.startedAt is load start, run clock 0), to match against logs and dashboards. */
import type { Result } from '../../result/result.ts';
import { formatOffset } from '../../format/duration.ts';

/** Epoch ms of load start; undefined when startedAt does not parse. */
export function loadStartEpoch(result: Result): number | undefined {
  const epoch = Date.parse(result.startedAt);
  return Number.isFinite(epoch) ? epoch : undefined;
}

/** `09:27:03.4` ('' when the start time does not parse). */
export function utcOf(result: Result, ms: number): string {
  const epoch = loadStartEpoch(result);
  return epoch === undefined ? '' : new Date(epoch + ms).toISOString().slice(11, 21);
}

/** `0:10.0 (09:27:03.0 UTC)`: the run clock, and the wall clock beside it. */
export function formatInstant(result: Result, ms: number): string {
  const utc = utcOf(result, ms);
  return utc ? `${formatOffset(ms)} (${utc} UTC)` : formatOffset(ms);
}
