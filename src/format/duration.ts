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

export interface DurationStyle {
  /** Limits the duration is compared with (ms): like a percentage, it is never shown on one it does not equal. */
  readonly against?: readonly number[];
}

/** Extra decimals a duration may get to stay off a limit (`500.2 ms > 500 ms`, not `500 ms > 500 ms`). */
const MAX_EXTRA_DECIMALS = 3;

/** The human text of a duration with `extra` decimals more than usual, and the value it shows. */
function human(ms: number, extra: number): { readonly text: string; readonly shownMs: number } {
  const sign = ms < 0 ? -1 : 1;
  const abs = Math.abs(ms);
  const signed = (text: string, shown: number) => ({ text: `${sign < 0 ? '-' : ''}${text}`, shownMs: sign * shown });
  if (abs < 1000) {
    const figure = round(abs, (abs < 10 ? 1 : 0) + extra);
    return signed(`${figure} ms`, figure);
  }
  if (abs < 60_000) {
    const figure = round(abs / 1000, (abs < 10_000 ? 2 : 1) + extra);
    return signed(`${figure} s`, figure * 1000);
  }
  if (abs < 3_600_000) {
    const minutes = Math.floor(abs / 60_000);
    const seconds = extra === 0 ? Math.floor((abs % 60_000) / 1000) : round((abs % 60_000) / 1000, extra);
    const [whole, fraction] = String(seconds).split('.');
    return signed(`${minutes} m ${whole!.padStart(2, '0')}${fraction ? `.${fraction}` : ''} s`, minutes * 60_000 + seconds * 1000);
  }
  const hours = Math.floor(abs / 3_600_000);
  const minutes = Math.floor((abs % 3_600_000) / 60_000);
  return signed(`${hours} h ${String(minutes).padStart(2, '0')} m`, hours * 3_600_000 + minutes * 60_000);
}

/** `850 ms`, `1.3 s`, `2 m 05 s`, `1 h 02 m`; `500.2 ms` against a 500 ms limit. */
export function formatDuration(ms: number, style: DurationStyle = {}): string {
  if (!Number.isFinite(ms)) return String(ms);
  const onItsSide = (shownMs: number) => (style.against ?? []).every((limit) => Math.sign(shownMs - limit) === Math.sign(ms - limit));
  let extra = 0;
  let shown = human(ms, extra);
  while (!onItsSide(shown.shownMs) && extra < MAX_EXTRA_DECIMALS) shown = human(ms, ++extra);
  return shown.text;
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
