import { expect } from 'chai';
import type { Socket } from 'node:net';
import { Toxiproxy, type Proxy } from 'toxiproxy-node-client';
import { startToxiproxy, type ToxiproxyServer } from '../../src/toxiproxy/index.ts';
import { connectTo, delay, listenPort, openFds, receiveUntilClose, roundTrip, startEchoServer, startTcpServer, type TcpServer } from './helpers.ts';

/** Connection lifecycle: down/up, live toxic changes, toxicity draws, refusing upstreams, no leaks. */
describe('toxiproxy connections', function () {
  this.timeout(30_000);
  let server: ToxiproxyServer;
  let client: Toxiproxy;
  let echo: TcpServer;
  const sockets: Socket[] = [];
  let proxy: Proxy | undefined;
  let counter = 0;

  before(async () => {
    server = await startToxiproxy({ port: 0 });
    client = new Toxiproxy(server.url);
    echo = await startEchoServer();
  });
  after(async () => {
    await server.close();
    await echo.close();
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy();
    await proxy?.remove().catch(() => {});
    proxy = undefined;
  });

  async function echoProxy(): Promise<Proxy> {
    proxy = await client.createProxy({ name: `conn-${++counter}`, listen: '127.0.0.1:0', upstream: echo.address });
    return proxy;
  }
  async function open(p: Proxy): Promise<Socket> {
    const socket = await connectTo(listenPort(p.listen));
    sockets.push(socket);
    return socket;
  }

  it('down (enabled:false) ends live connections and refuses new ones; up binds the same address again', async () => {
    const p = await echoProxy();
    const live = await open(p);
    await roundTrip(live);
    const ended = receiveUntilClose(live);
    const down = await p.update({ enabled: false } as never);
    expect(down.enabled).to.equal(false);
    expect(down.listen).to.equal(p.listen);
    const received = await ended;
    expect(received.closedAfter).to.be.below(500);
    const refused = await connectTo(listenPort(p.listen)).then(
      () => 'connected',
      (e: NodeJS.ErrnoException) => e.code,
    );
    expect(refused).to.equal('ECONNREFUSED');

    const up = await p.update({ enabled: true } as never);
    expect(up.enabled).to.equal(true);
    expect(up.listen).to.equal(p.listen);
    expect(await roundTrip(await open(p))).to.be.below(500);
  });

  it('a toxic added to a live connection acts on its next chunk; updated and removed likewise (and back to the fast path)', async () => {
    const p = await echoProxy();
    const socket = await open(p);
    expect(await roundTrip(socket)).to.be.below(60);

    const toxic = await p.addToxic({ type: 'latency', attributes: { latency: 150 } } as never);
    expect(await roundTrip(socket)).to.be.within(149, 260);

    const updated = await toxic.update({ attributes: { latency: 60 } } as never);
    expect(updated.attributes).to.deep.equal({ latency: 60, jitter: 0 });
    expect(await roundTrip(socket)).to.be.within(59, 160);

    await updated.remove();
    expect(await roundTrip(socket)).to.be.below(60);
    // a large transfer after removal keeps every byte in order
    const big = Buffer.from(Array.from({ length: 300_000 }, (_, i) => i % 256));
    const back: Buffer[] = [];
    let length = 0;
    await new Promise<void>((resolve) => {
      socket.on('data', (c: Buffer) => {
        back.push(c);
        length += c.length;
        if (length >= big.length) resolve();
      });
      socket.write(big);
    });
    expect(Buffer.concat(back).equals(big)).to.equal(true);
  });

  it('a toxic added while chunks are held by an earlier toxic keeps byte order', async () => {
    const p = await echoProxy();
    await p.addToxic({ name: 'slow', type: 'latency', attributes: { latency: 80 } } as never);
    const socket = await open(p);
    const received: Buffer[] = [];
    socket.on('data', (c: Buffer) => received.push(c));
    for (let i = 0; i < 10; i++) {
      socket.write(`<${i}>`);
      if (i === 4) await p.addToxic({ name: 'slicer', type: 'slicer', attributes: { average_size: 1, size_variation: 0, delay: 0 } } as never);
      await delay(5);
    }
    await delay(300);
    expect(Buffer.concat(received).toString()).to.equal('<0><1><2><3><4><5><6><7><8><9>');
  });

  it('deleting a proxy ends its live connections; a new listen restarts it with its toxics', async () => {
    const p = await echoProxy();
    await p.addToxic({ type: 'latency', attributes: { latency: 40 } } as never);
    const live = await open(p);
    await roundTrip(live);
    const ended = receiveUntilClose(live);
    const moved = await p.update({ listen: '127.0.0.1:0', upstream: echo.address, enabled: true } as never);
    expect((await ended).closedAfter).to.be.below(500);
    expect(moved.listen).not.to.equal(p.listen);
    expect(moved.enabled).to.equal(true);
    const socket = await open(moved);
    expect(await roundTrip(socket)).to.be.at.least(39);

    const gone = receiveUntilClose(socket);
    await moved.remove();
    proxy = undefined;
    expect((await gone).closedAfter).to.be.below(500);
  });

  it('POST /reset takes toxics off live connections at once', async () => {
    const p = await echoProxy();
    await p.addToxic({ type: 'latency', attributes: { latency: 200 } } as never);
    const socket = await open(p);
    expect(await roundTrip(socket)).to.be.at.least(199);
    await client.reset();
    expect(await roundTrip(socket)).to.be.below(100);
  });

  it('reset_peer sends RST only on connections opened while it was present (as Toxiproxy sets SO_LINGER 0)', async () => {
    const p = await echoProxy();
    const before = await open(p);
    await roundTrip(before);
    await p.addToxic({ type: 'reset_peer', attributes: { timeout: 0 } } as never);
    const after = await open(p);
    const [early, late] = [receiveUntilClose(before), receiveUntilClose(after)];
    before.write('x');
    after.write('x');
    expect((await early).error).to.equal(undefined); // plain close (FIN)
    expect((await late).error?.code).to.equal('ECONNRESET');
  });

  it('streams 8 MB server → slow client intact, with a toxic added and removed mid-transfer', async () => {
    const total = 8 * 1024 * 1024;
    const pattern = (offset: number, length: number): Buffer => {
      const b = Buffer.allocUnsafe(length);
      for (let i = 0; i < length; i++) b[i] = ((offset + i) * 31 + ((offset + i) >> 12)) & 0xff;
      return b;
    };
    const source = await startTcpServer((s) => {
      let sent = 0;
      const pump = (): void => {
        while (sent < total) {
          const n = Math.min(65_536, total - sent);
          const more = s.write(pattern(sent, n));
          sent += n;
          if (!more) return void s.once('drain', pump);
        }
        s.end();
      };
      pump();
    });
    try {
      proxy = await client.createProxy({ name: `conn-${++counter}`, listen: '127.0.0.1:0', upstream: source.address });
      const socket = await open(proxy);
      let received = 0;
      let mismatch = -1;
      let toxicAdded = false;
      await new Promise<void>((resolve, reject) => {
        socket.on('data', (chunk: Buffer) => {
          if (mismatch < 0 && !chunk.equals(pattern(received, chunk.length))) mismatch = received;
          received += chunk.length;
          if (!toxicAdded && received > total / 4) {
            toxicAdded = true;
            proxy!.addToxic({ name: 'mid', type: 'latency', attributes: { latency: 1 } } as never)
              .then(() => delay(100))
              .then(() => client.get(proxy!.name))
              .then((p) => p.getToxic('mid'))
              .then((t) => t.remove())
              .catch(reject);
          }
          // a slow reader: stop now and then so the proxy has to hold back
          if (received % (1024 * 1024) < chunk.length) {
            socket.pause();
            setTimeout(() => socket.resume(), 20);
          }
        });
        socket.on('close', () => resolve());
        socket.on('error', reject);
      });
      expect(mismatch).to.equal(-1);
      expect(received).to.equal(total);
      expect(toxicAdded).to.equal(true);
    } finally {
      await source.close();
    }
  });

  it('holds back a fast sender behind a slow toxic (backpressure, bounded memory)', async () => {
    const total = 64 * 1024 * 1024;
    let accepted = 0;
    const flood = await startTcpServer((s) => {
      const chunk = Buffer.alloc(65_536, 1);
      const pump = (): void => {
        while (accepted < total) {
          accepted += chunk.length;
          if (!s.write(chunk)) return void s.once('drain', pump);
        }
      };
      pump();
    });
    try {
      proxy = await client.createProxy({ name: `conn-${++counter}`, listen: '127.0.0.1:0', upstream: flood.address });
      await proxy.addToxic({ type: 'bandwidth', attributes: { rate: 50 } } as never);
      const socket = await open(proxy);
      let received = 0;
      socket.on('data', (c: Buffer) => (received += c.length));
      await delay(1500);
      expect(received).to.be.within(25_000, 200_000); // 50 KB/s for 1.5 s
      // Without backpressure the proxy would have swallowed all 64 MB by now; kernel buffers hold a few MB.
      expect(accepted).to.be.below(32 * 1024 * 1024);
    } finally {
      await flood.close();
    }
  });

  it('toxicity 0.5 over 200 connections affects a sane share of them (draw per connection)', async () => {
    const p = await echoProxy();
    await p.addToxic({ type: 'limit_data', toxicity: 0.5, attributes: { bytes: 2 } } as never);
    let affected = 0;
    for (let batch = 0; batch < 4; batch++) {
      const outcomes = await Promise.all(
        Array.from({ length: 50 }, async () => {
          const socket = await open(p);
          const done = receiveUntilClose(socket);
          await roundTrip(socket, 'hello').catch(() => {}); // an affected connection closes after 2 bytes
          socket.end();
          return (await done).data.toString();
        }),
      );
      for (const text of outcomes) {
        expect(text === 'he' || text === 'hello').to.equal(true, `unexpected '${text}'`);
        if (text === 'he') affected++;
      }
    }
    // Binomial(200, 0.5): sd ≈ 7; [60, 140] is beyond ±8 sd.
    expect(affected).to.be.within(60, 140);
  });

  it('toxicity 0 never acts and toxicity 1 always does', async () => {
    const p = await echoProxy();
    const toxic = await p.addToxic({ type: 'limit_data', toxicity: 0, attributes: { bytes: 2 } } as never);
    const run = async (): Promise<string[]> =>
      Promise.all(
        Array.from({ length: 20 }, async () => {
          const socket = await open(p);
          const done = receiveUntilClose(socket);
          await roundTrip(socket, 'hello').catch(() => {});
          socket.end();
          return (await done).data.toString();
        }),
      );
    expect(new Set(await run())).to.deep.equal(new Set(['hello']));
    await toxic.update({ toxicity: 1 } as never);
    expect(new Set(await run())).to.deep.equal(new Set(['he']));
  });

  it('an upstream that refuses closes the client at once, and the server keeps serving', async () => {
    const gone = await startTcpServer(() => {});
    const deadAddress = gone.address;
    await gone.close();
    proxy = await client.createProxy({ name: `conn-${++counter}`, listen: '127.0.0.1:0', upstream: deadAddress });
    const received = await receiveUntilClose(await open(proxy));
    expect(received.closedAfter).to.be.below(500);
    expect(received.data.length).to.equal(0);
    expect(await client.getVersion()).to.contain('2.12.0');
  });

  it('leaks no file descriptor over 10,000 connections (batches of 200 concurrent)', async function () {
    this.timeout(40_000);
    const p = await echoProxy();
    await p.addToxic({ type: 'latency', toxicity: 0.5, attributes: { latency: 1 } } as never);
    const port = listenPort(p.listen);
    await roundTrip(await open(p)); // warm up lazily created handles
    for (const s of sockets.splice(0)) s.destroy();
    await delay(100);
    const baseline = openFds();
    let completed = 0;
    for (let batch = 0; batch < 50; batch++) {
      await Promise.all(
        Array.from({ length: 200 }, async () => {
          const socket = await connectTo(port);
          const closed = receiveUntilClose(socket);
          await roundTrip(socket, 'x');
          socket.end();
          await closed;
          completed++;
        }),
      );
    }
    expect(completed).to.equal(10_000);
    let now = openFds();
    for (let i = 0; i < 40 && now > baseline; i++) {
      await delay(50);
      now = openFds();
    }
    expect(now).to.be.at.most(baseline);
  });
});
