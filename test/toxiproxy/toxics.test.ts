import { expect } from 'chai';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Toxiproxy, type Proxy } from 'toxiproxy-node-client';
import { startToxiproxy, type ToxiproxyServer } from '../../src/toxiproxy/index.ts';
import { connectTo, delay, listenPort, median, receiveUntilClose, roundTrip, startEchoServer, startTcpServer, type TcpServer } from './helpers.ts';

/** Each toxic measured on real TCP traffic through the embedded server. */
describe('toxiproxy toxics on live TCP traffic', function () {
  this.timeout(15_000);
  let server: ToxiproxyServer;
  let client: Toxiproxy;
  let echo: TcpServer;
  const upstreams: TcpServer[] = [];
  const sockets: Socket[] = [];
  let proxy: Proxy;
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
    await Promise.all(upstreams.splice(0).map((u) => u.close()));
  });

  async function proxyTo(upstream: string): Promise<Proxy> {
    proxy = await client.createProxy({ name: `toxics-${++counter}`, listen: '127.0.0.1:0', upstream });
    return proxy;
  }
  async function open(p: Proxy): Promise<Socket> {
    const socket = await connectTo(listenPort(p.listen));
    sockets.push(socket);
    return socket;
  }
  /** An upstream that sends `payload` (then ends, if asked) as each client connects. */
  async function talker(payload: Buffer | string, end: boolean): Promise<TcpServer> {
    const upstream = await startTcpServer((s) => (end ? s.end(payload) : s.write(payload)));
    upstreams.push(upstream);
    return upstream;
  }

  it('latency 100 delays each round trip by 100–130 ms, and not before', async () => {
    const p = await proxyTo(echo.address);
    const socket = await open(p);
    const direct = await roundTrip(socket);
    expect(direct).to.be.below(50);
    await p.addToxic({ type: 'latency', attributes: { latency: 100 } } as never);
    const trips: number[] = [];
    for (let i = 0; i < 5; i++) trips.push(await roundTrip(socket));
    expect(Math.min(...trips)).to.be.at.least(99);
    expect(median(trips)).to.be.within(99, 130);
  });

  it('latency with jitter varies each chunk by whole milliseconds within ±jitter', async () => {
    const p = await proxyTo(echo.address);
    await p.addToxic({ type: 'latency', stream: 'upstream', attributes: { latency: 60, jitter: 40 } } as never);
    const socket = await open(p);
    const trips: number[] = [];
    for (let i = 0; i < 12; i++) trips.push(await roundTrip(socket));
    expect(Math.min(...trips)).to.be.at.least(19);
    expect(median(trips)).to.be.below(130);
    expect(Math.max(...trips) - Math.min(...trips)).to.be.above(5);
  });

  it('bandwidth 100 KB/s delivers 100 kB at 100 KB/s ±10 %', async () => {
    const payload = Buffer.alloc(100_000, 7);
    const p = await proxyTo((await talker(payload, true)).address);
    await p.addToxic({ type: 'bandwidth', attributes: { rate: 100 } } as never);
    const start = performance.now();
    const received = await receiveUntilClose(await open(p));
    const seconds = (performance.now() - start) / 1000;
    expect(received.data.equals(payload)).to.equal(true);
    expect(payload.length / 1000 / seconds).to.be.within(90, 110);
  });

  it('timeout 300 drops the data and closes the connection at 300 ms', async () => {
    const p = await proxyTo((await talker('never seen', false)).address);
    await p.addToxic({ type: 'timeout', attributes: { timeout: 300 } } as never);
    const received = await receiveUntilClose(await open(p));
    expect(received.data.length).to.equal(0);
    expect(received.closedAfter).to.be.within(290, 450);
  });

  it('removing a timeout toxic closes the connections it held', async () => {
    const p = await proxyTo(echo.address);
    const toxic = await p.addToxic({ type: 'timeout', attributes: { timeout: 0 } } as never);
    const socket = await open(p);
    const closed = receiveUntilClose(socket);
    socket.write('swallowed');
    await delay(100);
    const removedAt = performance.now();
    await toxic.remove();
    const received = await closed;
    expect(received.data.length).to.equal(0);
    expect(performance.now() - removedAt).to.be.below(500);
  });

  it('reset_peer 100 resets (ECONNRESET) 100 ms after data is sent, and not while idle', async () => {
    const p = await proxyTo(echo.address);
    await p.addToxic({ type: 'reset_peer', attributes: { timeout: 100 } } as never);
    const socket = await open(p);
    const outcome = receiveUntilClose(socket);
    await delay(300);
    expect(socket.destroyed).to.equal(false);
    const sentAt = performance.now();
    socket.write('hello');
    const received = await outcome;
    expect(received.error?.code).to.equal('ECONNRESET');
    expect(received.data.length).to.equal(0);
    expect(performance.now() - sentAt).to.be.within(95, 300);
  });

  it('limit_data 10 forwards exactly 10 bytes, then closes', async () => {
    const p = await proxyTo((await talker(Buffer.alloc(1000, 1), false)).address);
    await p.addToxic({ type: 'limit_data', attributes: { bytes: 10 } } as never);
    const received = await receiveUntilClose(await open(p));
    expect(received.data.length).to.equal(10);
    expect(received.error).to.equal(undefined);
  });

  it('slow_close 300 passes data at once and delays the close by 300 ms', async () => {
    const p = await proxyTo((await talker('bye', true)).address);
    await p.addToxic({ type: 'slow_close', attributes: { delay: 300 } } as never);
    const received = await receiveUntilClose(await open(p));
    expect(received.data.toString()).to.equal('bye');
    expect(received.firstByteAfter).to.be.below(150);
    expect(received.closedAfter).to.be.within(290, 500);
  });

  it('without slow_close the same close is immediate (baseline for the test above)', async () => {
    const p = await proxyTo((await talker('bye', true)).address);
    const received = await receiveUntilClose(await open(p));
    expect(received.data.toString()).to.equal('bye');
    expect(received.closedAfter).to.be.below(150);
  });

  it('slicer splits a write into many smaller pieces, bytes intact', async () => {
    const payload = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
    const p = await proxyTo((await talker(payload, true)).address);
    await p.addToxic({ type: 'slicer', attributes: { average_size: 100, size_variation: 20, delay: 3000 } } as never);
    const received = await receiveUntilClose(await open(p));
    expect(received.data.equals(payload)).to.equal(true);
    expect(received.chunks).to.be.at.least(5);
    // 8+ pieces each followed by a 3 ms sleep
    expect(received.closedAfter).to.be.at.least(20);
  });

  it('an upstream-stream toxic acts on client → server bytes only, and its close closes the whole connection', async () => {
    let serverGot: Promise<Buffer> = Promise.resolve(Buffer.alloc(0));
    const recorder = await startTcpServer((s) => {
      s.write('hello from server');
      serverGot = new Promise((resolve) => {
        const chunks: Buffer[] = [];
        s.on('data', (c: Buffer) => chunks.push(c));
        s.on('close', () => resolve(Buffer.concat(chunks)));
      });
    });
    upstreams.push(recorder);
    const p = await proxyTo(recorder.address);
    await p.addToxic({ type: 'limit_data', stream: 'upstream', attributes: { bytes: 3 } } as never);
    const socket = await open(p);
    const outcome = receiveUntilClose(socket);
    await delay(50);
    socket.write('abcdef');
    const received = await outcome;
    expect(received.data.toString()).to.equal('hello from server');
    expect((await serverGot).toString()).to.equal('abc');
  });

  it('a latency beyond setTimeout\'s range holds data instead of firing at once', async () => {
    const p = await proxyTo(echo.address);
    await p.addToxic({ type: 'latency', attributes: { latency: 1e12 } } as never);
    const socket = await open(p);
    const received: Buffer[] = [];
    socket.on('data', (c: Buffer) => received.push(c));
    socket.write('held');
    await delay(200);
    expect(Buffer.concat(received).length).to.equal(0);
  });
});
