import { expect } from 'chai';
import { wilsonInterval } from '../../src/checks/wilson.ts';
import { combineRepeats, requiredPasses, type RepeatRecord } from '../../src/history/repeat-verdict.ts';
import type { CheckResult, Result } from '../../src/result/result.ts';
import { makeResult } from '../reporters/fixtures/make-result.ts';

const base = makeResult();

function ratioCheck(successes: number, n: number, min = 0.95, strict = true): CheckResult {
  const ratio = successes / n;
  return {
    name: 'keeps working',
    kind: 'successRatio',
    strict,
    verdict: ratio >= min ? 'passed' : 'failed',
    reason: '',
    observed: { ratio, successes, failures: n - successes },
    expected: { min },
    n,
    interval: wilsonInterval(successes, n),
  };
}

function timeCheck(verdict: CheckResult['verdict'], recoveryMs: number | null): CheckResult {
  return { name: 'recovers', kind: 'timeToRecover', strict: true, verdict, reason: '', observed: { recoveryMs }, expected: { maxMs: 2000 } };
}

function repeat(index: number, checks: CheckResult[], verdict: Result['verdict'] = checks.some((c) => c.verdict === 'failed') ? 'failed' : 'passed'): RepeatRecord {
  return { index, result: { ...base, verdict, verdictReason: verdict, checks } };
}

describe('verdict across repeats', () => {
  it('⌈q·N⌉ passes are required, at least one', () => {
    expect(requiredPasses(1, 3)).to.equal(3);
    expect(requiredPasses(0.9, 10)).to.equal(9);
    expect(requiredPasses(0.5, 3)).to.equal(2);
    expect(requiredPasses(0.01, 3)).to.equal(1);
  });

  it('a ratio check is judged on the pooled counts and their Wilson lower bound, not on each repeat', () => {
    // Each repeat alone is 96 % of 100 (passes 95 % on its point estimate); pooled 288/300.
    const combined = combineRepeats([1, 2, 3].map((i) => repeat(i, [ratioCheck(96, 100)])), 1);
    const check = combined.checks[0]!;
    expect(check.method).to.equal('pooled-wilson');
    expect(check.pooled).to.include({ hits: 288, n: 300, bound: 'min', limit: 0.95 });
    const [low] = wilsonInterval(288, 300);
    expect(check.pooled!.interval[0]).to.equal(low);
    // 96 % pooled, but the lower bound (≈ 93.1 %) does not clear 95 %: more repeats would tell.
    expect(low).to.be.below(0.95);
    expect(check.verdict).to.equal('inconclusive');
    expect(combined.verdict).to.equal('inconclusive');
  });

  it('pooled: passes when the lower bound clears the SLO, fails when the pooled ratio is below it', () => {
    const pass = combineRepeats([1, 2, 3].map((i) => repeat(i, [ratioCheck(995, 1000)])), 1);
    expect(pass.checks[0]!.verdict).to.equal('passed');
    expect(pass.verdict).to.equal('passed');
    const fail = combineRepeats([repeat(1, [ratioCheck(990, 1000)]), repeat(2, [ratioCheck(900, 1000)]), repeat(3, [ratioCheck(920, 1000)])], 1);
    expect(fail.checks[0]!.pooled!.hits).to.equal(2810);
    expect(fail.checks[0]!.verdict).to.equal('failed');
    expect(fail.verdict).to.equal('failed');
    expect(fail.reason).to.match(/keeps working/);
  });

  it('a max-ratio check mirrors it on the upper bound', () => {
    const check: CheckResult = { ...ratioCheck(2, 1000), kind: 'failureRatio', observed: { ratio: 0.002 }, expected: { max: 0.01 }, verdict: 'passed' };
    const combined = combineRepeats([1, 2].map((i) => repeat(i, [check])), 1);
    expect(combined.checks[0]!.pooled).to.include({ bound: 'max', hits: 4, n: 2000 });
    expect(combined.checks[0]!.verdict).to.equal('passed');
  });

  it('a timing check passes only when every repeat does, or the stated quantile of them', () => {
    const repeats = [repeat(1, [timeCheck('passed', 800)]), repeat(2, [timeCheck('failed', 2600)]), repeat(3, [timeCheck('passed', 900)])];
    const every = combineRepeats(repeats, 1);
    expect(every.checks[0]!).to.include({ method: 'quantile', verdict: 'failed', passedRepeats: 2, requiredRepeats: 3 });
    expect(every.verdict).to.equal('failed');
    const twoThirds = combineRepeats(repeats, 0.6);
    expect(twoThirds.checks[0]!).to.include({ verdict: 'passed', requiredRepeats: 2 });
    expect(twoThirds.verdict).to.equal('passed');
  });

  it('an inconclusive repeat is evidence for nothing: reported as untrusted, excluded from pooling', () => {
    const repeats = [repeat(1, [ratioCheck(999, 1000), timeCheck('passed', 500)]), repeat(2, [ratioCheck(100, 1000), timeCheck('failed', 9000)], 'inconclusive'), repeat(3, [ratioCheck(999, 1000), timeCheck('passed', 500)])];
    const combined = combineRepeats(repeats, 1);
    const [ratio, time] = combined.checks;
    expect(ratio!.perRepeat).to.deep.equal(['passed', 'untrusted', 'passed']);
    expect(ratio!.pooled!.n).to.equal(2000);
    // Every repeat is required; the untrusted one might have passed or failed.
    expect(time!.verdict).to.equal('inconclusive');
    expect(combined.verdict).to.equal('inconclusive');
    expect(combineRepeats(repeats, 0.6).verdict).to.equal('passed');
  });

  it('an errored or aborted repeat decides the combined verdict; advisory checks never do', () => {
    expect(combineRepeats([repeat(1, [timeCheck('passed', 1)]), repeat(2, [timeCheck('passed', 1)], 'error')], 0.5).verdict).to.equal('error');
    expect(combineRepeats([repeat(1, [timeCheck('passed', 1)], 'aborted')], 1).verdict).to.equal('aborted');
    const advisory = combineRepeats([1, 2].map((i) => repeat(i, [ratioCheck(10, 100, 0.95, false)])), 1);
    expect(advisory.checks[0]!.verdict).to.equal('failed');
    expect(advisory.verdict).to.equal('passed');
  });

  it('no repeat with a result: inconclusive', () => {
    expect(combineRepeats([{ index: 1 }], 1).verdict).to.equal('inconclusive');
    expect(combineRepeats([], 1).verdict).to.equal('inconclusive');
  });
});
