import { expect } from 'chai';
import { Timeline } from '../../src/timeline/timeline.ts';

describe('Timeline', () => {
  it('attributes samples to buckets by scheduled time, not end time', () => {
    const timeline = new Timeline(100);
    timeline.record({ scheduledMs: 95, sentMs: 96, endMs: 350, ok: true });
    timeline.record({ scheduledMs: 150, sentMs: 150, endMs: 160, ok: false, failure: 'timeout' });
    const buckets = timeline.buckets();
    expect(buckets).to.have.length(2);
    expect(buckets[0]).to.include({ index: 0, total: 1, successes: 1 });
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
});
