/**
 * Log-linear latency histogram maths, in integer microseconds.
 *
 * Precision: values below 2,048 µs are kept exactly (1 µs steps); above, each power of two is
 * split into 1,024 equal sub-buckets, so a recorded value is known to within 1/1,024 of itself
 * (about 0.1 %, i.e. 3 significant digits, like an HDR histogram with 3 significant digits).
 * Reported percentiles are the middle of their sub-bucket (error ≤ 0.05 %), clamped to the
 * exact maximum. Values are clamped to [0, 2^32 − 1] µs (≈ 71 minutes).
 *
 * Quantisation happens once, when a value is recorded; merging and sealing are exact on the
 * quantised values, so a window summary does not depend on whether its buckets were sealed.
 */

const SUB_BITS = 10;
const SUB_COUNT = 1 << SUB_BITS; // 1024
const MAX_US = 0xffff_ffff;

/** Number of distinct indices: exact range [0, 2048) plus 22 further powers of two. */
export const INDEX_COUNT = latencyIndex(MAX_US) + 1;

/** Index of the sub-bucket holding `us` (integer microseconds, clamped). */
export function latencyIndex(us: number): number {
  const v = us <= 0 ? 0 : us >= MAX_US ? MAX_US : Math.round(us);
  if (v < 2 * SUB_COUNT) return v;
  const shift = 31 - Math.clz32(v) - SUB_BITS;
  return SUB_COUNT * (shift + 1) + (v >>> shift) - SUB_COUNT;
}

/** Smallest microsecond value that maps to `index`. */
export function indexLowerBound(index: number): number {
  if (index < 2 * SUB_COUNT) return index;
  const shift = Math.floor(index / SUB_COUNT) - 1;
  return (index - SUB_COUNT * (shift + 1) + SUB_COUNT) * 2 ** shift;
}

/** Number of microsecond values that map to `index`. */
export function indexWidth(index: number): number {
  if (index < 2 * SUB_COUNT) return 1;
  return 2 ** (Math.floor(index / SUB_COUNT) - 1);
}

/** Representative value of an index: the middle of its range. */
export function indexMidpoint(index: number): number {
  return indexLowerBound(index) + (indexWidth(index) - 1) / 2;
}

/**
 * Encodes a sorted list of indices (with repeats) as varint pairs (index delta, count − 1).
 * Typical cost: 2 bytes per distinct value.
 */
export function encodeSortedIndices(sorted: ArrayLike<number>, length: number): Uint8Array {
  const out = new ByteWriter(Math.max(16, length));
  let previous = 0;
  let i = 0;
  while (i < length) {
    const index = sorted[i]!;
    let count = 1;
    while (i + count < length && sorted[i + count] === index) count++;
    out.varint(index - previous);
    out.varint(count - 1);
    previous = index;
    i += count;
  }
  return out.finish();
}

/** Calls `visit(index, count)` for every run in an encoding, in increasing index order. */
export function forEachEncoded(bytes: Uint8Array, start: number, end: number, visit: (index: number, count: number) => void): void {
  let position = start;
  let index = 0;
  while (position < end) {
    let delta = 0;
    let shift = 1;
    let byte: number;
    do {
      byte = bytes[position++]!;
      delta += (byte & 0x7f) * shift;
      shift *= 128;
    } while (byte & 0x80);
    let count = 0;
    shift = 1;
    do {
      byte = bytes[position++]!;
      count += (byte & 0x7f) * shift;
      shift *= 128;
    } while (byte & 0x80);
    index += delta;
    visit(index, count + 1);
  }
}

class ByteWriter {
  private bytes: Uint8Array;
  private length = 0;
  constructor(capacity: number) {
    this.bytes = new Uint8Array(capacity);
  }
  varint(value: number): void {
    if (this.length + 10 > this.bytes.length) {
      const grown = new Uint8Array(this.bytes.length * 2 + 10);
      grown.set(this.bytes.subarray(0, this.length));
      this.bytes = grown;
    }
    let v = value;
    while (v >= 0x80) {
      this.bytes[this.length++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    this.bytes[this.length++] = v;
  }
  finish(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }
}

/**
 * Rank (1-based) of the value at `percentile` among `count` values: the smallest rank with at
 * least `percentile` % of the values at or below it. Computed as p·n/100 and forgiving a few ulps,
 * so that p99.9 of 1,000 values is rank 999 (`(99.9 / 100) * 1000` is 999.0000000000001).
 */
export function percentileRank(percentile: number, count: number): number {
  const exact = (percentile * count) / 100;
  return Math.min(count, Math.max(1, Math.ceil(exact - exact * 1e-12)));
}

/** A dense histogram over every index: for merging windows and run-wide summaries. */
export class DenseLatencyHistogram {
  private readonly counts = new Float64Array(INDEX_COUNT);
  private lowest = INDEX_COUNT;
  private highest = -1;
  totalCount = 0;
  sumUs = 0;
  maxUs = 0;

  /** Empties the histogram (cost proportional to the range of values it held). */
  reset(): void {
    if (this.highest >= this.lowest) this.counts.fill(0, this.lowest, this.highest + 1);
    this.lowest = INDEX_COUNT;
    this.highest = -1;
    this.totalCount = 0;
    this.sumUs = 0;
    this.maxUs = 0;
  }

  /** Records one value in microseconds. */
  recordUs(us: number): void {
    this.addIndex(latencyIndex(us), 1);
    this.sumUs += us;
    if (us > this.maxUs) this.maxUs = us;
  }

  /** Adds `count` values at an index (their sum and max are added separately with addStats). */
  addIndex(index: number, count: number): void {
    this.counts[index]! += count;
    this.totalCount += count;
    if (index < this.lowest) this.lowest = index;
    if (index > this.highest) this.highest = index;
  }

  addStats(sumUs: number, maxUs: number): void {
    this.sumUs += sumUs;
    if (maxUs > this.maxUs) this.maxUs = maxUs;
  }

  add(other: DenseLatencyHistogram): void {
    for (let index = other.lowest; index <= other.highest; index++) {
      const count = other.counts[index]!;
      if (count) this.addIndex(index, count);
    }
    this.addStats(other.sumUs, other.maxUs);
  }

  /** Value (µs) at a percentile in (0, 100]: the smallest recorded value with ≥ p % at or below it. */
  valueAtPercentileUs(percentile: number): number {
    if (this.totalCount === 0) return 0;
    const rank = percentileRank(percentile, this.totalCount);
    let seen = 0;
    for (let index = this.lowest; index <= this.highest; index++) {
      seen += this.counts[index]!;
      if (seen >= rank) return Math.min(indexMidpoint(index), this.maxUs);
    }
    return this.maxUs;
  }

  /** Percentiles for many ranks in one pass; `percentiles` ascending. */
  valuesAtPercentilesUs(percentiles: readonly number[]): number[] {
    const out: number[] = [];
    if (this.totalCount === 0) return percentiles.map(() => 0);
    let next = 0;
    let seen = 0;
    for (let index = this.lowest; index <= this.highest && next < percentiles.length; index++) {
      seen += this.counts[index]!;
      while (next < percentiles.length && seen >= percentileRank(percentiles[next]!, this.totalCount)) {
        out.push(Math.min(indexMidpoint(index), this.maxUs));
        next++;
      }
    }
    while (out.length < percentiles.length) out.push(this.maxUs);
    return out;
  }

  get meanUs(): number {
    return this.totalCount === 0 ? 0 : this.sumUs / this.totalCount;
  }
}
