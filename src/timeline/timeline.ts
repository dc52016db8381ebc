import * as hdr from 'hdr-histogram-js';
import { FAILURE_KINDS, type FailureKind, type Sample } from '../load/sample.ts';

/** Latency percentiles in milliseconds (measured from the scheduled time). */
export interface LatencySummary {
  readonly p50: number;
  readonly p90: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

/** One fixed-width slice of the run, as exported in result.json. */
export interface BucketSnapshot {
  /** Bucket index: it covers [index * bucketMs, (index + 1) * bucketMs) on the run clock. */
  readonly index: number;
  readonly total: number;
  readonly successes: number;
  /** Only non-zero kinds are present. */
  readonly failures: Partial<Record<FailureKind, number>>;
  /** Null when the bucket has no samples. */
  readonly latency: LatencySummary | null;
  readonly servedBy: Record<string, number>;
}

/** Aggregate over a window of buckets. */
export interface WindowSummary {
  readonly fromMs: number;
  readonly toMs: number;
  readonly total: number;
  readonly successes: number;
  readonly failures: number;
  readonly failuresByKind: Partial<Record<FailureKind, number>>;
  readonly servedBy: Record<string, number>;
  readonly latency: LatencySummary | null;
}

/** Read-only view that checks and reporters use. */
export interface TimelineView {
  readonly bucketMs: number;
  /** Dense list of buckets from index 0 to the last one with a sample. */
  buckets(): readonly BucketSnapshot[];
  /**
   * Samples scheduled in [fromMs, toMs), at bucket resolution: a bucket belongs to the window
   * when its start lies in it.
   */
  summarize(fromMs: number, toMs: number): WindowSummary;
}

interface MutableBucket {
  total: number;
  successes: number;
  failures: Partial<Record<FailureKind, number>>;
  servedBy: Map<string, number>;
  histogram: hdr.Histogram;
}

const HISTOGRAM_OPTIONS: hdr.BuildRequest = {
  bitBucketSize: 'packed',
  lowestDiscernibleValue: 1,
  highestTrackableValue: 3_600_000_000,
  numberOfSignificantValueDigits: 3,
  autoResize: true,
};

/** Samples aggregated into fixed buckets, attributed by scheduled time. Latency recorded in µs. */
export class Timeline implements TimelineView {
  readonly bucketMs: number;
  private readonly slots: (MutableBucket | undefined)[] = [];

  constructor(bucketMs = 100) {
    if (!(bucketMs > 0)) throw new RangeError(`bucketMs must be > 0, got ${bucketMs}`);
    this.bucketMs = bucketMs;
  }

  record(sample: Sample): void {
    const index = Math.max(0, Math.floor(sample.scheduledMs / this.bucketMs));
    let bucket = this.slots[index];
    if (!bucket) {
      bucket = { total: 0, successes: 0, failures: {}, servedBy: new Map(), histogram: hdr.build(HISTOGRAM_OPTIONS) };
      this.slots[index] = bucket;
    }
    bucket.total++;
    if (sample.ok) bucket.successes++;
    else {
      const kind = sample.failure ?? 'other';
      bucket.failures[kind] = (bucket.failures[kind] ?? 0) + 1;
    }
    if (sample.servedBy !== undefined) bucket.servedBy.set(sample.servedBy, (bucket.servedBy.get(sample.servedBy) ?? 0) + 1);
    if (sample.failure !== 'dropped') {
      bucket.histogram.recordValue(Math.max(1, Math.round((sample.endMs - sample.scheduledMs) * 1000)));
    }
  }

  buckets(): readonly BucketSnapshot[] {
    const out: BucketSnapshot[] = [];
    for (let index = 0; index < this.slots.length; index++) {
      const bucket = this.slots[index];
      out.push(
        bucket
          ? {
              index,
              total: bucket.total,
              successes: bucket.successes,
              failures: { ...bucket.failures },
              latency: summarizeHistogram(bucket.histogram),
              servedBy: Object.fromEntries(bucket.servedBy),
            }
          : { index, total: 0, successes: 0, failures: {}, latency: null, servedBy: {} },
      );
    }
    return out;
  }

  summarize(fromMs: number, toMs: number): WindowSummary {
    const first = Math.max(0, Math.ceil(fromMs / this.bucketMs));
    const last = Math.min(this.slots.length, Math.ceil(toMs / this.bucketMs));
    let total = 0;
    let successes = 0;
    const failuresByKind: Partial<Record<FailureKind, number>> = {};
    const servedBy: Record<string, number> = {};
    const merged = hdr.build(HISTOGRAM_OPTIONS);
    for (let index = first; index < last; index++) {
      const bucket = this.slots[index];
      if (!bucket) continue;
      total += bucket.total;
      successes += bucket.successes;
      for (const kind of FAILURE_KINDS) {
        const count = bucket.failures[kind];
        if (count) failuresByKind[kind] = (failuresByKind[kind] ?? 0) + count;
      }
      for (const [name, count] of bucket.servedBy) servedBy[name] = (servedBy[name] ?? 0) + count;
      merged.add(bucket.histogram);
    }
    return { fromMs, toMs, total, successes, failures: total - successes, failuresByKind, servedBy, latency: summarizeHistogram(merged) };
  }
}

function summarizeHistogram(histogram: hdr.Histogram): LatencySummary | null {
  if (histogram.totalCount === 0) return null;
  const ms = (us: number) => Math.round(us) / 1000;
  return {
    p50: ms(histogram.getValueAtPercentile(50)),
    p90: ms(histogram.getValueAtPercentile(90)),
    p95: ms(histogram.getValueAtPercentile(95)),
    p99: ms(histogram.getValueAtPercentile(99)),
    max: ms(histogram.maxValue),
    mean: ms(histogram.mean),
  };
}
