/** Scales, ticks and SVG path strings for the report's charts (numbers only, no user text). */

export interface Scale {
  (value: number): number;
  readonly domain: readonly [number, number];
  readonly range: readonly [number, number];
}

export function linearScale(domain: readonly [number, number], range: readonly [number, number]): Scale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0 || 1;
  const scale = (value: number) => r0 + ((value - d0) / span) * (r1 - r0);
  return Object.assign(scale, { domain, range });
}

/** Log10 scale; values ≤ 0 are clamped to the domain's lower end. */
export function logScale(domain: readonly [number, number], range: readonly [number, number]): Scale {
  const l0 = Math.log10(domain[0]);
  const l1 = Math.log10(domain[1]);
  const span = l1 - l0 || 1;
  const [r0, r1] = range;
  const scale = (value: number) => r0 + ((Math.log10(Math.max(value, domain[0])) - l0) / span) * (r1 - r0);
  return Object.assign(scale, { domain, range });
}

/**
 * A success-ratio axis with a stated break: [0, focus] takes the bottom `lowShare` of the range and
 * [focus, 1] the rest, so that a 99 % SLO sits well clear of 100 % while an outage to 0 % still shows.
 */
export function focusRatioScale(range: readonly [number, number], focus = 0.9, lowShare = 0.25): Scale {
  const [r0, r1] = range;
  const split = r0 + (r1 - r0) * lowShare;
  const scale = (value: number) => {
    const v = Math.min(1, Math.max(0, value));
    return v <= focus ? r0 + (v / focus) * (split - r0) : split + ((v - focus) / (1 - focus)) * (r1 - split);
  };
  return Object.assign(scale, { domain: [0, 1] as const, range });
}

/** A 1, 2 or 5 × 10^n step giving about `count` ticks over [min, max]. */
export function niceStep(min: number, max: number, count: number): number {
  const raw = (max - min) / Math.max(1, count);
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / magnitude;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return nice * magnitude;
}

/** Ticks at multiples of a nice step, covering [min, max] (both ends included when on a step). */
export function niceTicks(min: number, max: number, count = 5): number[] {
  const step = niceStep(min, max, count);
  const first = Math.ceil(min / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let value = first; value <= max + step * 1e-9; value += step) ticks.push(cleanFloat(value));
  return ticks;
}

/** The smallest nice value ≥ max (so an axis ends on a tick). */
export function niceCeiling(max: number, count = 5): number {
  if (!(max > 0)) return 1;
  const step = niceStep(0, max, count);
  return cleanFloat(Math.ceil(max / step - 1e-9) * step);
}

/** Powers of ten within [min, max], plus 2× and 5× when the span is under three decades. */
export function logTicks(min: number, max: number): number[] {
  const ticks: number[] = [];
  const from = Math.floor(Math.log10(min));
  const to = Math.ceil(Math.log10(max));
  const dense = to - from < 3;
  for (let exponent = from; exponent <= to; exponent++) {
    for (const mantissa of dense ? [1, 2, 5] : [1]) {
      const value = cleanFloat(mantissa * 10 ** exponent);
      if (value >= min * (1 - 1e-9) && value <= max * (1 + 1e-9)) ticks.push(value);
    }
  }
  return ticks;
}

const TIME_STEPS_MS = [100, 200, 500, 1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000, 7_200_000];

/** Run-clock ticks at a human step (seconds, minutes), about `count` of them, over [0, maxMs] or [minMs, maxMs]. */
export function timeTicks(maxMs: number, count = 10, minMs = 0): number[] {
  const step = TIME_STEPS_MS.find((candidate) => (maxMs - minMs) / candidate <= count) ?? TIME_STEPS_MS[TIME_STEPS_MS.length - 1]!;
  const ticks: number[] = [];
  for (let value = Math.max(0, Math.ceil(minMs / step - 1e-9)) * step; value <= maxMs + 1e-9; value += step) ticks.push(value);
  return ticks;
}

/** UTC wall-clock time of a run-clock instant: `09:27:03` (with `.4` when the tick step is under a second). */
export function formatUtcTick(loadStartEpochMs: number, ms: number, withTenths = false): string {
  const iso = new Date(loadStartEpochMs + ms).toISOString();
  return withTenths ? iso.slice(11, 21) : iso.slice(11, 19);
}

/** Axis label for a run-clock tick: `0 s`, `45 s`, `2 m`, `1 m 30 s`, `1 h 05 m`. */
export function formatTimeTick(ms: number): string {
  if (ms < 1000 && ms > 0) return `${ms / 1000} s`;
  const totalSeconds = Math.round(ms / 1000);
  if (totalSeconds < 60) return `${totalSeconds} s`;
  if (totalSeconds < 3600) {
    const minutes = Math.floor(totalSeconds / 60);
    const seconds = totalSeconds % 60;
    return seconds === 0 ? `${minutes} m` : `${minutes} m ${String(seconds).padStart(2, '0')} s`;
  }
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  return minutes === 0 ? `${hours} h` : `${hours} h ${String(minutes).padStart(2, '0')} m`;
}

/** `M x y L x y …`; a null y breaks the line (no sample in that point). */
export function linePath(points: readonly (readonly [number, number | null])[]): string {
  let d = '';
  let drawing = false;
  for (const [x, y] of points) {
    if (y === null || !Number.isFinite(y)) {
      drawing = false;
      continue;
    }
    d += `${drawing ? 'L' : 'M'}${fmt(x)} ${fmt(y)}`;
    drawing = true;
  }
  return d;
}

/** A closed area between a lower and an upper line (same x for both), for stacked charts. */
export function bandPath(xs: readonly number[], lower: readonly number[], upper: readonly number[]): string {
  if (xs.length === 0) return '';
  let d = `M${fmt(xs[0]!)} ${fmt(upper[0]!)}`;
  for (let i = 1; i < xs.length; i++) d += `L${fmt(xs[i]!)} ${fmt(upper[i]!)}`;
  for (let i = xs.length - 1; i >= 0; i--) d += `L${fmt(xs[i]!)} ${fmt(lower[i]!)}`;
  return `${d}Z`;
}

function fmt(value: number): string {
  return String(Math.round(value * 10) / 10);
}

function cleanFloat(value: number): number {
  return Number.parseFloat(value.toPrecision(12));
}
