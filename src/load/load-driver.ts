import type { ResolvedLoad } from '../experiment/resolved.ts';
import type { Sample } from './sample.ts';

/** What a driver reports once it has stopped. */
export interface LoadSummary {
  readonly driver: string;
  /** Driver version when known (e.g. k6's). */
  readonly version?: string;
  /** Requests the schedule asked for (including dropped ones). */
  readonly scheduled: number;
  /** Requests not sent because the in-flight cap was reached (also reported as samples). */
  readonly dropped: number;
  /** Driver-specific extras, e.g. k6 threshold results. Must be JSON-serialisable. */
  readonly extra?: Record<string, unknown>;
}

export interface LoadRunOptions {
  /** Run clock: ms since load start. Every sample time uses it. */
  readonly now: () => number;
  /** Every finished request, in completion order. Must be cheap: it is on the hot path. */
  readonly onSample: (sample: Sample) => void;
  /** Aborting stops scheduling; in-flight requests are given `drainMs` to finish. */
  readonly signal: AbortSignal;
  /** Total planned duration; the driver stops scheduling at this point on its own. */
  readonly durationMs: number;
  /** Bound on how long to wait for in-flight requests after scheduling stops. */
  readonly drainMs: number;
}

/**
 * Extension point: something that sends load and turns each request into a Sample.
 * Implementations: builtin.ts (open-model HTTP on undici), k6.ts.
 */
export interface LoadDriver {
  readonly name: string;
  /** Fail fast before any fault is injected (e.g. k6 binary missing). */
  preflight?(load: ResolvedLoad): Promise<void>;
  /** Resolves when scheduling has stopped and in-flight requests are done or the drain expired. */
  run(load: ResolvedLoad, options: LoadRunOptions): Promise<LoadSummary>;
}
