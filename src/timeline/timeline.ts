import { FAILURE_KINDS, type FailureKind, type Sample } from '../load/sample.ts';
import { failureCodeOf } from '../load/failure-code.ts';
import { FailureLog } from './failure-log.ts';
import { DenseLatencyHistogram, encodeSortedIndices, forEachEncoded, latencyIndex } from './latency-histogram.ts';

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
  /** Failures by status / error code (src/load/failure-code.ts); present when the bucket has failures. */
  readonly failuresByCode?: Record<string, number>;
  /** Failures whose response named no server (no served-by header, or no response); present when non-zero. */
  readonly failedWithoutServer?: number;
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
  /** Optional so that other views (fakes in tests) need not fill them. */
  readonly failuresByCode?: Record<string, number>;
  readonly failedWithoutServer?: number;
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
  /**
   * Latency (ms, from the scheduled time) at any percentile in (0, 100] over the same window and
   * with the same precision as `summarize` (3 significant digits; 100 is the exact maximum). Null
   * when the window has no latency (no samples, or all dropped). Throws a RangeError for a
   * percentile outside (0, 100]. Optional so that other views (fakes in tests) need not change;
   * without it, a caller has only the fixed percentiles of `summarize`.
   */
  latencyPercentile?(fromMs: number, toMs: number, percentile: number): number | null;
}

export interface TimelineOptions {
  /**
   * Buckets whose start is more than this far behind the newest scheduled time are sealed
   * (their latencies packed into the compact encoding) automatically. Default 15 s. A late sample
   * for a sealed bucket is still counted exactly; it is only slower. 0 disables auto-sealing.
   */
  readonly sealLagMs?: number;
  /** Distinct failure messages kept with their counts (see failure-log.ts). Default 20. */
  readonly failureLogLimit?: number;
}

const KIND_COUNT = FAILURE_KINDS.length;
const KIND_INDEX: Readonly<Record<FailureKind, number>> = Object.fromEntries(FAILURE_KINDS.map((kind, i) => [kind, i])) as Record<FailureKind, number>;
const OTHER_KIND = KIND_INDEX.other;
const SUMMARY_PERCENTILES = [50, 90, 95, 99] as const;
const ARENA_CHUNK_BYTES = 1 << 20;
/** Distinct failure codes counted by name; later ones are counted under OTHER_CODES (codes are statuses and error codes: a small set). */
export const MAX_FAILURE_CODES = 64;
export const OTHER_CODES = 'other codes';

/**
 * Samples aggregated into fixed buckets, attributed by scheduled time; latency (from the scheduled
 * time) recorded in microseconds with 3 significant digits (see latency-histogram.ts). Dropped
 * samples count as failures but have no latency.
 *
 * Memory grows with run length / bucket width, not with the number of requests: per bucket,
 * counters live in typed arrays (struct of arrays) and, once sealed, the latency distribution is a
 * varint run-length encoding (≈ 2 bytes per distinct latency value) in a shared byte arena. Only
 * the latest `sealLagMs` of buckets keep a raw list of quantised latencies (4 bytes per sample).
 */
export class Timeline implements TimelineView {
  readonly bucketMs: number;
  private readonly sealLagBuckets: number;

  private capacity = 0;
  /** One past the highest bucket with a sample. */
  private length = 0;
  private totals = new Uint32Array(0);
  private successCounts = new Uint32Array(0);
  /** capacity × KIND_COUNT, bucket-major. */
  private failureCounts = new Uint32Array(0);
  /** Samples with a latency (not dropped). */
  private latencyCounts = new Uint32Array(0);
  private latencySumUs = new Float64Array(0);
  private latencyMaxUs = new Float64Array(0);
  /** Sealed encoding location: arena chunk, byte offset, byte length (length 0 = none). */
  private sealedChunk = new Uint32Array(0);
  private sealedOffset = new Uint32Array(0);
  private sealedLength = new Uint32Array(0);
  /** Quantised latencies not yet sealed, per bucket. */
  private pending: (Uint32Array | undefined)[] = [];
  private pendingLength = new Uint32Array(0);
  /** Served-by counts per bucket, by interned name id. */
  private servedByCounts: (number[] | undefined)[] = [];
  private readonly servedByIds = new Map<string, number>();
  private readonly servedByNames: string[] = [];
  /** Failure counts per bucket, by interned code id; undefined for buckets without failures. */
  private failureCodeCounts: (number[] | undefined)[] = [];
  private readonly failureCodeIds = new Map<string, number>();
  private readonly failureCodeNames: string[] = [];
  private failedWithoutServerCounts = new Uint32Array(0);
  /** The first distinct failure messages, bounded. */
  readonly failureLog: FailureLog;

