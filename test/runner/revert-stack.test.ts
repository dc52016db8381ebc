import { expect } from 'chai';
import { EventEmitter } from 'node:events';
import { RevertStack } from '../../src/runner/revert-stack.ts';
import { watchSignals } from '../../src/runner/signals.ts';
import type { Revert } from '../../src/faults/fault-injector.ts';

function revert(log: string[], id: string, fails = false): Revert {
  return {
    record: { kind: 'pod-kill', namespace: 'ns', selector: id },
    async run() {
      log.push(id);
      if (fails) throw new Error(`${id} broke`);
    },
  };
}

describe('runner/revert-stack', () => {
  it('reverts last-in first-out and attempts every revert even when some fail', async () => {
    const log: string[] = [];
    const stack = new RevertStack();
    stack.push('a', revert(log, 'a'));
    stack.push('b', revert(log, 'b', true));
    stack.push('c', revert(log, 'c'));
    stack.push('d', revert(log, 'd', true));
    const outcomes = await stack.revertAll();
    expect(log).to.deep.equal(['d', 'c', 'b', 'a']);
    expect(outcomes.map((o) => [o.id, o.ok])).to.deep.equal([
      ['d', false],
      ['c', true],
      ['b', false],
      ['a', true],
    ]);
    expect((outcomes[0]!.error as Error).message).to.equal('d broke');
    expect(stack.size).to.equal(0);
  });

  it('reverts a subset (a phase) LIFO and each entry only once', async () => {
    const log: string[] = [];
    const stack = new RevertStack();
    for (const id of ['p1', 'x', 'p2']) stack.push(id, revert(log, id));
    await stack.revert(['p1', 'p2']);
    expect(log).to.deep.equal(['p2', 'p1']);
    await stack.revert(['p1', 'p2']);
    await stack.revertAll();
    expect(log).to.deep.equal(['p2', 'p1', 'x']);
  });
});

describe('runner/revert-stack keepFailed', () => {
  it('a phase-end revert that fails stays for the final sweep, which tries it again', async () => {
    const log: string[] = [];
    let attempts = 0;
    const stack = new RevertStack();
    stack.push('flaky', {
      record: { kind: 'pod-kill', namespace: 'ns', selector: 'x' },
      async run() {
        attempts++;
        if (attempts === 1) throw new Error('transient');
      },
    });
    stack.push('ok', revert(log, 'ok'));
    const first = await stack.revert(['flaky', 'ok'], undefined, { keepFailed: true });
    expect(first.map((o) => [o.id, o.ok])).to.deep.equal([
      ['ok', true],
      ['flaky', false],
    ]);
    expect(stack.ids()).to.deep.equal(['flaky']);
    const final = await stack.revertAll();
    expect(final.map((o) => [o.id, o.ok])).to.deep.equal([['flaky', true]]);
    expect(attempts).to.equal(2);
    expect(log).to.deep.equal(['ok']);
  });
});

describe('runner/signals', () => {
  it('first signal aborts, a second one hurries, and dispose removes the listeners', () => {
    const source = new EventEmitter();
    const reasons: string[] = [];
    let hurried = 0;
    const watch = watchSignals((reason) => reasons.push(reason), { source: source as never, onHurry: () => hurried++ });
    expect(source.listenerCount('SIGINT')).to.equal(1);
    source.emit('SIGTERM', 'SIGTERM');
    expect(reasons).to.deep.equal(['interrupted by SIGTERM']);
    expect(watch.interrupted()).to.equal('SIGTERM');
    source.emit('SIGINT', 'SIGINT');
    expect(watch.hurried()).to.equal(true);
    expect(hurried).to.equal(1);
    expect(reasons).to.have.length(1);
    watch.dispose();
    expect(source.listenerCount('SIGINT')).to.equal(0);
    expect(source.listenerCount('SIGTERM')).to.equal(0);
  });
});
