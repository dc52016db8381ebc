import { expect } from 'chai';
import { evaluateChecks } from '../../src/checks/index.ts';
import { servedByCounts } from '../../src/checks/time-to-failback.ts';
import { ValidationError } from '../../src/errors.ts';
import { parseExperiment } from '../../src/experiment/index.ts';
import { Timeline } from '../../src/timeline/timeline.ts';
import { check, context, fault, feed } from './fixtures.ts';

const failback = (withinMs = 5000, to: readonly string[] = ['payments-primary'], share = 1) =>
  check({ kind: 'timeToFailback', after: 'outage', to, windowMs: 1000, share, withinMs });
const reverted = [fault({ id: 'outage/0', phase: 'outage', appliedMs: 10_000, revertedMs: 20_000 })];
const PRIMARY = 'payments-primary-7c9d-x2b4q';
const SECONDARY = 'payments-secondary-5f6b-q9wz1';

/** Primary before the outage, secondary during it and until `backAtMs`, primary after; every request succeeds. */
function run(backAtMs: number, servedBy?: (t: number, i: number) => string | undefined): Timeline {
  const timeline = new Timeline(100);
  feed(timeline, 0, 30_000, { servedBy: servedBy ?? ((t) => (t >= 10_000 && t < backAtMs ? SECONDARY : PRIMARY)) });
  return timeline;
}