  /** Reused by summarize/latencyPercentile/buckets (all synchronous): windows are summarized often by checks. */
  private readonly scratch = new DenseLatencyHistogram();
  private readonly arena: Uint8Array[] = [];
  private arenaUsed = 0;
  /** Buckets below this index have been through auto-sealing. */
  private sealCursor = 0;
  /** Sealed buckets that received late samples since. */
  private readonly resealQueue: number[] = [];

  constructor(bucketMs = 100, options: TimelineOptions = {}) {
    if (!(bucketMs > 0) || !Number.isFinite(bucketMs)) throw new RangeError(`bucketMs must be a positive number, got ${bucketMs}`);
    this.bucketMs = bucketMs;
    const lagMs = options.sealLagMs ?? 15_000;
    this.sealLagBuckets = lagMs > 0 ? Math.ceil(lagMs / bucketMs) + 1 : Infinity;
    this.failureLog = new FailureLog(options.failureLogLimit);
  }

  record(sample: Sample): void {
    const index = sample.scheduledMs > 0 ? Math.floor(sample.scheduledMs / this.bucketMs) : 0;
    if (index >= this.length) {
      if (index >= this.capacity) this.grow(index + 1);
      this.length = index + 1;
      if (index - this.sealLagBuckets > this.sealCursor) this.autoSeal(index - this.sealLagBuckets);
    }
    this.totals[index]!++;
    if (sample.ok) this.successCounts[index]!++;
    else {
      const kind = sample.failure === undefined ? OTHER_KIND : (KIND_INDEX[sample.failure] ?? OTHER_KIND);
      this.failureCounts[index * KIND_COUNT + kind]!++;
      this.recordFailureDetail(index, sample);
    }
    if (sample.servedBy !== undefined) this.countServedBy(index, sample.servedBy);
    if (sample.failure !== 'dropped') this.recordLatency(index, (sample.endMs - sample.scheduledMs) * 1000);
  }

  /**
   * Packs the latency lists of every bucket that starts before `beforeMs` into the compact form.
   * Lossless (values are quantised when recorded); call it for buckets that can no longer receive
   * samples. Buckets that get samples later are still counted exactly.
   */
  seal(beforeMs: number): void {
    const end = Math.min(this.length, Math.ceil(beforeMs / this.bucketMs));
    for (let index = 0; index < end; index++) if (this.pendingLength[index]) this.sealBucket(index);
  }

  /** Bytes used by the per-bucket arrays, sealed encodings and unsealed latency lists (diagnostics). */
  memoryBytes(): number {
    const arenaBytes = this.arena.length === 0 ? 0 : (this.arena.length - 1) * ARENA_CHUNK_BYTES + this.arenaUsed;
    let bytes = this.capacity * (4 * 4 + 8 * 2 + 4 * 4 + KIND_COUNT * 4 + 4) + arenaBytes;
    for (const list of this.pending) if (list) bytes += list.byteLength;
    for (const counts of this.failureCodeCounts) if (counts) bytes += counts.length * 8;
    return bytes;
  }

  buckets(): readonly BucketSnapshot[] {
    const out: BucketSnapshot[] = [];
    const bucketHistogram = this.scratch;
    for (let index = 0; index < this.length; index++) {
      const total = this.totals[index]!;
      if (total === 0) {
        out.push({ index, total: 0, successes: 0, failures: {}, latency: null, servedBy: {} });
        continue;
      }
      const failures: Partial<Record<FailureKind, number>> = {};
      this.addFailures(index, failures);
      const servedBy: Record<string, number> = {};
      this.addServedBy(index, servedBy);
      const detail: { failuresByCode?: Record<string, number>; failedWithoutServer?: number } = {};
      if (this.failureCodeCounts[index]) {
        const failuresByCode: Record<string, number> = {};
        this.addFailureCodes(index, failuresByCode);
        detail.failuresByCode = failuresByCode;
      }
      if (this.failedWithoutServerCounts[index]) detail.failedWithoutServer = this.failedWithoutServerCounts[index]!;
      let latency: LatencySummary | null = null;
      if (this.latencyCounts[index]) {
        bucketHistogram.reset();
        this.addLatency(index, bucketHistogram);
        latency = summarizeHistogram(bucketHistogram);
      }
      out.push({ index, total, successes: this.successCounts[index]!, failures, latency, servedBy, ...detail });
    }
    bucketHistogram.reset();
    return out;
  }

