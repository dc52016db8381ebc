import { expect } from 'chai';
import { evaluateChecks } from '../../src/checks/index.ts';
import { Timeline } from '../../src/timeline/timeline.ts';
import { check, context, fault, feed } from './fixtures.ts';

const failover = (maxMs = 2000, extra = {}) => check({ kind: 'timeToFailover', phase: 'outage', windowMs: 1000, threshold: 0.99, maxMs }, extra);
const recover = (maxMs = 2000) => check({ kind: 'timeToRecover', after: 'outage', windowMs: 1000, threshold: 0.99, maxMs });
const applied = [fault({ id: 'outage/0', phase: 'outage', appliedMs: 10_000, revertedMs: 20_000 })];

/** baseline ok; outage fails while `bad(t)`; recovery ok. */
function run(bad: (t: number) => boolean): Timeline {
  const timeline = new Timeline(100);
  feed(timeline, 0, 30_000, { ok: (t) => !bad(t) });
  return timeline;
}

describe('checks: timeToFailover', () => {
  it('measures from the fault being applied to the first moment every later window holds', async () => {
    const [result] = (await evaluateChecks([failover()], context(run((t) => t >= 10_000 && t < 11_500), { faults: applied })));
    expect(result!.verdict).to.equal('passed');
    expect(result!.observed.failoverMs).to.equal(1500);
    expect(result!.observed.resolutionMs).to.equal(100);
    expect(result!.markers).to.deep.equal({ faultAppliedMs: 10_000, failoverAtMs: 11_500 });
    expect(result!.reason).to.match(/^failed over after 1\.5 s \(± 100 ms\) ≤ 2 s in outage \(every 1 s window ≥ 99% from then on, n=\d+\)$/);
  });

  it('does not count a flapping recovery as recovered at its first good window', async () => {
    // bad 10–11 s, good 11–12 s (a whole good window), bad again 12–12.5 s, then good.
    const timeline = run((t) => (t >= 10_000 && t < 11_000) || (t >= 12_000 && t < 12_500));
    const [result] = (await evaluateChecks([failover()], context(timeline, { faults: applied })));
    expect(result!.observed.failoverMs).to.equal(2500);
    expect(result!.verdict).to.equal('failed');
    expect(result!.reason).to.match(/^failed over after 2\.5 s \(± 100 ms\) > 2 s in outage/);
  });

  it('fails with "never" when the last window of the phase is still below the threshold', async () => {
    const [result] = (await evaluateChecks([failover()], context(run((t) => t >= 10_000 && t < 19_500), { faults: applied })));
    expect(result!.verdict).to.equal('failed');
    expect(result!.observed.failoverMs).to.equal('never');
    expect(result!.reason).to.match(/^never failed over in outage: the last 1 s window had 50\.00% \(n=100\)/);
  });

  it('treats windows without samples as failing: silence is not recovery', async () => {
    const timeline = new Timeline(100);
    feed(timeline, 0, 10_000);
    feed(timeline, 12_000, 30_000); // nothing at all scheduled/recorded in 10–12 s
    const [result] = (await evaluateChecks([failover()], context(timeline, { faults: applied })));
    expect(result!.observed.failoverMs).to.equal(2000);
  });

  it('is inconclusive when the phase has fewer than minSamples samples', async () => {
    const timeline = new Timeline(100);
    feed(timeline, 10_000, 20_000, { perBucket: 0.1 }); // 10 samples in 10 s
    const [result] = (await evaluateChecks([failover()], context(timeline, { faults: applied })));
    expect(result!.verdict).to.equal('inconclusive');
    expect(result!.n).to.equal(10);
  });

  it('handles the phase edges: recovery just in time for the last window, or one bucket too late', async () => {
    const justInTime = (await evaluateChecks([failover(10_000)], context(run((t) => t >= 10_000 && t < 19_000), { faults: applied })))[0]!;
    expect(justInTime.observed.failoverMs).to.equal(9000);
    const tooLate = (await evaluateChecks([failover(10_000)], context(run((t) => t >= 10_000 && t < 19_100), { faults: applied })))[0]!;
    expect(tooLate.observed.failoverMs).to.equal('never');
    // Failures after the phase (in recovery) are not the outage's business.
    const after = (await evaluateChecks([failover()], context(run((t) => t >= 20_000 && t < 21_000), { faults: applied })))[0]!;
    expect(after.observed.failoverMs).to.equal(0);
  });

  it('says "within the first bucket" for a time below the bucket resolution, never "after 0ms"', async () => {
    const [instant] = (await evaluateChecks([failover()], context(run(() => false), { faults: applied })));
    expect(instant!.verdict).to.equal('passed');
    expect(instant!.observed.failoverMs).to.equal(0);
    expect(instant!.reason).to.match(/^failed over within the first 100 ms bucket in outage, ≤ 2 s \(every 1 s window ≥ 99% from then on, n=\d+\)$/);
    expect(instant!.reason).not.to.match(/after 0\s*ms/);
    // A fault applied mid-bucket, failures in that bucket only: stable from the next boundary, 50 ms later.
    const midBucket = [fault({ id: 'outage/0', phase: 'outage', appliedMs: 10_050, revertedMs: 20_000 })];
    const [partial] = (await evaluateChecks([failover()], context(run((t) => t >= 10_000 && t < 10_100), { faults: midBucket })));
    expect(partial!.observed.failoverMs).to.equal(50);
    expect(partial!.reason).to.match(/^failed over within the first 100 ms bucket in outage/);
    // Exactly one bucket is measurable: it reads as a time, with its resolution.
    const [oneBucket] = (await evaluateChecks([failover()], context(run((t) => t >= 10_000 && t < 10_100), { faults: applied })));
    expect(oneBucket!.observed.failoverMs).to.equal(100);
    expect(oneBucket!.reason).to.match(/^failed over after 100 ms \(± 100 ms\) ≤ 2 s in outage/);
  });

  it('measures from a fault applied late in its phase, and is inconclusive when no fault applied', async () => {
    const late = [fault({ id: 'outage/0', phase: 'outage', appliedMs: 10_250, revertedMs: 20_000 })];
    const [result] = (await evaluateChecks([failover()], context(run((t) => t >= 10_250 && t < 11_000), { faults: late })));
    expect(result!.observed.failoverMs).to.equal(750);
    const failedToApply = [fault({ id: 'outage/0', phase: 'outage', applyError: 'proxy not found' })];
    const [none] = (await evaluateChecks([failover()], context(run(() => false), { faults: failedToApply })));
    expect(none!.verdict).to.equal('inconclusive');
    expect(none!.reason).to.contain('no fault of phase "outage" was applied');
  });
});

