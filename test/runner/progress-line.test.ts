import { expect } from 'chai';
import { painter } from '../../src/format/paint.ts';
import { formatProgress } from '../../src/runner/progress-line.ts';

describe('runner/progress-line', () => {
  it('shows phase, elapsed of planned on the run clock, rate, success ratio and active faults', () => {
    const line = formatProgress({ phase: 'outage', elapsedMs: 6500, plannedMs: 25000, ratePerSecond: 98, successRatio: 0.9912, activeFaults: ['outage/0'] }, painter(false));
    expect(line).to.match(/^outage\s+0:06\.5\/0:25\.0\s+98 req\/s\s+ok\s+99\.1%\s+faults: outage\/0$/);
    expect(formatProgress({ elapsedMs: 0, plannedMs: 1000, ratePerSecond: 0, successRatio: null, activeFaults: [] }, painter(false))).to.match(/ok\s+–\s+no faults/);
    expect(formatProgress({ elapsedMs: 0, plannedMs: 1000, ratePerSecond: 5, successRatio: 0.5, activeFaults: [] }, painter(true))).to.include('\u001b[31m');
  });

  it('never shows a ratio below 100 % as 100.0%', () => {
    expect(formatProgress({ elapsedMs: 0, plannedMs: 1000, ratePerSecond: 5, successRatio: 0.99996, activeFaults: [] }, painter(false))).to.match(/ok 99\.996%/);
  });
});
