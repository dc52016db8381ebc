import { expect } from 'chai';
import { evaluateChecks } from '../../src/checks/index.ts';
import { Timeline } from '../../src/timeline/timeline.ts';
import { check, context, feed } from './fixtures.ts';

describe('checks: successRatio and failureRatio', () => {
  it('passes on the point estimate and reports n and the 95% Wilson interval', async () => {
    const timeline = new Timeline(100);
    // outage: 1000 requests, the first 5 of every 1000 ms fail → 995/1000 → 99.5%
    feed(timeline, 10_000, 20_000, { ok: (t) => t % 1000 >= 5 });
    const [result] = (await evaluateChecks([check({ kind: 'successRatio', scope: { phase: 'outage' }, min: 0.99 })], context(timeline)));
    expect(result!.verdict).to.equal('passed');
    expect(result!.n).to.equal(1000);
    expect(result!.observed.ratio).to.equal(0.99);
    expect(result!.interval![0]).to.be.closeTo(0.9817, 5e-4);
    expect(result!.interval![1]).to.be.closeTo(0.9946, 5e-4);
    expect(result!.reason).to.equal('success ratio 99.00% ≥ 99% (n=1000, 95% CI 98.2–99.5%)');
  });

  it('fails below min and counts only the scope', async () => {
    const timeline = new Timeline(100);
    feed(timeline, 0, 10_000); // baseline all good
    feed(timeline, 10_000, 20_000, { ok: (t) => t >= 12_000 }); // outage: 2s of 10s fail
    const results = (await evaluateChecks(
      [
        check({ kind: 'successRatio', scope: { phase: 'outage' }, min: 0.9 }),
        check({ kind: 'successRatio', scope: { phase: 'outage', fromMs: 2000 }, min: 0.999 }),
        check({ kind: 'successRatio', scope: { phase: 'outage', fromMs: 1000, toMs: 3000 }, min: 0.6 }),
        check({ kind: 'failureRatio', scope: { phase: 'outage' }, max: 0.1 }),
        check({ kind: 'failureRatio', scope: { phase: 'baseline' }, max: 0 }),
      ],
      context(timeline),
    ));
    expect(results.map((r) => r.verdict)).to.deep.equal(['failed', 'passed', 'failed', 'failed', 'passed']);
    expect(results[0]!.reason).to.match(/^success ratio 80\.00% < 90% \(n=1000, 95% CI 77\.4–82\.4%\)$/);
    expect(results[1]!.n).to.equal(800);
    expect(results[2]!.n).to.equal(200);
    expect(results[2]!.observed.ratio).to.equal(0.5);
    expect(results[3]!.observed.ratio).to.be.closeTo(0.2, 1e-12);
    expect(results[3]!.reason).to.match(/^failure ratio 20\.00% > 10%/);
  });

  it('never prints a failing ratio rounded onto its threshold', async () => {
    const timeline = new Timeline(100);
    let fed = 0;
    feed(timeline, 10_000, 20_000, { perBucket: 2500, ok: () => fed++ !== 0 }); // 1 failure in 250,000
    const failing = () => {
      let i = 0;
      return () => i++ >= 1025; // 1,025 failures in 102,400
    };
    const close = new Timeline(100);
    feed(close, 10_000, 20_000, { perBucket: 1024, ok: failing() });
    const [perfect] = await evaluateChecks([check({ kind: 'successRatio', scope: { phase: 'outage' }, min: 1 })], context(timeline));
    const [min, max] = await evaluateChecks(
      [check({ kind: 'successRatio', scope: { phase: 'outage' }, min: 0.99 }), check({ kind: 'failureRatio', scope: { phase: 'outage' }, max: 0.01 })],
      context(close),
    );
    expect(perfect!.verdict).to.equal('failed');
    expect(perfect!.reason).to.match(/^success ratio 99\.9996% < 100% \(n=250000, 95% CI 99\.998–99\.9999%\)$/);
    expect(min!.reason).to.match(/^success ratio 98\.999% < 99% \(n=102400, 95% CI /);
    expect(max!.reason).to.match(/^failure ratio 1\.001% > 1% \(n=102400, 95% CI /);
  });

  it('is inconclusive, never passed, below minSamples — even when every sample succeeded', async () => {
    const timeline = new Timeline(100);
    feed(timeline, 10_000, 10_500, { perBucket: 2 }); // 10 samples, all ok
    const [result] = (await evaluateChecks([check({ kind: 'successRatio', scope: { phase: 'outage' }, min: 0.5 })], context(timeline)));
    expect(result!.verdict).to.equal('inconclusive');
    expect(result!.n).to.equal(10);
    expect(result!.reason).to.contain('only 10 samples').and.contain('minSamples 20');
  });

  it('is inconclusive for a phase that did not run or a fault phase with no samples at all', async () => {
    const timeline = new Timeline(100);
    feed(timeline, 0, 10_000);
    const results = (await evaluateChecks(
      [check({ kind: 'successRatio', scope: { phase: 'outage' }, min: 0.9 }), check({ kind: 'failureRatio', scope: { phase: 'cooldown' }, max: 0.1 })],
      context(timeline),
    ));
    expect(results.map((r) => r.verdict)).to.deep.equal(['inconclusive', 'inconclusive']);
    expect(results[0]!.n).to.equal(0);
    expect(results[1]!.reason).to.equal('phase "cooldown" did not run');
  });

  it('snaps late phase boundaries to the bucket grid (a timer firing 3 ms late loses no bucket)', async () => {
    const timeline = new Timeline(100);
    feed(timeline, 10_000, 10_100, { ok: () => false }); // the first bucket of outage: all failures
    feed(timeline, 10_100, 20_000);
    const phases = [{ ...context(timeline).phases[1]!, startMs: 10_003, endMs: 20_004 }];
    const [result] = (await evaluateChecks([check({ kind: 'successRatio', scope: { phase: 'outage' }, min: 0.999 })], context(timeline, { phases })));
    expect(result!.n).to.equal(1000);
    expect(result!.verdict).to.equal('failed');
  });
});
