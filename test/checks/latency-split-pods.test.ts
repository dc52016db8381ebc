import { expect } from 'chai';
import { evaluateChecks } from '../../src/checks/index.ts';
import { Timeline } from '../../src/timeline/timeline.ts';
import { check, context, fault, feed, podEvent } from './fixtures.ts';

describe('checks: latency', () => {
  it('reads the percentile of the scope (latency from the scheduled time) against max', async () => {
    const timeline = new Timeline(100);
    feed(timeline, 0, 10_000, { latencyMs: () => 5 });
    // outage: 1000 samples, 2% take 800 ms → p99 = 800 ms, p50 = 20 ms
    feed(timeline, 10_000, 20_000, { latencyMs: (t) => (Math.round(t) % 100 < 2 ? 800 : 20) });
    const results = (await evaluateChecks(
      [
        check({ kind: 'latency', scope: { phase: 'outage' }, percentile: 99, maxMs: 500 }),
        check({ kind: 'latency', scope: { phase: 'outage' }, percentile: 50, maxMs: 50 }),
        check({ kind: 'latency', scope: { phase: 'baseline' }, percentile: 100, maxMs: 10 }),
      ],
      context(timeline),
    ));
    expect(results.map((r) => r.verdict)).to.deep.equal(['failed', 'passed', 'passed']);
    expect(results[0]!.observed.latencyMs).to.be.closeTo(800, 1);
    expect(results[0]!.reason).to.match(/^p99 latency 800 ms > 500 ms in outage \(n=1000\)$/);
    expect(results[1]!.observed.latencyMs).to.be.closeTo(20, 0.1);
    expect(results[2]!.reason).to.match(/^max latency 5 ms ≤ 10 ms/);
  });

  it('never prints a latency that fails its max rounded onto it', async () => {
    const timeline = new Timeline(100);
    feed(timeline, 0, 10_000, { latencyMs: () => 500.4 });
    const [result] = await evaluateChecks([check({ kind: 'latency', scope: { phase: 'baseline' }, percentile: 100, maxMs: 500 })], context(timeline));
    expect(result!.verdict).to.equal('failed');
    expect(result!.reason).to.match(/^max latency 500\.\d+ ms > 500 ms/);
  });

  it('is inconclusive with too few samples or when every request was dropped', async () => {
    const timeline = new Timeline(100);
    feed(timeline, 10_000, 10_100, { perBucket: 5 });
    feed(timeline, 20_000, 30_000, { ok: () => false, failure: 'dropped' });
    const results = (await evaluateChecks(
      [check({ kind: 'latency', scope: { phase: 'outage' }, percentile: 99, maxMs: 500 }), check({ kind: 'latency', scope: { phase: 'recovery' }, percentile: 99, maxMs: 500 })],
      context(timeline),
    ));
    expect(results.map((r) => r.verdict)).to.deep.equal(['inconclusive', 'inconclusive']);
    expect(results[1]!.reason).to.contain('all 1000 requests were dropped');
  });

  it('reads any percentile in (0, 100], e.g. p99.9, from the timeline', async () => {
    const timeline = new Timeline(100);
    // outage: 1000 samples, 2 slow ones (1200 ms, 1500 ms) → p99.9 = the 999th value = 1200 ms, p99.8 = 2 ms
    feed(timeline, 10_000, 20_000, { latencyMs: (t) => (Math.round(t) === 12_000 ? 1200 : Math.round(t) === 15_000 ? 1500 : 2) });
    const results = (await evaluateChecks(
      [
        check({ kind: 'latency', scope: { phase: 'outage' }, percentile: 99.9, maxMs: 1000 }),
        check({ kind: 'latency', scope: { phase: 'outage' }, percentile: 99.8, maxMs: 1000 }),
        check({ kind: 'latency', scope: { phase: 'outage' }, percentile: 100, maxMs: 1500 }),
      ],
      context(timeline),
    ));
    expect(results.map((r) => r.verdict)).to.deep.equal(['failed', 'passed', 'passed']);
    expect(results[0]!.observed.latencyMs).to.be.closeTo(1200, 1200 / 2_048);
    expect(results[0]!.reason).to.match(/^p99\.9 latency 1\.2 s > 1 s in outage \(n=1000\)$/);
    expect(results[1]!.observed.latencyMs).to.equal(2);
    expect(results[2]!.observed).to.include({ latencyMs: 1500, maxMs: 1500 });
    expect(results[2]!.reason).to.match(/^max latency 1\.5 s ≤ 1\.5 s/);
  });

  it('is an error for a percentile outside (0, 100], or one a timeline view without latencyPercentile cannot tell', async () => {
    const timeline = new Timeline(100);
    feed(timeline, 10_000, 20_000, { latencyMs: () => 7 });
    const [zero, over] = (await evaluateChecks(
      [check({ kind: 'latency', scope: { phase: 'outage' }, percentile: 0, maxMs: 500 }), check({ kind: 'latency', scope: { phase: 'outage' }, percentile: 101, maxMs: 500 })],
      context(timeline),
    ));
    expect([zero!.verdict, over!.verdict]).to.deep.equal(['error', 'error']);
    expect(zero!.reason).to.equal('percentile 0 is not in (0, 100]');
    // A view that only summarises (a fake, or an older implementation) still answers 50/90/95/99/100.
    const { bucketMs } = timeline;
    const summaryOnly = { bucketMs, buckets: () => timeline.buckets(), summarize: (from: number, to: number) => timeline.summarize(from, to) };
    const [p99, p999] = (await evaluateChecks(
      [check({ kind: 'latency', scope: { phase: 'outage' }, percentile: 99, maxMs: 500 }), check({ kind: 'latency', scope: { phase: 'outage' }, percentile: 99.9, maxMs: 500 })],
      context(timeline, { timeline: summaryOnly }),
    ));
    expect(p99!.verdict).to.equal('passed');
    expect(p99!.observed.latencyMs).to.equal(7);
    expect(p999!.verdict).to.equal('error');
    expect(p999!.reason).to.equal('this timeline only keeps percentiles 50, 90, 95, 99 and 100, not 99.9');
  });
});

