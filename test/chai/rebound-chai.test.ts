import * as chai from 'chai';
import { expect } from 'chai';
import { reboundChai } from '../../src/chai/index.ts';
import { successRatioCheck } from '../../src/checks/success-ratio.ts';
import { timeToRecoverCheck } from '../../src/checks/time-to-recover.ts';
import type { CheckResult } from '../../src/result/result.ts';
import { check, context } from '../checks/fixtures.ts';
import { buildRun, type BuiltRun } from './run-result.ts';

chai.use(reboundChai);

/** The AssertionError message of `assertion`, which must fail. */
function failureOf(assertion: () => unknown): string {
  try {
    assertion();
  } catch (error) {
    expect(error, 'an AssertionError, not a crash').to.be.instanceOf(chai.AssertionError);
    return (error as Error).message;
  }
  throw new Error('expected the assertion to fail, but it passed');
}

/**
 * baseline 2 s, 90 % on the primary; outage 3 s with the primary's proxy down: its first 300 ms fail
 * (connection refused), then the secondary serves at 250 ms; recovery 3 s: its first 400 ms fail,
 * then the primary again. 10 requests per 100 ms bucket.
 */
function failoverRun(extra: Parameters<typeof buildRun>[1] = {}): BuiltRun {
  return buildRun(
    [
      { name: 'baseline', durationMs: 2000, traffic: { servedBy: (_t, i) => (i % 10 === 0 ? 'payments-secondary' : 'payments-primary') } },
      {
        name: 'outage',
        durationMs: 3000,
        fault: true,
        traffic: { ok: (t) => t >= 2300, latencyMs: (t) => (t >= 2300 ? 250 : 1), servedBy: (t) => (t >= 2300 ? 'payments-secondary' : undefined) },
      },
      { name: 'recovery', durationMs: 3000, traffic: { ok: (t) => t >= 5400, servedBy: (t) => (t >= 5400 ? 'payments-primary' : undefined) } },
      { name: 'quiet', durationMs: 1000, traffic: { perBucket: 1 } },
    ],
    extra,
  );
}

