/**
 * Percentages: observed values, thresholds as the user wrote them, and Wilson intervals.
 * The rule every render and check reason relies on: a value is never printed on a boundary it
 * does not equal (the threshold it is compared with, 0 % or 100 %), nor on the wrong side of
 * it. `99.9996 %` fails `≥ 100 %`; printing it `100.00 %` would contradict the verdict.
 */

/** The most decimals a value gets to stay off a boundary; past that it is rounded toward its own side. */
export const MAX_PERCENT_DECIMALS = 6;

export interface PercentStyle {
  /** Decimals when they are enough to keep the value off every boundary (default 1). */
  readonly decimals?: number;
  /** Thresholds the value is compared with (ratios 0–1); 0 and 1 always count. */
  readonly against?: readonly number[];
  /** `99.6 %`, the report cells' style, instead of `99.6%`, the sentences' style (check reasons, logs). */
  readonly spaced?: boolean;
}

function unit(spaced: boolean | undefined): string {
  return spaced ? ' %' : '%';
}

/** A boundary in percent without the float noise of `ratio * 100` (0.99 * 100 = 98.99999999999999). */
function boundaryPercent(boundary: number): number {
  return Number((boundary * 100).toFixed(MAX_PERCENT_DECIMALS + 4));
}

/** Whether a printed figure sits on the same side of a boundary as the ratio it stands for (equal counts as a side). */
function sameSide(figure: number, ratio: number, boundary: number): boolean {
  return Math.sign(figure - boundaryPercent(boundary)) === Math.sign(ratio - boundary);
}

/** The figure of a ratio in percent, with as many decimals as the boundaries need (see the module comment). */
export function percentFigure(ratio: number, decimals = 1, against: readonly number[] = []): string {
  const boundaries = [0, 1, ...against.filter(Number.isFinite)];
  const value = ratio * 100;
  for (let d = decimals; d <= Math.max(decimals, MAX_PERCENT_DECIMALS); d++) {
    const text = value.toFixed(d);
    if (boundaries.every((b) => sameSide(Number(text), ratio, b))) return text;
  }
  const scale = 10 ** MAX_PERCENT_DECIMALS;
  const crossed = boundaries.find((b) => !sameSide(Number(value.toFixed(MAX_PERCENT_DECIMALS)), ratio, b))!;
  return ((ratio < crossed ? Math.floor(value * scale) : Math.ceil(value * scale)) / scale).toFixed(MAX_PERCENT_DECIMALS);
}

/** An observed ratio 0–1: `99.6%`, `99.9996%` against 100 %; `—` when there is none. */
export function formatPercent(ratio: number | null | undefined, style: PercentStyle = {}): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '—';
  return `${percentFigure(ratio, style.decimals, style.against)}${unit(style.spaced)}`;
}

/** A threshold as the user wrote it: 0.99 → `99%`, 0.995 → `99.5%`. */
export function formatThreshold(ratio: number, style: Pick<PercentStyle, 'spaced'> = {}): string {
  return `${Math.round(ratio * 100 * 1000) / 1000}${unit(style.spaced)}`;
}

/** A 95 % Wilson interval, endpoints to 0.1 % unless a boundary needs more: `98.2–99.5%`. */
export function formatInterval(interval: readonly [number, number] | undefined, style: Omit<PercentStyle, 'decimals'> = {}): string {
  if (!interval) return '—';
  const end = (ratio: number) => String(Number(percentFigure(ratio, 1, style.against)));
  return `${end(interval[0])}–${end(interval[1])}${unit(style.spaced)}`;
}
