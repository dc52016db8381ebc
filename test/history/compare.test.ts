import { expect } from 'chai';
import { wilsonInterval } from '../../src/checks/wilson.ts';
import { compareResults } from '../../src/history/compare.ts';
import { renderComparison } from '../../src/history/render-compare.ts';
import { painter } from '../../src/format/paint.ts';
import type { CheckResult, Result } from '../../src/result/result.ts';
import { makeResult } from '../reporters/fixtures/make-result.ts';

const base = makeResult();

function ratio(successes: number, n: number, verdict: CheckResult['verdict'] = successes / n >= 0.95 ? 'passed' : 'failed', strict = true): CheckResult {
  return { name: 'keeps working', kind: 'successRatio', strict, verdict, reason: `${successes}/${n}`, observed: { ratio: successes / n, successes, failures: n - successes, resolutionMs: 100 }, expected: { min: 0.95 }, n, interval: wilsonInterval(successes, n) };
}

function recovery(recoveryMs: number, verdict: CheckResult['verdict'] = recoveryMs <= 5000 ? 'passed' : 'failed'): CheckResult {
  return { name: 'recovers', kind: 'timeToRecover', strict: true, verdict, reason: `${recoveryMs} ms`, observed: { recoveryMs, resolutionMs: 100 }, expected: { maxMs: 5000 } };
}

const run = (checks: CheckResult[], verdict: Result['verdict'] = checks.some((c) => c.strict && c.verdict === 'failed') ? 'failed' : 'passed'): Result => ({ ...base, verdict, verdictReason: verdict, checks });

describe('compare two runs', () => {
  it('the same run against itself: no regression, every value side by side with a zero delta', () => {
    const a = run([ratio(990, 1000), recovery(800)]);
    const comparison = compareResults(a, a);
    expect(comparison.regressed).to.equal(false);
    expect(comparison.regressions).to.deep.equal([]);
    const values = comparison.checks[0]!.values;
    expect(values.map((v) => v.key)).to.deep.equal(['ratio', 'successes', 'failures']);
    expect(values[0]!.delta).to.equal(0);
  });

  it('a check that passed in A and failed in B is a regression (and so is the run)', () => {
    const comparison = compareResults(run([recovery(800)]), run([recovery(7000)]));
    expect(comparison.regressed).to.equal(true);
    const rules = comparison.regressions.map((r) => r.rule);
    expect(rules).to.include('verdict');
    expect(rules).to.include('run');
  });

  it('a ratio that fell within its confidence intervals is noise; beyond them it is a regression, even when both pass', () => {
    const noise = compareResults(run([ratio(99, 100)]), run([ratio(97, 100)]));
    expect(noise.regressed).to.equal(false);
    const real = compareResults(run([ratio(9990, 10000)]), run([ratio(9700, 10000)]));
    expect(real.checks[0]!.a!.verdict).to.equal('passed');
    expect(real.checks[0]!.b!.verdict).to.equal('passed');
    expect(real.regressions.map((r) => r.rule)).to.deep.equal(['ratio']);
    expect(real.regressed).to.equal(true);
    // The other way round it is an improvement, not a regression.
    expect(compareResults(run([ratio(9700, 10000)]), run([ratio(9990, 10000)])).regressed).to.equal(false);
  });

  it('a time that grew beyond the tolerance is a regression; within it, or by one bucket, it is not', () => {
    expect(compareResults(run([recovery(1000)]), run([recovery(1150)])).regressed).to.equal(false);
    const grew = compareResults(run([recovery(1000)]), run([recovery(1500)]));
    expect(grew.regressions.map((r) => r.rule)).to.deep.equal(['time']);
    expect(grew.regressions[0]!.message).to.match(/recoveryMs grew 1000 → 1500 ms \(\+50 %\)/);
    expect(compareResults(run([recovery(1000)]), run([recovery(1500)]), { timeTolerance: 0.6 }).regressed).to.equal(false);
    // 100 → 200 ms is +100 %, but one 100 ms bucket: the resolution, not a change.
    expect(compareResults(run([recovery(100)]), run([recovery(200)])).regressed).to.equal(false);
  });

  it('an advisory check regressing is reported but does not decide', () => {
    const comparison = compareResults(run([ratio(990, 1000, 'passed', false)]), run([ratio(500, 1000, 'failed', false)]));
    expect(comparison.regressions.length).to.be.greaterThan(0);
    expect(comparison.regressed).to.equal(false);
  });

  it('checks only in one run are noted; the console table shows both sides and the regression', () => {
    const comparison = compareResults(run([ratio(990, 1000), recovery(800)]), run([ratio(990, 1000)]));
    expect(comparison.notes).to.deep.equal(['check "recovers" is not in B']);
    const text = renderComparison(compareResults(run([recovery(1000)]), run([recovery(3000)])), painter(false));
    expect(text).to.match(/recovers\s+passed → passed\s+recoveryMs\s+1000 ms\s+3000 ms\s+\+2000 ms/);
    expect(text).to.match(/REGRESSION {2}recovers: recoveryMs grew/);
    expect(text).not.to.match(/\u001b\[/);
    expect(renderComparison(compareResults(run([recovery(1000)]), run([recovery(3000)])), painter(true))).to.match(/\u001b\[31mREGRESSION/);
  });
});
