/**
 * Latency of successful and of failed requests kept apart, and summarized over windows wide enough
 * to hold a meaningful number of samples. At 100 req/s a 100 ms bucket has 10 samples, so its p95
 * and p99 are its maximum, and fast failures (refused connections) pull its p50 down; a window of
 * ≥ 50 successful samples gives percentiles that mean what they say.
 */
import type { Sample } from '../load/sample.ts';
import { type LatencySummary, Timeline, type BucketSnapshot } from './timeline.ts';

export const MIN_WINDOW_SAMPLES = 50;
/** A window never grows past this, so that a quiet stretch does not swallow an event. */
export const MAX_WINDOW_MS = 10_000;
export const MAX_LATENCY_WINDOWS = 1200;

export interface WindowLatency {
  readonly n: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

export interface LatencyWindow {
  readonly fromMs: number;
  readonly toMs: number;
  /** Null when no successful request was scheduled in the window. */
  readonly success: WindowLatency | null;
  /** Null when no failed request (other than dropped ones, which have no latency) was scheduled in it. */
  readonly failure: WindowLatency | null;
}

export interface LatencyWindows {
  readonly minSamples: number;
  readonly windows: readonly LatencyWindow[];
}

export class LatencySplit {
  private readonly success: Timeline;
  private readonly failure: Timeline;

  constructor(readonly bucketMs: number) {
    this.success = new Timeline(bucketMs);
    this.failure = new Timeline(bucketMs);
  }

  record(sample: Sample): void {
    if (sample.failure === 'dropped') return;
    (sample.failure === undefined ? this.success : this.failure).record(sample);
  }

  /**
   * Windows over the run: each at least 1/maxWindows of it, grown bucket by bucket until it holds
   * `minSamples` successful samples or reaches MAX_WINDOW_MS. Window sizes come from the run's
   * bucket counts (`buckets`, the main timeline's export), so only one histogram merge per window is made.
   */
  windows(buckets: readonly BucketSnapshot[], minSamples = MIN_WINDOW_SAMPLES, maxWindows = MAX_LATENCY_WINDOWS): LatencyWindows {
    const span = buckets.reduce((max, b) => Math.max(max, b.index + 1), 0);
    const successesAt = new Float64Array(span);
    for (const bucket of buckets) successesAt[bucket.index] = bucket.successes;
    const minWidth = Math.max(1, Math.ceil(span / maxWindows));
    const maxWidth = Math.max(minWidth, Math.floor(MAX_WINDOW_MS / this.bucketMs));
    const windows: LatencyWindow[] = [];
    let start = 0;
    while (start < span) {
      let end = start;
      let n = 0;
      while (end < span && (end - start < minWidth || (n < minSamples && end - start < maxWidth))) n += successesAt[end++]!;
      const fromMs = start * this.bucketMs;
      const toMs = end * this.bucketMs;
      windows.push({ fromMs, toMs, success: latencyOf(this.success, fromMs, toMs), failure: latencyOf(this.failure, fromMs, toMs) });
      start = end;
    }
    return { minSamples, windows };
  }
}

function latencyOf(timeline: Timeline, fromMs: number, toMs: number): WindowLatency | null {
  const summary = timeline.summarize(fromMs, toMs);
  const latency: LatencySummary | null = summary.latency;
  if (!latency || summary.total === 0) return null;
  return { n: summary.total, p50: latency.p50, p95: latency.p95, p99: latency.p99, max: latency.max };
}
