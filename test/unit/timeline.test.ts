import { expect } from 'chai';
import type { Sample } from '../../src/load/sample.ts';
import { Timeline } from '../../src/timeline/timeline.ts';

function sample(scheduledMs: number, latencyMs: number, extra: Partial<Sample> = {}): Sample {
  return { scheduledMs, sentMs: scheduledMs, endMs: scheduledMs + latencyMs, ok: true, ...extra };
}

describe('Timeline', () => {
  it('attributes samples to buckets by scheduled time, not end time', () => {
    const timeline = new Timeline(100);
    timeline.record({ scheduledMs: 95, sentMs: 96, endMs: 350, ok: true });
    timeline.record({ scheduledMs: 150, sentMs: 150, endMs: 160, ok: false, failure: 'timeout' });
    const buckets = timeline.buckets();
    expect(buckets).to.have.length(2);
    expect(buckets[0]).to.include({ index: 0, total: 1, successes: 1 });
    expect(buckets[0]?.latency?.p50).to.be.closeTo(255, 0.3);
    expect(buckets[1]?.failures).to.deep.equal({ timeout: 1 });
  });

  it('summarizes a window by merging bucket histograms', () => {
    const timeline = new Timeline(100);
    for (let i = 0; i < 300; i++) {
      timeline.record({ scheduledMs: i, sentMs: i, endMs: i + (i < 100 ? 10 : 50), ok: i >= 100, ...(i < 100 ? { failure: 'connection_refused' as const } : {}), servedBy: i % 3 === 0 ? 'a' : 'b' });
    }
    const window = timeline.summarize(100, 300);
    expect(window.total).to.equal(200);
    expect(window.successes).to.equal(200);
    expect(window.latency?.p50).to.be.closeTo(50, 0.1);
    const all = timeline.summarize(0, 300);
    expect(all.failuresByKind).to.deep.equal({ connection_refused: 100 });
    expect(all.servedBy).to.deep.equal({ a: 100, b: 200 });
  });

  it('bucket maths: [i·w, (i+1)·w), a window takes buckets whose start lies in it, empty buckets stay dense', () => {
    const timeline = new Timeline(250);
    timeline.record(sample(0, 1));
    timeline.record(sample(249.999, 1));
    timeline.record(sample(250, 1));
    timeline.record(sample(1_100, 1, { ok: false, failure: 'dropped' }));
    const buckets = timeline.buckets();
    expect(buckets.map((b) => b.total)).to.deep.equal([2, 1, 0, 0, 1]);
    expect(buckets[2]).to.deep.equal({ index: 2, total: 0, successes: 0, failures: {}, latency: null, servedBy: {} });
    // Dropped requests are failures without a latency.
    expect(buckets[4]).to.deep.include({ failures: { dropped: 1 }, latency: null });
    expect(timeline.summarize(0, 250).total).to.equal(2);
    expect(timeline.summarize(1, 500).total).to.equal(1); // bucket 0 starts before 1 ms
    expect(timeline.summarize(0, 1_000_000).total).to.equal(4);
    expect(timeline.summarize(500, 1_000).latency).to.equal(null);
  });

  it('a window summary is the same whether buckets were sealed or not, late samples included', () => {
    const plain = new Timeline(100, { sealLagMs: 0 });
    const sealed = new Timeline(100, { sealLagMs: 1_000 });
    const record = (s: Sample) => {
      plain.record(s);
      sealed.record(s);
    };
    for (let i = 0; i < 20_000; i++) {
      const scheduledMs = i; // 20 s at 1,000/s
      record(sample(scheduledMs, 1 + ((i * 7919) % 3_000) / 10, { servedBy: i % 5 ? 'a' : 'b', ok: i % 11 !== 0, ...(i % 11 === 0 ? { failure: 'http_status' as const } : {}) }));
    }
    sealed.seal(20_000);
    // Late samples for long-sealed buckets.
    for (let i = 0; i < 50; i++) record(sample(150 + i, 4_000 + i));
    for (const [from, to] of [[0, 20_000], [0, 1_000], [5_000, 6_000], [100, 300]] as const) {
      expect(sealed.summarize(from, to), `window ${from}–${to}`).to.deep.equal(plain.summarize(from, to));
    }
    expect(sealed.buckets()).to.deep.equal(plain.buckets());
    expect(sealed.summarize(100, 200).latency?.max).to.equal(4_049);
  });

  it('memory grows with buckets, not with requests', () => {
    const fill = (perBucket: number) => {
      const timeline = new Timeline(100);
      const count = perBucket * 200;
      for (let i = 0; i < count; i++) timeline.record(sample((i / count) * 20_000, 1 + (i % 500) / 100));
      timeline.seal(Infinity);
      return timeline;
    };
    const quarter = fill(1_250);
    const full = fill(5_000);
    // Same 200 buckets, 4× the samples: memory bounded by distinct latency values per bucket.
    expect(full.memoryBytes()).to.be.below(quarter.memoryBytes() * 1.2);
    expect(full.memoryBytes()).to.be.below(400_000);
    expect(full.summarize(0, 20_000).total).to.equal(1_000_000);
    // Before sealing, the newest buckets hold 4 bytes per sample; sealing packs them.
    const open = new Timeline(100);
    for (let i = 0; i < 100_000; i++) open.record(sample(i / 50, 1 + (i % 500) / 100));
    const before = open.memoryBytes();
    open.seal(Infinity);
    expect(open.memoryBytes()).to.be.below(before / 2);
  });

  it('rejects a bucket width that is not a positive number', () => {
    expect(() => new Timeline(0)).to.throw(RangeError);
    expect(() => new Timeline(Number.NaN)).to.throw(RangeError);
  });
});
