/**
 * Durations as text, in the two styles Rebound prints:
 * - formatDuration, the human style of results, reports and check reasons (`850 ms`, `1.3 s`);
 * - formatSpecDuration, the experiment format's own style (`250ms`, `1m30s`), for what echoes
 *   an experiment or a command line: validation messages, default check names, scopes.
 * And formatOffset, a time on the run clock (`0:10.0`).
 */

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

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

/** `1500` → `1.5s`, `90000` → `1m30s`, `250` → `250ms`: as an experiment would write it. */
export function formatSpecDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 1000) return `${round(ms, 3)}ms`;
  if (ms < 60_000) return `${round(ms / 1000, 3)}s`;
  const minutes = Math.floor(ms / 60_000);
  const rest = ms - minutes * 60_000;
  return rest === 0 ? `${minutes}m` : `${minutes}m${round(rest / 1000, 3)}s`;
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
