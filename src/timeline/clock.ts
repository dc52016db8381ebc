/** A monotonic run clock; wall-clock time is only derived for display. */
export interface RunClock {
  /** Milliseconds since the clock started (monotonic, fractional). */
  now(): number;
  /** Epoch ms of the clock's zero, for display. */
  readonly startEpochMs: number;
  /** ISO-8601 wall time of a run-clock instant. */
  toIso(ms: number): string;
}

export function startRunClock(): RunClock {
  const origin = performance.now();
  const startEpochMs = Date.now();
  return {
    now: () => performance.now() - origin,
    startEpochMs,
    toIso: (ms) => new Date(startEpochMs + ms).toISOString(),
  };
}
