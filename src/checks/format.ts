/** Number formatting shared by check reasons. */
import { formatDuration } from '../experiment/duration.ts';

export { formatDuration };

/** 0.99623 → `99.62%` (observed values). */
export function percent(ratio: number, digits = 2): string {
  return `${(ratio * 100).toFixed(digits)}%`;
}

/** 0.99 → `99%`, 0.995 → `99.5%` (thresholds as the user wrote them). */
export function threshold(ratio: number): string {
  return `${Math.round(ratio * 100 * 1000) / 1000}%`;
}

/** `95% CI 99.4–99.8%`. */
export function interval([low, high]: readonly [number, number]): string {
  return `95% CI ${(low * 100).toFixed(1)}–${(high * 100).toFixed(1)}%`;
}

export function ms(value: number): string {
  return formatDuration(Math.round(value));
}