describe('checks: timeToRecover', () => {
  it('measures from the revert to the first moment every window until load end holds', async () => {
    const [result] = (await evaluateChecks([recover()], context(run((t) => t >= 10_000 && t < 21_200), { faults: applied })));
    expect(result!.verdict).to.equal('passed');
    expect(result!.observed.recoveryMs).to.equal(1200);
    expect(result!.markers).to.deep.equal({ recoveryStartMs: 20_000, recoveredAtMs: 21_200 });
    expect(result!.reason).to.match(/^recovered after 1\.2 s \(± 100 ms\) ≤ 2 s after outage \(every 1 s window ≥ 99% from then on, n=\d+\)$/);
  });

  it('says "within the first bucket" when the service was fine right after the revert, never "after 0ms"', async () => {
    const [result] = (await evaluateChecks([recover()], context(run((t) => t >= 10_000 && t < 20_000), { faults: applied })));
    expect(result!.verdict).to.equal('passed');
    expect(result!.observed.recoveryMs).to.equal(0);
    expect(result!.observed.resolutionMs).to.equal(100);
    expect(result!.reason).to.match(/^recovered within the first 100 ms bucket after outage, ≤ 2 s \(every 1 s window ≥ 99% from then on, n=\d+\)$/);
  });

  it('a relapse late in the run pushes recovery past it; one in the last window means never', async () => {
    const relapse = (await evaluateChecks([recover()], context(run((t) => (t >= 10_000 && t < 20_500) || (t >= 24_000 && t < 24_100)), { faults: applied })))[0]!;
    expect(relapse.observed.recoveryMs).to.equal(4100);
    expect(relapse.verdict).to.equal('failed');
    const last = (await evaluateChecks([recover()], context(run((t) => t >= 29_500), { faults: applied })))[0]!;
    expect(last.observed.recoveryMs).to.equal('never');
  });

  it('for a pod kill, measures from the last pod deletion', async () => {
    const kill = fault({
      id: 'outage/0',
      phase: 'outage',
      kind: 'pod-kill',
      appliedMs: 10_000,
      revertedMs: 20_000,
      pods: [
        { pod: 'payments-a', deletedMs: 10_000 },
        { pod: 'payments-b', deletedMs: 15_000 },
      ],
    });
    const [result] = (await evaluateChecks([recover(10_000)], context(run((t) => t >= 15_000 && t < 16_000), { faults: [kill] })));
    expect(result!.markers!.recoveryStartMs).to.equal(15_000);
    expect(result!.observed.recoveryMs).to.equal(1000);
  });

  it('counts from the phase end when the phase had no faults', async () => {
    const [result] = (await evaluateChecks([recover()], context(run((t) => t < 20_300), { faults: [] })));
    expect(result!.observed.recoveryMs).to.equal(300);
  });
});
