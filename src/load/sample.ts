/**
 * One request as the load driver saw it. Times are milliseconds on the run clock
 * (monotonic, 0 = the moment load started; see src/timeline/clock.ts).
 */
export interface Sample {
  /** When the open-model schedule said the request should start. Phases attribute by this. */
  readonly scheduledMs: number;
  /** When the request was actually handed to the socket (≥ scheduledMs). */
  readonly sentMs: number;
  /** When the response ended or the request failed. */
  readonly endMs: number;
  readonly ok: boolean;
  /** HTTP status when a response arrived; absent for transport failures. */
  readonly status?: number;
  /** Why it failed; absent when ok. */
  readonly failure?: FailureKind;
  /** Value of the served-by response header, when configured and present. */
  readonly servedBy?: string;
  /** Name of the request in the mix that produced it. */
  readonly request?: string;
  /**
   * Failed requests only: the transport error's code (`ECONNREFUSED`, `UND_ERR_SOCKET`, a k6
   * error code), absent for HTTP status failures (the status says it).
   */
  readonly errorCode?: string;
  /** Failed requests only: the error message, or the HTTP status text (`Bad Gateway`). */
  readonly errorMessage?: string;
  /** Failed requests only: the start of the response body (unredacted, at most a few hundred bytes). */
  readonly bodyExcerpt?: string;
}

/**
 * Closed set of failure kinds. `dropped` = scheduled but never sent because the in-flight cap
 * was reached; it counts as a failure so that an open-model outage is never hidden.
 */
export const FAILURE_KINDS = [
  'http_status',
  'timeout',
  'connection_refused',
  'connection_reset',
  'dropped',
  'other',
] as const;

export type FailureKind = (typeof FAILURE_KINDS)[number];

/** Latency as users feel it: from the scheduled time (no coordinated omission). */
export function latencyMs(sample: Sample): number {
  return sample.endMs - sample.scheduledMs;
}

/** Service time: from the send time. */
export function serviceTimeMs(sample: Sample): number {
  return sample.endMs - sample.sentMs;
}
