import { expect } from 'chai';
import { RateSchedule } from '../../src/load/rate-schedule.ts';
import { RequestMix } from '../../src/load/request-mix.ts';

function countBefore(schedule: RateSchedule, ms: number): number {
  let i = 0;
  while (schedule.instantMs(i) < ms) i++;
  return i;
}

describe('RateSchedule', () => {
  it('constant: request i at i / rate, no drift after a million requests', () => {
    const schedule = new RateSchedule({ kind: 'constant', perSecond: 3 });
    expect(schedule.instantMs(0)).to.equal(0);
    expect(schedule.instantMs(3)).to.be.closeTo(1_000, 1e-9);
    expect(schedule.instantMs(3_000_000)).to.be.closeTo(1_000_000_000, 1e-3);
  });

  it('ramp: integrates the rate (0 → 100/s over 10 s holds 500 requests; request i at √(2i/k))', () => {
    const schedule = new RateSchedule({ kind: 'ramp', startPerSecond: 0, stages: [{ durationMs: 10_000, target: 100 }] });
    // k = 10 /s² → t(i) = √(2i / 10) s.
    for (const i of [1, 10, 123, 499]) expect(schedule.instantMs(i)).to.be.closeTo(Math.sqrt((2 * i) / 10) * 1_000, 1e-6);
    expect(countBefore(new RateSchedule({ kind: 'ramp', startPerSecond: 0, stages: [{ durationMs: 10_000, target: 100 }] }), 10_000)).to.equal(500);
  });

  it('ramp: several stages, down-ramps and a hold after the last stage', () => {
    const profile = {
      kind: 'ramp' as const,
      startPerSecond: 100,
      stages: [
        { durationMs: 2_000, target: 300 }, // ∫ = 400
        { durationMs: 1_000, target: 300 }, // ∫ = 300
        { durationMs: 2_000, target: 0 }, // ∫ = 300
      ],
    };
    expect(countBefore(new RateSchedule(profile), 2_000)).to.equal(400);
    expect(countBefore(new RateSchedule(profile), 3_000)).to.equal(700);
    const schedule = new RateSchedule(profile);
    // The rate reaches 0 at 5 s and holds 0: request 1000 would need the rate to come back.
    expect(schedule.instantMs(999)).to.be.below(5_000);
    expect(schedule.instantMs(1_000)).to.equal(Infinity);
  });

  it('ramp held at its last target after the stages', () => {
    const schedule = new RateSchedule({ kind: 'ramp', startPerSecond: 0, stages: [{ durationMs: 1_000, target: 200 }] });
    expect(schedule.instantMs(100)).to.be.closeTo(1_000, 1e-6);
    expect(schedule.instantMs(300)).to.be.closeTo(2_000, 1e-6);
  });
});

describe('RequestMix', () => {
  it('picks by weight exactly over each cycle and interleaves', () => {
    const mix = new RequestMix([3, 1, 2]);
    const picks = Array.from({ length: 600 }, () => mix.next());
    expect(picks.filter((p) => p === 0)).to.have.length(300);
    expect(picks.filter((p) => p === 1)).to.have.length(100);
    expect(picks.filter((p) => p === 2)).to.have.length(200);
    expect(picks.slice(0, 6).sort()).to.deep.equal([0, 0, 0, 1, 2, 2]);
  });

  it('rejects empty mixes and non-positive weights', () => {
    expect(() => new RequestMix([])).to.throw(RangeError);
    expect(() => new RequestMix([1, 0])).to.throw(/positive/);
  });
});