describe('chai plugin: SLO assertions over a Result', () => {
  const run = failoverRun();
  const { result } = run;

  describe('success and failure ratios', () => {
    it('passes and fails on the success ratio of a phase, the message carrying observed value, n and the 95 % interval', () => {
      expect(result).phase('outage').successRatio.at.least(0.9);
      expect(result).phase('baseline').successRatio.to.be.above(0.99);
      expect(failureOf(() => expect(result).phase('outage').successRatio.at.least(0.99))).to.equal(
        'expected success ratio in phase "outage" ≥ 99.00 %, observed 90.00 % (n = 300, 95 % CI 86.1–92.9 %)',
      );
    });

    it('measures what the successRatio check measures on the run itself', () => {
      const fromCheck = successRatioCheck.evaluate(check({ kind: 'successRatio', scope: { phase: 'outage' }, min: 0.99 }), context(run.timeline, { phases: result.phases })) as CheckResult;
      expect(fromCheck.n).to.equal(300);
      expect(fromCheck.observed.ratio).to.equal(0.9);
      expect(failureOf(() => expect(result).phase('outage').successRatio.at.least(0.99))).to.contain(`n = ${fromCheck.n}`);
    });

    it('failure ratio, negation and the other comparisons', () => {
      expect(result).phase('outage').failureRatio.at.most(0.1);
      expect(result).phase('outage').failureRatio.to.be.below(0.11);
      expect(result).phase('outage').successRatio.not.to.be.at.least(0.95);
      expect(failureOf(() => expect(result).phase('outage').failureRatio.at.most(0.05))).to.equal(
        'expected failure ratio in phase "outage" ≤ 5.00 %, observed 10.00 % (n = 300, 95 % CI 7.1–13.9 %)',
      );
      expect(failureOf(() => expect(result).phase('outage').successRatio.not.at.least(0.5))).to.match(/^expected success ratio in phase "outage" < 50\.00 %, observed 90\.00 %/);
    });

    it('a window of the phase, as a check’s from/to', () => {
      // The outage's first 300 ms fail: from 500 ms on, every request succeeds.
      expect(result).phase('outage', { from: '500ms' }).successRatio.to.equal(1);
      expect(failureOf(() => expect(result).phase('outage', { to: '1s' }).successRatio.at.least(0.99))).to.equal(
        'expected success ratio in phase "outage" [0ms, 1s) ≥ 99.00 %, observed 70.00 % (n = 100, 95 % CI 60.4–78.1 %)',
      );
      expect(() => expect(result).phase('outage', { from: '2s', to: '1s' }).successRatio).to.throw(TypeError, /must come before/);
      expect(() => expect(result).phase('outage', { from: '1s' }).latency.p(95)).to.throw(TypeError, /not per window/);
    });

    it('a phase with fewer samples than minSamples is inconclusive: it fails either way', () => {
      const message = failureOf(() => expect(result).phase('quiet').successRatio.at.least(0.5));
      expect(message).to.equal('expected success ratio in phase "quiet" ≥ 50.00 %, but only 10 samples (fewer than minSamples 20): inconclusive');
      expect(() => expect(result).phase('quiet').successRatio.not.at.least(0.5)).to.throw(chai.AssertionError, /inconclusive/);
      expect(result).phase('quiet', { minSamples: 10 }).successRatio.at.least(1);
    });

    it('an unknown phase names the phases that ran; a ratio outside 0–1 is a usage error', () => {
      expect(failureOf(() => expect(result).phase('outtage').successRatio.at.least(0.9))).to.equal(
        'expected a phase "outtage" in the result of payments-failover, but it did not run (phases that ran: "baseline", "outage", "recovery", "quiet")',
      );
      expect(() => expect(result).phase('outage').successRatio.at.least(99)).to.throw(TypeError, /expected a ratio between 0 and 1/);
      expect(() => expect(result).successRatio).to.throw(TypeError, /needs a phase first/);
      expect(failureOf(() => expect({ verdict: 'passed' }).phase('outage'))).to.match(/expected a Rebound Result/);
    });

    it('leaves chai’s own comparisons on plain numbers alone', () => {
      expect(5).to.be.at.least(3);
      expect(2).to.be.below(3);
      expect(failureOf(() => expect(2).to.be.at.least(3))).to.equal('expected 2 to be at least 3');
    });
  });

  describe('latency percentiles', () => {
    it('compares a phase percentile with a duration', () => {
      expect(result).phase('outage').latency.p(95).at.most('300ms');
      expect(result).phase('baseline').latency.p(99).to.be.below(50);
      expect(failureOf(() => expect(result).phase('outage').latency.p(95).at.most('200ms'))).to.equal(
        'expected p95 latency in phase "outage" ≤ 200 ms, observed 250 ms (n = 300)',
      );
    });

    it('refuses a percentile the result does not keep', () => {
      expect(() => expect(result).phase('outage').latency.p(97)).to.throw(TypeError, /keeps p50, p90, p95, p99 and the maximum/);
      expect(() => expect(result).phase('outage').latency.p(95).at.most('soon')).to.throw(TypeError, /expected a duration/);
    });
  });

  describe('time to fail over and to recover', () => {
    it('recoverWithin(max).after(phase) judges as the timeToRecover check does', () => {
      const fromCheck = timeToRecoverCheck.evaluate(
        check({ kind: 'timeToRecover', after: 'outage', windowMs: 1000, threshold: 0.99, maxMs: 5000 }),
        context(run.timeline, { phases: result.phases, faults: run.faults, loadEndMs: run.loadEndMs }),
      ) as CheckResult;
      expect(fromCheck.observed.recoveryMs).to.equal(400);
      expect(result).to.recoverWithin('5s').after('outage');
      expect(result).to.recoverWithin(400).after('outage');
      const message = failureOf(() => expect(result).to.recoverWithin('300ms').after('outage'));
      expect(message).to.equal(`expected time to recover after "outage" ≤ 300 ms (every 1 s window ≥ 99.00 %), observed: ${fromCheck.reason.replace('≤ 5 s', '> 300 ms')}`);
      expect(message).to.contain('recovered after 400 ms (± 100 ms) > 300 ms after outage');
    });

    it('failOverWithin(max).during(phase)', () => {
      expect(result).to.failOverWithin('2s').during('outage');
      expect(failureOf(() => expect(result).to.failOverWithin('200ms').during('outage'))).to.match(
        /^expected time to fail over in "outage" ≤ 200 ms \(every 1 s window ≥ 99\.00 %\), observed: failed over after 300 ms \(± 100 ms\) > 200 ms in outage/,
      );
      expect(failureOf(() => expect(result).to.failOverWithin('2s', { threshold: 1, window: '3s' }).during('outage'))).to.match(/never failed over in outage/);
    });

    it('a phase that never recovers, and a misuse of after/during', () => {
      const broken = buildRun([
        { name: 'outage', durationMs: 1000, fault: true, traffic: { ok: () => false } },
        { name: 'recovery', durationMs: 2000, traffic: { ok: () => false } },
      ]).result;
      expect(failureOf(() => expect(broken).to.recoverWithin('5s').after('outage'))).to.match(/observed: never recovered after outage: the last 1 s window had 0\.00% \(n=100\)/);
      expect(() => expect(result).to.recoverWithin('5s').during('outage')).to.throw(TypeError, /recoverWithin\(\) takes \.after\(phase\)/);
      expect(() => expect(result).to.after('outage')).to.throw(TypeError, /follows recoverWithin/);
    });
  });

  describe('served-by', () => {
    it('haveServedBy(instance).during(phase), with the counts in the message', () => {
      expect(result).to.haveServedBy('payments-secondary').during('outage');
      expect(result).to.haveServedBy('payments-secondary', { atLeast: 1 }).during('outage');
      expect(result).not.to.haveServedBy('payments-primary').during('outage');
      // Pod names count toward their workload, as in trafficSplit checks.
      expect(result).to.haveServedBy('payments').during('baseline');
      expect(result).not.to.haveServedBy('payments-prim').during('baseline');
      expect(failureOf(() => expect(result).to.haveServedBy('payments-primary').during('outage'))).to.equal(
        'expected phase "outage" to have been served by "payments-primary" (at least one response), observed 0 of 300 requests (served by payments-secondary 270)',
      );
      expect(result).to.haveServedBy('payments-primary', { atLeast: 0.9 }).during('baseline');
      expect(failureOf(() => expect(result).to.haveServedBy('payments-primary', { atLeast: 0.95 }).during('baseline'))).to.equal(
        'expected phase "baseline" to have been served by "payments-primary" (at least 95.00 % of its responses), observed 180 of 200 requests, 90.00 % of the 200 that named who served them (served by payments-primary 180, payments-secondary 20)',
      );
    });
  });

  describe('pass()', () => {
    it('passes on a passed run and lists every check that did not pass otherwise', () => {
      expect(result).to.pass();
      const failed = failoverRun({
        verdict: 'failed',
        verdictReason: 'checkout keeps working: success ratio 90.00% < 99% (n=300, 95% CI 86.1–92.9%)',
        checks: [
          { name: 'checkout keeps working', kind: 'successRatio', strict: true, verdict: 'failed', reason: 'success ratio 90.00% < 99% (n=300, 95% CI 86.1–92.9%)', observed: { ratio: 0.9 }, expected: { min: 0.99 }, n: 300, interval: [0.861, 0.929] },
          { name: 'fails over fast', kind: 'timeToFailover', strict: true, verdict: 'passed', reason: 'failed over after 300 ms', observed: { failoverMs: 300 }, expected: { maxMs: 2000 } },
          { name: 'p99 latency', kind: 'latency', strict: false, verdict: 'inconclusive', reason: 'only 3 samples', observed: {}, expected: {} },
        ],
      }).result;
      expect(failureOf(() => expect(failed).to.pass())).to.equal(
        [
          'expected payments-failover to pass, but its verdict is failed: checkout keeps working: success ratio 90.00% < 99% (n=300, 95% CI 86.1–92.9%)',
          '  ✗ checkout keeps working [successRatio, failed]: success ratio 90.00% < 99% (n=300, 95% CI 86.1–92.9%)',
          '  ✗ p99 latency [latency, inconclusive, advisory]: only 3 samples',
        ].join('\n'),
      );
      expect(failed).not.to.pass();
    });
  });
});