describe('checks: trafficSplit', () => {
  const split = (expect: Record<string, number>, tolerance = 0.02, fromMs?: number) =>
    check({ kind: 'trafficSplit', scope: { phase: 'recovery', ...(fromMs !== undefined ? { fromMs } : {}) }, expect, tolerance });

  it('matches served-by values by name or `name-` prefix and compares shares', async () => {
    const timeline = new Timeline(100);
    // recovery: 3 of 4 on payments-primary pods, 1 of 4 on the secondary
    feed(timeline, 20_000, 30_000, { servedBy: (_t, i) => (i % 4 === 3 ? 'payments-secondary' : `payments-primary-7c9d-${i % 2 ? 'x2b4q' : 'k8d1z'}`) });
    const [ok, off] = (await evaluateChecks([split({ 'payments-primary': 0.75, 'payments-secondary': 0.25 }), split({ 'payments-primary': 1 })], context(timeline)));
    expect(ok!.verdict).to.equal('passed');
    expect(ok!.observed.shares).to.deep.equal({ 'payments-primary': 0.75, 'payments-secondary': 0.25, other: 0 });
    expect(ok!.n).to.equal(1000);
    expect(off!.verdict).to.equal('failed');
    expect(off!.reason).to.contain('payments-primary 75.0% (expected 100% ± 2%)').and.contain('other 25.0% (expected 0% ± 2%)');
  });

  it('prefers the longest matching key, and counts unmatched values as other', async () => {
    const timeline = new Timeline(100);
    feed(timeline, 20_000, 30_000, { servedBy: (_t, i) => (i % 10 === 0 ? 'stranger-1' : 'payments-primary-abc') });
    const [result] = (await evaluateChecks([split({ payments: 0, 'payments-primary': 1 }, 0.05)], context(timeline)));
    expect(result!.observed.shares).to.deep.equal({ payments: 0, 'payments-primary': 0.9, other: 0.1 });
    expect(result!.verdict).to.equal('failed');
  });

  it('only counts the window, ignores samples without the header, and is inconclusive below minSamples', async () => {
    const timeline = new Timeline(100);
    feed(timeline, 20_000, 25_000, { servedBy: () => 'payments-secondary-1' });
    feed(timeline, 25_000, 30_000, { servedBy: (t) => (t % 200 < 100 ? 'payments-primary-1' : undefined) });
    const [late] = (await evaluateChecks([split({ 'payments-primary': 1 }, 0.02, 5000)], context(timeline)));
    expect(late!.verdict).to.equal('passed');
    expect(late!.observed.unattributed).to.equal(250);
    const quiet = new Timeline(100);
    feed(quiet, 20_000, 30_000, { servedBy: (_t, i) => (i < 5 ? 'payments-primary-1' : undefined) });
    expect((await evaluateChecks([split({ 'payments-primary': 1 })], context(quiet)))[0]!.verdict).to.equal('inconclusive');
  });
});

