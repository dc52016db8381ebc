/**
 * A TimelineView over a Result's exported timeline (result.timeline), so that the check rules
 * (src/checks/*) can be evaluated again on a result.json — e.g. by the chai plugin. Counts,
 * failures and served-by are exact; a window's latency cannot be rebuilt from per-bucket
 * percentiles, so `summarize` reports none (phase latencies are in result.phases[].latency).
 */
import type { FailureKind } from '../load/sample.ts';
import type { BucketSnapshot, TimelineView, WindowSummary } from '../timeline/timeline.ts';
import type { TimelineJson } from './result.ts';

export class ResultTimeline implements TimelineView {
  readonly bucketMs: number;
  private readonly dense: readonly BucketSnapshot[];

  constructor(timeline: TimelineJson) {
    this.bucketMs = timeline.bucketMs;
    const last = timeline.buckets.reduce((max, bucket) => Math.max(max, bucket.index), -1);
    const dense: BucketSnapshot[] = Array.from({ length: last + 1 }, (_, index) => ({ index, total: 0, successes: 0, failures: {}, latency: null, servedBy: {} }));
    for (const bucket of timeline.buckets) dense[bucket.index] = bucket as BucketSnapshot;
    this.dense = dense;
  }

  buckets(): readonly BucketSnapshot[] {
    return this.dense;
  }

  /** Buckets whose start lies in [fromMs, toMs), as Timeline.summarize counts them. */
  summarize(fromMs: number, toMs: number): WindowSummary {
    const first = Math.max(0, Math.ceil(fromMs / this.bucketMs));
    const last = Math.min(this.dense.length, Math.ceil(toMs / this.bucketMs));
    let total = 0;
    let successes = 0;
    const failuresByKind: Partial<Record<FailureKind, number>> = {};
    const servedBy: Record<string, number> = {};
    for (let index = first; index < last; index++) {
      const bucket = this.dense[index]!;
      total += bucket.total;
      successes += bucket.successes;
      for (const [kind, count] of Object.entries(bucket.failures) as [FailureKind, number][]) failuresByKind[kind] = (failuresByKind[kind] ?? 0) + count;
      for (const [name, count] of Object.entries(bucket.servedBy)) servedBy[name] = (servedBy[name] ?? 0) + count;
    }
    return { fromMs, toMs, total, successes, failures: total - successes, failuresByKind, servedBy, latency: null };
  }
}
