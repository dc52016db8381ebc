import { expect } from 'chai';
import { formatProgress, paint } from '../../src/runner/progress-line.ts';
import { decideColor } from '../../src/cli/run.ts';

describe('runner/progress-line and colour decision', () => {
  it('shows phase, elapsed, rate, success ratio and active faults', () => {
    const line = formatProgress({ phase: 'outage', elapsedMs: 6500, plannedMs: 25000, ratePerSecond: 98, successRatio: 0.9912, activeFaults: ['outage/0'] }, paint(false));
    expect(line).to.match(/^outage\s+6\.5s\/25\.0s\s+98 req\/s\s+ok\s+99\.1%\s+faults: outage\/0$/);
    expect(formatProgress({ elapsedMs: 0, plannedMs: 1000, ratePerSecond: 0, successRatio: null, activeFaults: [] }, paint(false))).to.match(/ok\s+–\s+no faults/);
    expect(formatProgress({ elapsedMs: 0, plannedMs: 1000, ratePerSecond: 5, successRatio: 0.5, activeFaults: [] }, paint(true))).to.include('\u001b[31m');
  });

  it('NO_COLOR wins over FORCE_COLOR, which wins over the terminal', () => {
    expect(decideColor({ NO_COLOR: '1', FORCE_COLOR: '1' }, true)).to.equal(false);
    expect(decideColor({ FORCE_COLOR: '1' }, false)).to.equal(true);
    expect(decideColor({ FORCE_COLOR: '0' }, true)).to.equal(false);
    expect(decideColor({}, true)).to.equal(true);
    expect(decideColor({ NO_COLOR: '' }, false)).to.equal(false);
  });
});
