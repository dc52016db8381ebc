import { expect } from 'chai';
import { EventEmitter } from 'node:events';
import { createValueRedactor } from '../../src/result/redact.ts';
import { LiveEvents } from '../../src/runner/live-events.ts';
import { DUPLICATE_WINDOW_MS, watchSignals } from '../../src/runner/signals.ts';
import type { RunEvent } from '../../src/timeline/events.ts';

describe('runner/signals', () => {
  function watch() {
    const source = new EventEmitter();
    let clock = 0;
    const aborts: string[] = [];
    let hurries = 0;
    const signals = watchSignals((reason) => aborts.push(reason), { source: source as never, now: () => clock, onHurry: () => hurries++ });
    return { source, aborts, hurries: () => hurries, advance: (ms: number) => (clock += ms), signals };
  }

  it('SIGINT, SIGTERM and SIGHUP each interrupt the run', () => {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      const w = watch();
      w.source.emit(signal, signal);
      expect(w.aborts).to.deep.equal([`interrupted by ${signal}`]);
      expect(w.signals.interrupted()).to.equal(signal);
      w.signals.dispose();
      expect(w.source.listenerCount(signal)).to.equal(0);
    }
  });

  it('the echo npm/npx deliver within a moment of the first Ctrl-C is not a second Ctrl-C; a later one hurries', () => {
    const w = watch();
    w.source.emit('SIGINT', 'SIGINT');
    w.advance(50);
    w.source.emit('SIGINT', 'SIGINT');
    w.advance(DUPLICATE_WINDOW_MS - 100);
    w.source.emit('SIGINT', 'SIGINT');
    expect(w.hurries()).to.equal(0);
    expect(w.signals.hurried()).to.equal(false);
    w.advance(100);
    w.source.emit('SIGINT', 'SIGINT');
    expect(w.hurries()).to.equal(1);
    expect(w.aborts).to.have.length(1);
    w.signals.dispose();
  });
});

describe('runner/live-events: what a terminal or a live reporter sees is redacted', () => {
  it('redacts secrets and credential headers in events passed to the reporter and the observer, keeps them for internal listeners', () => {
    const seenByReporter: RunEvent[] = [];
    const seenByObserver: RunEvent[] = [];
    const internal: RunEvent[] = [];
    const events = new LiveEvents({
      toIso: (ms) => new Date(ms).toISOString(),
      reporter: { name: 'spy', onEvent: (event) => void seenByReporter.push(event) },
      onEvent: (event) => seenByObserver.push(event),
      redact: createValueRedactor({ secrets: ['s3cr3t-token'], headerNames: [] }),
      onReporterError: () => undefined,
    });
    events.subscribe((event) => internal.push(event));
    events.emit({ kind: 'note', atMs: 1, message: 'load error: GET http://u:pw@127.0.0.1/x?key=s3cr3t-token Authorization: Bearer abc' });
    for (const shown of [seenByReporter[0]!, seenByObserver[0]!]) {
      expect(shown.message).to.not.contain('s3cr3t-token');
      expect(shown.message).to.not.contain('Bearer abc');
      expect(shown.message).to.not.contain(':pw@');
      expect(shown.message).to.contain('[REDACTED]');
    }
    expect(internal[0]!.message).to.contain('s3cr3t-token');
    // The result keeps the raw event; it is redacted as a whole before any reporter sees it.
    expect(events.all[0]!.message).to.contain('s3cr3t-token');
  });
});
