import { expect } from 'chai';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { deadlineSignal } from '../../src/util/deadline-signal.ts';

setFlagsFromString('--expose_gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** A listener that accepts connections and never answers. */
async function silentServer(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => void sockets.add(socket.on('error', () => undefined)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/version`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** fetch with the signal while the collector runs every 20 ms; bounded by a guard far above the deadline. */
async function fetchUnderGc(url: string, signal: AbortSignal): Promise<{ name: string; elapsedMs: number } | 'guard expired'> {
  const started = Date.now();
  const gcLoop = setInterval(collectGarbage, 20);
  const guard = new AbortController();
  const guardTimer = setTimeout(() => guard.abort(), 5000);
  try {
    const outcome = await Promise.race([
      fetch(url, { signal }).then(
        () => ({ name: 'answered', elapsedMs: Date.now() - started }),
        (error: Error) => ({ name: error.name, elapsedMs: Date.now() - started }),
      ),
      new Promise<'guard expired'>((resolve) => guard.signal.addEventListener('abort', () => resolve('guard expired'))),
    ]);
    return outcome;
  } finally {
    clearInterval(gcLoop);
    clearTimeout(guardTimer);
  }
}

describe('deadlineSignal: a request deadline that survives garbage collection', function () {
  this.timeout(15_000);

  it('ends a request to a server that never answers with TimeoutError, also combined with a run signal, while the collector runs', async () => {
    const silent = await silentServer();
    try {
      const run = new AbortController();
      const outcome = await fetchUnderGc(silent.url, deadlineSignal(300, run.signal));
      expect(outcome).to.not.equal('guard expired');
      expect(outcome).to.include({ name: 'TimeoutError' });
      const alone = await fetchUnderGc(silent.url, deadlineSignal(300));
      expect(alone).to.include({ name: 'TimeoutError' });
    } finally {
      await silent.close();
    }
  });

  it('the other signal aborts the request first, with its reason', async () => {
    const silent = await silentServer();
    try {
      const run = new AbortController();
      setTimeout(() => run.abort(new Error('interrupted by SIGINT')), 50);
      const outcome = await fetchUnderGc(silent.url, deadlineSignal(4000, run.signal));
      expect(outcome).to.not.equal('guard expired');
      expect((outcome as { elapsedMs: number }).elapsedMs).to.be.below(4000);
    } finally {
      await silent.close();
    }
  });

  it('is already aborted when the other signal is', () => {
    const run = new AbortController();
    run.abort(new Error('gone'));
    const signal = deadlineSignal(1000, run.signal);
    expect(signal.aborted).to.equal(true);
    expect((signal.reason as Error).message).to.equal('gone');
  });
});