describe('checks: podsReady', () => {
  const ready = (extra: { after?: string; count?: number; withinMs?: number } = {}) =>
    check({ kind: 'podsReady', namespace: 'shop', selector: 'app=payments', count: extra.count ?? 2, withinMs: extra.withinMs ?? 5000, ...(extra.after ? { after: extra.after } : {}) });
  const initial = [podEvent('pod-ready', 5, 'payments-a'), podEvent('pod-ready', 6, 'payments-b'), podEvent('pod-ready', 7, 'other-x', 'app=other')];
  const kill = (deletedMs: number, pod = 'payments-a') => fault({ id: 'outage/0', phase: 'outage', kind: 'pod-kill', appliedMs: deletedMs, pods: [{ pod, deletedMs }] });

  it('passes when the Ready count is back to count within the deadline after each kill', async () => {
    const timeline = new Timeline(100);
    // The watch reports the deletion 40 ms after the kill: the killed pod must not count meanwhile.
    const events = [...initial, podEvent('pod-deleted', 10_040, 'payments-a'), podEvent('pod-created', 10_050, 'payments-c'), podEvent('pod-ready', 12_500, 'payments-c')];
    const [result] = (await evaluateChecks([ready({ after: 'outage' })], context(timeline, { events, faults: [kill(10_000)] })));
    expect(result!.verdict).to.equal('passed');
    expect(result!.observed.readyMs).to.equal(2500);
    expect(result!.markers).to.deep.equal({ startMs: 10_000, readyAtMs: 12_500 });
  });

  it('fails past the deadline, and says "never" when the count is never reached', async () => {
    const timeline = new Timeline(100);
    const slow = [...initial, podEvent('pod-deleted', 10_000, 'payments-a'), podEvent('pod-ready', 16_000, 'payments-c')];
    const [late] = (await evaluateChecks([ready({ after: 'outage' })], context(timeline, { events: slow, faults: [kill(10_000)] })));
    expect(late!.verdict).to.equal('failed');
    expect(late!.observed.readyMs).to.equal(6000);
    const never = [...initial, podEvent('pod-deleted', 10_000, 'payments-a'), podEvent('pod-ready', 11_000, 'other-y', 'app=other')];
    const [result] = (await evaluateChecks([ready({ after: 'outage' })], context(timeline, { events: never, faults: [kill(10_000)] })));
    expect(result!.verdict).to.equal('failed');
    expect(result!.observed.readyMs).to.equal('never');
    expect(result!.reason).to.contain('only 1 of 2 pods app=payments');
  });

  it('is inconclusive when observation ended before the deadline; checks from run start without `after`', async () => {
    const timeline = new Timeline(100);
    const events = [...initial, podEvent('pod-deleted', 28_000, 'payments-a')];
    const [cut] = (await evaluateChecks([ready({ after: 'outage' })], context(timeline, { events, faults: [kill(28_000)] })));
    expect(cut!.verdict).to.equal('inconclusive');
    const [start] = (await evaluateChecks([ready({ count: 2, withinMs: 1000 })], context(timeline, { events: initial })));
    expect(start!.verdict).to.equal('passed');
    expect(start!.observed.readyMs).to.equal(6);
  });

  it('falls back to the fault records when no pod event was recorded', async () => {
    const timeline = new Timeline(100);
    const withReplacement = fault({ id: 'outage/0', phase: 'outage', kind: 'pod-kill', pods: [{ pod: 'payments-a', deletedMs: 10_000, replacement: 'payments-c', replacementReadyMs: 13_000 }] });
    const [result] = (await evaluateChecks([ready({ after: 'outage', withinMs: 2000 })], context(timeline, { faults: [withReplacement] })));
    expect(result!.verdict).to.equal('failed');
    expect(result!.observed.readyMs).to.equal(3000);
    const [nothing] = (await evaluateChecks([ready()], context(timeline)));
    expect(nothing!.verdict).to.equal('inconclusive');
  });
});

describe('checks: podsReady without the watch\'s initial state', () => {
  const ready = check({ kind: 'podsReady', namespace: 'shop', selector: 'app=payments', count: 2, withinMs: 5000, after: 'outage' });

  it('judges kills from their records when no pod was reported Ready before the kill', async () => {
    const timeline = new Timeline(100);
    // Only the replacement's events: payments-b, which stayed Ready, is invisible.
    const events = [podEvent('pod-deleted', 10_000, 'payments-a'), podEvent('pod-created', 10_050, 'payments-c'), podEvent('pod-ready', 11_000, 'payments-c')];
    const kill = fault({ id: 'outage/0', phase: 'outage', kind: 'pod-kill', pods: [{ pod: 'payments-a', deletedMs: 10_000, replacement: 'payments-c', replacementReadyMs: 11_000 }] });
    const [result] = (await evaluateChecks([ready], context(timeline, { events, faults: [kill] })));
    expect(result!.verdict).to.equal('passed');
    expect(result!.observed.readyMs).to.equal(1000);
    expect(result!.reason).to.contain('from fault records');
  });

  it('is inconclusive, not failed, when the count is not reached and the initial state is unknown', async () => {
    const timeline = new Timeline(100);
    const events = [podEvent('pod-ready', 12_000, 'payments-c')];
    const [result] = (await evaluateChecks([ready], context(timeline, { events })));
    expect(result!.verdict).to.equal('inconclusive');
    expect(result!.reason).to.contain('no Ready pods at the start of outage');
  });
});
