import { expect } from 'chai';
import type { Sample } from '../../src/load/sample.ts';
import { percentileRank } from '../../src/timeline/latency-histogram.ts';
import { Timeline } from '../../src/timeline/timeline.ts';
import { seededRandom as random } from '../helpers/seeded-random.ts';

function sample(scheduledMs: number, latencyMs: number, extra: Partial<Sample> = {}): Sample {
  return { scheduledMs, sentMs: scheduledMs, endMs: scheduledMs + latencyMs, ok: true, ...extra };
}

/** Rank ceil(p·n/100) in integer arithmetic (exact for p with up to 2 decimals). */
function exactRank(percentile: number, count: number): number {
  return Math.max(1, Math.ceil((Math.round(percentile * 100) * count) / 10_000));
}

/** The exact percentile of a sorted list: the smallest value with ≥ p % of the values at or below it. */
function exactPercentile(sorted: readonly number[], percentile: number): number {
  return sorted[exactRank(percentile, sorted.length) - 1]!;
}

describe('Timeline.latencyPercentile', () => {
  // 30 s at 1,000/s, 100 ms buckets; latencies from 0.5 ms to seconds (exponential tail), some failed,
  // some dropped (no latency). Half the run is sealed, so both encodings are read.
  const next = random(7);
  const samples: Sample[] = [];
  for (let i = 0; i < 30_000; i++) {
    const latencyMs = 0.5 + -Math.log(1 - next()) * (i % 97 === 0 ? 900 : 40);
    const kind = i % 53 === 0 ? 'dropped' : i % 31 === 0 ? 'timeout' : undefined;
    samples.push(sample(i + next() * 0.9, latencyMs, kind ? { ok: false, failure: kind } : {}));
  }
  const timeline = new Timeline(100, { sealLagMs: 0 });
  for (const s of samples) timeline.record(s);
  timeline.seal(15_000);

  /** Latencies (ms) of the samples the window takes: those whose bucket starts in [fromMs, toMs). */
  const latenciesIn = (fromMs: number, toMs: number): number[] =>
    samples
      .filter((s) => s.failure !== 'dropped')
      .filter((s) => {
        const start = Math.floor(s.scheduledMs / 100) * 100;
        return start >= fromMs && start < toMs;
      })
      .map((s) => s.endMs - s.scheduledMs)
      .sort((a, b) => a - b);

  it('matches the exact percentile of the window within the histogram precision (3 significant digits)', () => {
    for (const [fromMs, toMs] of [[0, 30_000], [5_050, 20_000], [14_000, 16_000], [29_900, 31_000]] as const) {
      const exact = latenciesIn(fromMs, toMs);
      for (const p of [0.1, 1, 12.5, 50, 75, 90, 95, 99, 99.5, 99.9, 99.99]) {
        const want = exactPercentile(exact, p);
        // ≤ 1/2,048 of the value from quantisation, plus 0.5 µs from rounding to the microsecond.
        expect(timeline.latencyPercentile(fromMs, toMs, p), `p${p} of ${fromMs}–${toMs}`).to.be.closeTo(want, want / 2_048 + 0.0005);
      }
    }
  });

  it('agrees exactly with summarize at its fixed percentiles, and p100 is its (exact) max', () => {
    for (const [fromMs, toMs] of [[0, 30_000], [5_050, 20_000], [100, 200]] as const) {
      const latency = timeline.summarize(fromMs, toMs).latency!;
      const at = (p: number) => timeline.latencyPercentile(fromMs, toMs, p);
      expect([at(50), at(90), at(95), at(99), at(100)]).to.deep.equal([latency.p50, latency.p90, latency.p95, latency.p99, latency.max]);
      expect(at(100)).to.equal(Math.round(latenciesIn(fromMs, toMs).at(-1)! * 1000) / 1000);
    }
  });

  it('reads p99.9 of 1,000 samples as the 999th value, not the maximum', () => {
    const small = new Timeline(100);
    for (let i = 0; i < 1_000; i++) small.record(sample(i, i === 500 ? 500 : i === 700 ? 900.25 : 2));
    expect(small.latencyPercentile(0, 1_000, 99.9)).to.be.closeTo(500, 500 / 2_048);
    expect(small.latencyPercentile(0, 1_000, 99.8)).to.equal(2); // below 2,048 µs: exact
    expect(small.latencyPercentile(0, 1_000, 100)).to.equal(900.25);
    expect(small.latencyPercentile(0, 1_000, 1e-9)).to.equal(2);
  });

  it('is null for a window without latency, and rejects a percentile outside (0, 100]', () => {
    const small = new Timeline(100);
    small.record(sample(50, 5));
    small.record(sample(250, 5, { ok: false, failure: 'dropped' }));
    expect(small.latencyPercentile(0, 100, 50)).to.equal(5);
    expect(small.latencyPercentile(200, 300, 50)).to.equal(null); // only a dropped request
    expect(small.latencyPercentile(1_000, 2_000, 50)).to.equal(null); // past the end
    expect(small.latencyPercentile(100, 100, 50)).to.equal(null); // empty window
    for (const bad of [0, -1, 100.0001, Number.NaN, Infinity]) {
      expect(() => small.latencyPercentile(0, 100, bad), String(bad)).to.throw(RangeError, /percentile must be in \(0, 100\]/);
    }
  });
});

describe('percentileRank', () => {
  it('is ceil(p·n/100) without floating-point overshoot, within [1, n]', () => {
    expect(percentileRank(99.9, 1_000)).to.equal(999); // (99.9 / 100) * 1000 = 999.0000000000001
    expect(percentileRank(57.7, 1_000)).to.equal(577);
    expect(percentileRank(99.9, 10_000)).to.equal(9_990);
    expect(percentileRank(99.9, 1_001)).to.equal(1_000);
    expect(percentileRank(50, 3)).to.equal(2);
    expect(percentileRank(100, 7)).to.equal(7);
    expect(percentileRank(1e-9, 7)).to.equal(1);
    for (let n = 1; n <= 2_000; n++) {
      for (const p of [0.1, 1, 33.3, 50, 90, 95, 99, 99.9, 99.99]) expect(percentileRank(p, n), `p${p} of ${n}`).to.equal(exactRank(p, n));
    }
  });
});
