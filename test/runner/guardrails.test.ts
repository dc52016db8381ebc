import { expect } from 'chai';
import { SuccessRatioGuard } from '../../src/runner/guardrails.ts';
import { PodKillBudget, PodKillBudgetExceeded, killCount, pickPods } from '../../src/faults/pod-kill.ts';
import { killRounds } from '../../src/faults/pod-kill.ts';
import { Timeline } from '../../src/timeline/timeline.ts';
import type { V1Pod } from '@kubernetes/client-node';

describe('runner/guardrails', () => {
  const options = { windowMs: 1000, lagMs: 0, minSamples: 5 };

  it('trips only once the ratio stayed below the limit for the whole duration', () => {
    const guard = new SuccessRatioGuard(0.5, 3000, options);
    expect(guard.observeRatio(100, 90, 1000)).to.equal(undefined);
    expect(guard.observeRatio(100, 10, 2000)).to.equal(undefined); // low since 1000
    expect(guard.observeRatio(100, 10, 3500)).to.equal(undefined);
    const reason = guard.observeRatio(100, 10, 4000);
    expect(reason).to.match(/stayed below 50\.0% for 3 s/);
  });

  it('a recovery in between resets the clock', () => {
    const guard = new SuccessRatioGuard(0.5, 2000, options);
    guard.observeRatio(100, 0, 2000);
    expect(guard.observeRatio(100, 80, 2500)).to.equal(undefined);
    expect(guard.observeRatio(100, 0, 3500)).to.equal(undefined);
    expect(guard.observeRatio(100, 0, 4400)).to.equal(undefined);
    expect(guard.observeRatio(100, 0, 4600)).to.be.a('string');
  });

  it('too few samples decide nothing', () => {
    const guard = new SuccessRatioGuard(0.5, 1000, options);
    expect(guard.observeRatio(4, 0, 5000)).to.equal(undefined);
    expect(guard.observeRatio(4, 0, 9000)).to.equal(undefined);
  });

  it('reads the live timeline', () => {
    const timeline = new Timeline(100);
    const guard = new SuccessRatioGuard(0.9, 1500, options);
    for (let ms = 0; ms < 3000; ms += 10) timeline.record({ scheduledMs: ms, sentMs: ms, endMs: ms + 1, ok: ms < 1000, ...(ms < 1000 ? {} : { failure: 'connection_refused' as const }) });
    expect(guard.observe(timeline, 1000)).to.equal(undefined);
    expect(guard.observe(timeline, 2000)).to.equal(undefined);
    expect(guard.observe(timeline, 2400)).to.equal(undefined);
    expect(guard.observe(timeline, 2600)).to.match(/below 90\.0%/);
  });
});

describe('faults/pod-kill selection and budget', () => {
  const pod = (name: string, created: string): V1Pod => ({ metadata: { name, creationTimestamp: new Date(created) } });
  const pods = [pod('c', '2024-01-03'), pod('a', '2024-01-01'), pod('b', '2024-01-02')];

  it('count, percent (rounded up) and capped at what exists', () => {
    expect(killCount({ count: 2 }, 3)).to.equal(2);
    expect(killCount({ count: 5 }, 3)).to.equal(3);
    expect(killCount({ percent: 50 }, 3)).to.equal(2);
    expect(killCount({ percent: 10 }, 3)).to.equal(1);
    expect(killCount({ percent: 50 }, 0)).to.equal(0);
  });

  it('oldest picks by creation time; random uses the given source', () => {
    expect(pickPods(pods, 2, 'oldest').map((p) => p.metadata!.name)).to.deep.equal(['a', 'b']);
    const first = pickPods(pods, 3, 'random', () => 0).map((p) => p.metadata!.name);
    expect(first.slice().sort()).to.deep.equal(['a', 'b', 'c']);
    expect(pickPods(pods, 1, 'random', () => 0.999)).to.have.length(1);
  });

  it('the budget refuses a kill that would exceed maxPodsKilled and reserves nothing then', () => {
    const budget = new PodKillBudget(2);
    budget.take(1);
    expect(() => budget.take(2)).to.throw(PodKillBudgetExceeded, /maxPodsKilled \(2; 1 killed so far\)/);
    expect(budget.killed).to.equal(1);
    budget.take(1);
    budget.release(1);
    expect(budget.killed).to.equal(1);
  });

  it('repeated kills are counted for the whole phase', () => {
    const fault = { id: 'p/0', phase: 'p', kind: 'pod-kill' as const, namespace: 'n', selector: 'a=b', pick: 'random' as const };
    expect(killRounds(fault, 10_000)).to.equal(1);
    expect(killRounds({ ...fault, everyMs: 3000 }, 10_000)).to.equal(4);
    expect(killRounds({ ...fault, everyMs: 5000 }, 10_000)).to.equal(2);
  });
});
