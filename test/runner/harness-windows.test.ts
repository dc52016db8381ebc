import { expect } from 'chai';
import { setTimeout as sleep } from 'node:timers/promises';
import { EventLoopDelayMonitor } from '../../src/runner/harness-check.ts';
import { HarnessWindows } from '../../src/runner/harness-windows.ts';

describe('runner/harness-windows', () => {
  it('keeps the highest send lag and loop delay per window, windows without data at 0', () => {
    const windows = new HarnessWindows(1000);
    windows.recordSendLag(100, 3);
    windows.recordSendLag(900, 7);
    windows.recordSendLag(2500, 240);
    windows.recordLoopDelay(2600, 180);
    windows.recordLoopDelay(2700, 20);
    expect(windows.snapshot()).to.deep.equal({ windowMs: 1000, sendLagMaxMs: [7, 0, 240], eventLoopDelayMaxMs: [0, 0, 180] });
  });

  it('stays bounded on a long run: windows double and merge by maximum', () => {
    const windows = new HarnessWindows(1000, 4);
    for (let s = 0; s < 16; s++) windows.recordSendLag(s * 1000 + 10, s === 5 ? 500 : 1);
    const snapshot = windows.snapshot();
    expect(snapshot.windowMs).to.equal(4000);
    expect(snapshot.sendLagMaxMs).to.deep.equal([1, 500, 1, 1]);
    expect(snapshot.eventLoopDelayMaxMs).to.deep.equal([0, 0, 0, 0]);
  });

  it('the event-loop monitor records a real stall in the window where it happened', async () => {
    let clockMs = 0;
    const start = performance.now();
    const windows = new HarnessWindows(1000);
    const monitor = new EventLoopDelayMonitor({ now: () => (clockMs = performance.now() - start), into: windows });
    try {
      await sleep(300);
      const stallFrom = performance.now() - start;
      const until = performance.now() + 250;
      while (performance.now() < until) {
        // a blocked event loop
      }
      await sleep(600);
      const snapshot = windows.snapshot();
      const stallWindow = Math.floor(stallFrom / 1000);
      const worst = Math.max(...snapshot.eventLoopDelayMaxMs);
      expect(worst).to.be.at.least(150);
      // Recorded at or after the stall began, and before the clock was last read.
      const at = snapshot.eventLoopDelayMaxMs.indexOf(worst);
      expect(at).to.be.within(stallWindow, Math.floor(clockMs / 1000));
    } finally {
      monitor.stop();
    }
  });
});