  summarize(fromMs: number, toMs: number): WindowSummary {
    const [first, last] = this.windowIndices(fromMs, toMs);
    let total = 0;
    let successes = 0;
    const failuresByKind: Partial<Record<FailureKind, number>> = {};
    const servedBy: Record<string, number> = {};
    const failuresByCode: Record<string, number> = {};
    let failedWithoutServer = 0;
    const merged = this.scratch;
    merged.reset();
    for (let index = first; index < last; index++) {
      if (this.totals[index] === 0) continue;
      total += this.totals[index]!;
      successes += this.successCounts[index]!;
      this.addFailures(index, failuresByKind);
      this.addFailureCodes(index, failuresByCode);
      failedWithoutServer += this.failedWithoutServerCounts[index]!;
      this.addServedBy(index, servedBy);
      this.addLatency(index, merged);
    }
    const latency = summarizeHistogram(merged);
    merged.reset();
    return { fromMs, toMs, total, successes, failures: total - successes, failuresByKind, servedBy, latency, failuresByCode, failedWithoutServer };
  }

  latencyPercentile(fromMs: number, toMs: number, percentile: number): number | null {
    if (!(percentile > 0 && percentile <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${percentile}`);
    const [first, last] = this.windowIndices(fromMs, toMs);
    const merged = this.scratch;
    merged.reset();
    for (let index = first; index < last; index++) this.addLatency(index, merged);
    const value = merged.totalCount === 0 ? null : usToMs(percentile === 100 ? merged.maxUs : merged.valueAtPercentileUs(percentile));
    merged.reset();
    return value;
  }

  /** Bucket indices [first, last) of the window [fromMs, toMs): buckets whose start lies in it. */
  private windowIndices(fromMs: number, toMs: number): [number, number] {
    return [Math.max(0, Math.ceil(fromMs / this.bucketMs)), Math.min(this.length, Math.ceil(toMs / this.bucketMs))];
  }

  private addFailures(index: number, into: Partial<Record<FailureKind, number>>): void {
    const base = index * KIND_COUNT;
    for (let kind = 0; kind < KIND_COUNT; kind++) {
      const count = this.failureCounts[base + kind]!;
      if (count) {
        const name = FAILURE_KINDS[kind]!;
        into[name] = (into[name] ?? 0) + count;
      }
    }
  }

  private recordFailureDetail(index: number, sample: Sample): void {
    if (sample.servedBy === undefined) this.failedWithoutServerCounts[index]!++;
    const code = failureCodeOf(sample) ?? 'other';
    this.failureLog.record(sample, code);
    let id = this.failureCodeIds.get(code);
    if (id === undefined) {
      if (this.failureCodeNames.length < MAX_FAILURE_CODES - 1 || code === OTHER_CODES) {
        id = this.failureCodeNames.length;
        this.failureCodeNames.push(code);
        this.failureCodeIds.set(code, id);
      } else {
        id = this.failureCodeIds.get(OTHER_CODES);
        if (id === undefined) {
          id = this.failureCodeNames.length;
          this.failureCodeNames.push(OTHER_CODES);
          this.failureCodeIds.set(OTHER_CODES, id);
        }
      }
    }
    let counts = this.failureCodeCounts[index];
    if (!counts) {
      counts = [];
      this.failureCodeCounts[index] = counts;
    }
    while (counts.length <= id) counts.push(0);
    counts[id]!++;
  }

  private addFailureCodes(index: number, into: Record<string, number>): void {
    const counts = this.failureCodeCounts[index];
    if (!counts) return;
    for (let id = 0; id < counts.length; id++) {
      const count = counts[id];
      if (count) {
        const name = this.failureCodeNames[id]!;
        into[name] = (into[name] ?? 0) + count;
      }
    }
  }

  private addServedBy(index: number, into: Record<string, number>): void {
    const counts = this.servedByCounts[index];
    if (!counts) return;
    for (let id = 0; id < counts.length; id++) {
      const count = counts[id];
      if (count) {
        const name = this.servedByNames[id]!;
        into[name] = (into[name] ?? 0) + count;
      }
    }
  }

  private addLatency(index: number, into: DenseLatencyHistogram): void {
    if (!this.latencyCounts[index]) return;
    const sealedLength = this.sealedLength[index]!;
    if (sealedLength) {
      const offset = this.sealedOffset[index]!;
      forEachEncoded(this.arena[this.sealedChunk[index]!]!, offset, offset + sealedLength, (value, count) => into.addIndex(value, count));
    }
    const list = this.pending[index];
    const listLength = this.pendingLength[index]!;
    for (let i = 0; i < listLength; i++) into.addIndex(list![i]!, 1);
    into.addStats(this.latencySumUs[index]!, this.latencyMaxUs[index]!);
  }

  private countServedBy(index: number, name: string): void {
    let id = this.servedByIds.get(name);
    if (id === undefined) {
      id = this.servedByNames.length;
      this.servedByIds.set(name, id);
      this.servedByNames.push(name);
    }
    let counts = this.servedByCounts[index];
    if (!counts) {
      counts = [];
      this.servedByCounts[index] = counts;
    }
    while (counts.length <= id) counts.push(0);
    counts[id]!++;
  }

  private recordLatency(index: number, us: number): void {
    const clamped = us > 0 ? us : 0;
    this.latencyCounts[index]!++;
    this.latencySumUs[index]! += clamped;
    if (clamped > this.latencyMaxUs[index]!) this.latencyMaxUs[index] = clamped;
    let list = this.pending[index];
    const used = this.pendingLength[index]!;
    if (!list || used === list.length) {
      const grown = new Uint32Array(list ? list.length * 2 : 16);
      if (list) grown.set(list);
      list = grown;
      this.pending[index] = list;
    }
    list[used] = latencyIndex(clamped);
    this.pendingLength[index] = used + 1;
    if (index < this.sealCursor && used === 0) this.resealQueue.push(index);
  }

  private autoSeal(beforeIndex: number): void {
    for (let index = this.sealCursor; index < beforeIndex; index++) if (this.pendingLength[index]) this.sealBucket(index);
    this.sealCursor = beforeIndex;
    while (this.resealQueue.length > 0) {
      const index = this.resealQueue.pop()!;
      if (this.pendingLength[index]) this.sealBucket(index);
    }
  }

  /** Merges a bucket's pending list into its sealed encoding. */
  private sealBucket(index: number): void {
    const listLength = this.pendingLength[index]!;
    const list = this.pending[index]!;
    let values: Uint32Array;
    let valueCount: number;
    const sealedLength = this.sealedLength[index]!;
    if (sealedLength) {
      // A late sample for an already-sealed bucket: expand, merge, re-encode (rare path).
      const expanded: number[] = [];
      const offset = this.sealedOffset[index]!;
      forEachEncoded(this.arena[this.sealedChunk[index]!]!, offset, offset + sealedLength, (value, count) => {
        for (let i = 0; i < count; i++) expanded.push(value);
      });
      for (let i = 0; i < listLength; i++) expanded.push(list[i]!);
      values = Uint32Array.from(expanded);
      valueCount = values.length;
    } else {
      values = list;
      valueCount = listLength;
    }
    values.subarray(0, valueCount).sort();
    const encoded = encodeSortedIndices(values, valueCount);
    this.storeSealed(index, encoded);
    this.pending[index] = undefined;
    this.pendingLength[index] = 0;
  }

  private storeSealed(index: number, encoded: Uint8Array): void {
    let chunkIndex = this.arena.length - 1;
    if (chunkIndex < 0 || this.arenaUsed + encoded.length > this.arena[chunkIndex]!.length) {
      this.arena.push(new Uint8Array(Math.max(ARENA_CHUNK_BYTES, encoded.length)));
      chunkIndex++;
      this.arenaUsed = 0;
    }
    this.arena[chunkIndex]!.set(encoded, this.arenaUsed);
    this.sealedChunk[index] = chunkIndex;
    this.sealedOffset[index] = this.arenaUsed;
    this.sealedLength[index] = encoded.length;
    this.arenaUsed += encoded.length;
  }

  private grow(minimum: number): void {
    const capacity = Math.max(minimum, Math.ceil(this.capacity * 1.5), 64);
    const grow32 = (old: Uint32Array, width = 1) => {
      const next = new Uint32Array(capacity * width);
      next.set(old);
      return next;
    };
    const grow64 = (old: Float64Array) => {
      const next = new Float64Array(capacity);
      next.set(old);
      return next;
    };
    this.totals = grow32(this.totals);
    this.successCounts = grow32(this.successCounts);
    this.failureCounts = grow32(this.failureCounts, KIND_COUNT);
    this.latencyCounts = grow32(this.latencyCounts);
    this.latencySumUs = grow64(this.latencySumUs);
    this.latencyMaxUs = grow64(this.latencyMaxUs);
    this.sealedChunk = grow32(this.sealedChunk);
    this.sealedOffset = grow32(this.sealedOffset);
    this.sealedLength = grow32(this.sealedLength);
    this.pendingLength = grow32(this.pendingLength);
    this.failedWithoutServerCounts = grow32(this.failedWithoutServerCounts);
    this.capacity = capacity;
  }
}

/** Microseconds to milliseconds, rounded to the microsecond (as every reported latency is). */
function usToMs(us: number): number {
  return Math.round(us) / 1000;
}

function summarizeHistogram(histogram: DenseLatencyHistogram): LatencySummary | null {
  if (histogram.totalCount === 0) return null;
  const [p50, p90, p95, p99] = histogram.valuesAtPercentilesUs(SUMMARY_PERCENTILES);
  return { p50: usToMs(p50!), p90: usToMs(p90!), p95: usToMs(p95!), p99: usToMs(p99!), max: usToMs(histogram.maxUs), mean: usToMs(histogram.meanUs) };
}
