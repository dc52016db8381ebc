/** Go-style durations as Istio writes them (`5s`, `250ms`, `1m30s`); Istio keeps millisecond precision. */
const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, µs: 0.001, ns: 0.000001 };
const WHOLE = /^(?:\d+(?:\.\d+)?(?:h|ms|m|s|us|µs|ns))+$/;
const PART = /(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g;

/** Milliseconds, or undefined when `text` is not a Go duration. */
export function parseDuration(text: unknown): number | undefined {
  if (typeof text !== 'string' || !WHOLE.test(text)) return undefined;
  let total = 0;
  for (const [, value, unit] of text.matchAll(PART)) total += Number(value) * UNIT_MS[unit!]!;
  return total;
}

/** A duration field read from a spec that validation already accepted (missing → undefined). */
export function durationMs(text: unknown): number | undefined {
  const ms = parseDuration(text);
  return ms === undefined ? undefined : Math.floor(ms);
}
