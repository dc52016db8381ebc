import { expect } from 'chai';
import { decideVerdict, evaluateChecks } from '../../src/checks/index.ts';
import type { CheckContext } from '../../src/checks/check-kind.ts';
import type { CheckResult, CheckVerdict } from '../../src/result/result.ts';
import { exitCodeFor } from '../../src/result/exit-codes.ts';
import { Timeline } from '../../src/timeline/timeline.ts';
import { check, context } from './fixtures.ts';

const result = (name: string, verdict: CheckVerdict, strict = true): CheckResult => ({ name, kind: 'successRatio', strict, verdict, reason: `${name} was ${verdict}`, observed: {}, expected: {} });

describe('decideVerdict', () => {
  it('passes when every strict check passed', async () => {
    expect(decideVerdict({ checks: [result('a', 'passed'), result('b', 'passed')] })).to.deep.equal({ verdict: 'passed', reason: 'all 2 strict checks passed' });
  });

  it('orders error > aborted > failed > inconclusive > passed, naming the first deciding check', async () => {
    const checks = [result('ok', 'passed'), result('unsure', 'inconclusive'), result('slow', 'failed'), result('slower', 'failed')];
    expect(decideVerdict({ checks })).to.deep.equal({ verdict: 'failed', reason: 'check "slow" failed: slow was failed (and 1 more)' });
    expect(decideVerdict({ checks, aborted: { reason: 'success ratio below 50% for 5s' } }).verdict).to.equal('aborted');
    expect(decideVerdict({ checks, aborted: { reason: 'x' }, error: { message: 'toxiproxy unreachable' } })).to.deep.equal({ verdict: 'error', reason: 'harness error: toxiproxy unreachable' });
    expect(decideVerdict({ checks: [result('ok', 'passed'), result('unsure', 'inconclusive')] }).reason).to.equal('check "unsure" is inconclusive: unsure was inconclusive');
    expect(decideVerdict({ checks: [result('broken', 'error'), result('slow', 'failed')] }).verdict).to.equal('error');
  });

  it('never lets advisory checks decide', async () => {
    const checks = [result('strict', 'passed'), result('advisory-fail', 'failed', false), result('advisory-unsure', 'inconclusive', false), result('advisory-error', 'error', false)];
    expect(decideVerdict({ checks })).to.deep.equal({ verdict: 'passed', reason: 'all 1 strict check passed' });
    expect(decideVerdict({ checks: [result('advisory', 'failed', false)] }).reason).to.equal('no strict checks: nothing was asserted');
  });

  it('keeps the measured verdict for an interrupted run and says so; the exit code is 130', async () => {
    const decided = decideVerdict({ checks: [result('partial', 'inconclusive')], interrupted: true });
    expect(decided.verdict).to.equal('inconclusive');
    expect(decided.reason).to.match(/^interrupted before the end; check "partial" is inconclusive/);
    expect(exitCodeFor(decided.verdict, true)).to.equal(130);
  });
});

describe('evaluateChecks', () => {
  it('dispatches each kind to its check, in order', async () => {
    const timeline = new Timeline(100);
    const results = (await evaluateChecks(
      [check({ kind: 'failureRatio', scope: { phase: 'outage' }, max: 0.1 }, { name: 'first', strict: false }), check({ kind: 'successRatio', scope: { phase: 'baseline' }, min: 0.9 }, { name: 'second' })],
      context(timeline),
    ));
    expect(results.map((r) => [r.name, r.kind, r.strict])).to.deep.equal([
      ['first', 'failureRatio', false],
      ['second', 'successRatio', true],
    ]);
  });

  it('reports a check that throws as that check\'s error verdict, which makes a strict run `error`', async () => {
    const broken = { ...context(new Timeline(100)), timeline: { bucketMs: 100, buckets: () => [], summarize: () => { throw new Error('timeline exploded'); } } } as CheckContext;
    const results = (await evaluateChecks([check({ kind: 'successRatio', scope: { phase: 'outage' }, min: 0.9 })], broken));
    expect(results[0]!.verdict).to.equal('error');
    expect(results[0]!.reason).to.contain('timeline exploded');
    expect(decideVerdict({ checks: results }).verdict).to.equal('error');
  });
});