describe('checks: timeToFailback', () => {
  it('measures from the revert to the first moment every later window sends ≥ share to the expected instances', async () => {
    const [result] = await evaluateChecks([failback()], context(run(22_100), { faults: reverted }));
    expect(result!.verdict).to.equal('passed');
    expect(result!.observed).to.deep.equal({ failbackMs: 2100, resolutionMs: 100 });
    expect(result!.expected).to.include({ maxMs: 5000, windowMs: 1000, threshold: 1, to: 'payments-primary' });
    expect(result!.markers).to.deep.equal({ failbackStartMs: 20_000, failbackAtMs: 22_100 });
    expect(result!.reason).to.match(/^failed back after 2\.1 s \(± 100 ms\) ≤ 5 s after outage \(every 1 s window ≥ 100% to payments-primary from then on, n=\d+\)$/);
  });

  it('fails when traffic returns later than `within`', async () => {
    const [result] = await evaluateChecks([failback(2000)], context(run(22_100), { faults: reverted }));
    expect(result!.verdict).to.equal('failed');
    expect(result!.observed.failbackMs).to.equal(2100);
    expect(result!.reason).to.match(/> 2 s after outage/);
  });

  it('fails with "never" when the last window still goes elsewhere', async () => {
    const [result] = await evaluateChecks([failback()], context(run(40_000), { faults: reverted }));
    expect(result!.verdict).to.equal('failed');
    expect(result!.observed.failbackMs).to.equal('never');
    expect(result!.reason).to.match(/^never failed back after outage: the last 1 s window had 0\.00% \(n=100\) to payments-primary, below 100%/);
  });

  it('counts a share: 80 % back on the primary passes share 0.8, fails share 0.9', async () => {
    // After the revert, 8 of every 10 requests go to the primary.
    const split = (t: number, i: number) => (t >= 10_000 && (t < 20_000 || i % 10 >= 8) ? SECONDARY : PRIMARY);
    const [lenient, strictShare] = await evaluateChecks([failback(5000, ['payments-primary'], 0.8), failback(5000, ['payments-primary'], 0.9)], context(run(0, split), { faults: reverted }));
    expect(lenient!.verdict).to.equal('passed');
    expect(lenient!.observed.failbackMs).to.equal(0);
    expect(strictShare!.observed.failbackMs).to.equal('never');
  });

  it('dates failback at the first window that reaches the share: with share 0.9, one bucket early of a clean switch', async () => {
    // Clean switch at 22.1 s: the window 22.0–23.0 s already has 9 of 10 buckets on the primary.
    const [result] = await evaluateChecks([failback(5000, ['payments-primary'], 0.9)], context(run(22_100), { faults: reverted }));
    expect(result!.observed.failbackMs).to.equal(2000);
  });

  it('judges the responses that named a server: failures without the header neither help nor hurt, silence is not failing back', async () => {
    // Back on the primary at 21 s, but half the requests fail (no served-by) from 20 s to the end.
    const timeline = new Timeline(100);
    feed(timeline, 0, 20_000, { servedBy: (t) => (t >= 10_000 ? SECONDARY : PRIMARY) });
    feed(timeline, 20_000, 30_000, { ok: (t) => Math.floor(t / 5) % 2 === 0, servedBy: (t) => (Math.floor(t / 5) % 2 === 0 ? (t >= 21_000 ? PRIMARY : SECONDARY) : undefined) });
    const [result] = await evaluateChecks([failback()], context(timeline, { faults: reverted }));
    expect(result!.observed.failbackMs).to.equal(1000);
    // No response named a server from 20 s to 23 s: failback is dated after the silence.
    const silent = new Timeline(100);
    feed(silent, 0, 20_000, { servedBy: (t) => (t >= 10_000 ? SECONDARY : PRIMARY) });
    feed(silent, 20_000, 23_000, { ok: () => false });
    feed(silent, 23_000, 30_000, { servedBy: () => PRIMARY });
    const [afterSilence] = await evaluateChecks([failback()], context(silent, { faults: reverted }));
    expect(afterSilence!.observed.failbackMs).to.equal(3000);
  });

  it('matches instances by name or name prefix, and accepts several', () => {
    expect(servedByCounts({ [PRIMARY]: 3, 'payments-primary': 1, 'payments-primary2-aaaa-bbbbb': 2, [SECONDARY]: 4 }, ['payments-primary'])).to.deep.equal({ total: 10, successes: 4 });
    expect(servedByCounts({ [PRIMARY]: 3, [SECONDARY]: 4, other: 1 }, ['payments-primary', 'payments-secondary'])).to.deep.equal({ total: 8, successes: 7 });
  });

  it('is inconclusive when the phase did not run or too few responses named a server', async () => {
    const [missing] = await evaluateChecks([failback()], context(run(22_000), { faults: reverted, phases: [] }));
    expect(missing!.verdict).to.equal('inconclusive');
    const sparse = new Timeline(100);
    feed(sparse, 20_000, 30_000, { perBucket: 0.1, servedBy: () => PRIMARY });
    const [few] = await evaluateChecks([failback()], context(sparse, { faults: reverted }));
    expect(few!.verdict).to.equal('inconclusive');
  });

  it('validates: needs load.servedBy, a phase followed by another, and resolves `to` and the default window', () => {
    const yaml = (checkLine: string, servedBy = 'servedBy: x-served-by, ') => `apiVersion: rebound.dev/v1
kind: Experiment
metadata: { name: failback }
target: { endpoints: { app: "http://127.0.0.1:1" } }
load: { rate: 10/s, ${servedBy}requests: [ { url: "{{endpoints.app}}/" } ] }
phases:
  - { name: outage, duration: 2s }
  - { name: recovery, duration: 3s }
checks:
  - ${checkLine}
`;
    const experiment = parseExperiment(yaml('timeToFailback: { after: outage, to: payments-primary, share: 0.9, within: 2s }'), 'failback.yaml');
    expect(experiment.checks[0]!.spec).to.deep.equal({ kind: 'timeToFailback', after: 'outage', to: ['payments-primary'], windowMs: 1000, share: 0.9, withinMs: 2000 });
    expect(experiment.checks[0]!.name).to.equal('fails back to payments-primary within 2s after outage');
    const issues = (text: string) => {
      try {
        parseExperiment(text, 'failback.yaml');
      } catch (error) {
        return (error as ValidationError).issues.map((issue) => `${issue.path}: ${issue.message}`);
      }
      throw new Error('expected a ValidationError');
    };
    expect(issues(yaml('timeToFailback: { after: outage, to: a, share: 0.9, within: 2s }', ''))).to.satisfy((list: string[]) => list.some((m) => m.includes('timeToFailback needs load.servedBy')));
    expect(issues(yaml('timeToFailback: { after: recovery, to: a, share: 0.9, within: 2s }'))).to.satisfy((list: string[]) => list.some((m) => m.startsWith('checks[0].timeToFailback.after:') && m.includes('last phase')));
    expect(issues(yaml('timeToFailback: { after: outage, to: [], share: 1.5, within: 2s }'))).to.satisfy((list: string[]) => list.some((m) => m.startsWith('checks[0].timeToFailback.share')));
  });
});
