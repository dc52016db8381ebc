import { expect } from 'chai';
import type { Sample } from '../../src/load/sample.ts';
import { LatencySplit } from '../../src/timeline/latency-split.ts';
import { Timeline } from '../../src/timeline/timeline.ts';

function sample(scheduledMs: number, latencyMs: number, extra: Partial<Sample> = {}): Sample {
  return { scheduledMs, sentMs: scheduledMs, endMs: scheduledMs + latencyMs, ok: true, ...extra };
}

/** 100 req/s for `seconds`: successes at 20–29 ms; from 10 s to 12 s, 9 of 10 requests refused in 1 ms. */
function run(seconds: number): { split: LatencySplit; timeline: Timeline } {
  const split = new LatencySplit(100);
  const timeline = new Timeline(100);
  for (let i = 0; i < seconds * 100; i++) {
    const at = i * 10;
    const failing = at >= 10_000 && at < 12_000 && i % 10 !== 0;
    const s = failing ? sample(at, 1, { ok: false, failure: 'connection_refused' }) : sample(at, 20 + (i % 50));
    split.record(s);
    timeline.record(s);
  }
  return { split, timeline };
}

describe('timeline/latency-split', () => {
  it('grows windows until they hold 50 successful samples, so p95 is not the maximum of 10', () => {
    const { split, timeline } = run(20);
    const { minSamples, windows } = split.windows(timeline.buckets());
    expect(minSamples).to.equal(50);
    // Outside the failover, 10 successes per 100 ms bucket: 500 ms windows.
    const calm = windows.filter((w) => w.toMs <= 10_000);
    expect(calm.every((w) => w.toMs - w.fromMs === 500 && w.success!.n === 50)).to.equal(true);
    expect(calm[0]!.success!.p95).to.be.below(calm[0]!.success!.max);
    // Windows tile the run without gaps.
    for (let i = 1; i < windows.length; i++) expect(windows[i]!.fromMs).to.equal(windows[i - 1]!.toMs);
    expect(windows.at(-1)!.toMs).to.equal(20_000);
  });

  it('keeps failed requests apart: fast refusals do not pull the success p50 down', () => {
    const { split, timeline } = run(20);
    const { windows } = split.windows(timeline.buckets());
    // During the failover only 1 in 10 succeeds: the window widens to collect 50 successes.
    const failover = windows.find((w) => w.fromMs >= 10_000 && w.fromMs < 12_000)!;
    expect(failover.toMs - failover.fromMs).to.be.greaterThan(500);
    expect(failover.success!.p50).to.be.within(20, 70);
    expect(failover.failure!.p50).to.be.below(2);
    expect(windows.filter((w) => w.toMs <= 10_000).every((w) => w.failure === null)).to.equal(true);
    // The mixed timeline's median in the same window is a refusal's.
    expect(timeline.summarize(failover.fromMs, failover.toMs).latency!.p50).to.be.below(2);
  });

  it('stays within the window budget on a long run', () => {
    const { split, timeline } = run(120);
    const { windows } = split.windows(timeline.buckets(), 50, 100);
    expect(windows.length).to.be.at.most(100);
    expect(windows.slice(0, -1).every((w) => w.toMs - w.fromMs >= 1200)).to.equal(true);
  });
});
