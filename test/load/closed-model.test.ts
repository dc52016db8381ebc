import { expect } from 'chai';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { runClosedLoad } from '../../src/load/closed-model.ts';
import { countBy, request, runOptions } from './helpers/load-fixtures.ts';
import { closedPort, startTestServer, type TestServer } from './helpers/test-server.ts';

/** A server that records, per socket, how many requests were open at once. */
async function socketTrackingServer(handler: (req: IncomingMessage, res: ServerResponse, index: number) => void) {
  const sockets = new Set<Socket>();
  const open = new Map<Socket, number>();
  let maxPerSocket = 0;
  let index = 0;
  const server = await startTestServer((req, res) => {
    const socket = req.socket;
    sockets.add(socket);
    const count = (open.get(socket) ?? 0) + 1;
    open.set(socket, count);
    if (count > maxPerSocket) maxPerSocket = count;
    res.once('close', () => open.set(socket, open.get(socket)! - 1));
    handler(req, res, index++);
  });
  return { server, sockets: () => sockets.size, maxPerSocket: () => maxPerSocket };
}

describe('closed model (runClosedLoad)', function () {
  this.timeout(20_000);
  const servers: TestServer[] = [];
  after(async () => {
    await Promise.all(servers.map((server) => server.close()));
  });

  it('each connection carries one request at a time, per origin, over a weighted mix of two origins', async () => {
    const a = await socketTrackingServer((_req, res) => setTimeout(() => res.end('a'), 1));
    const b = await socketTrackingServer((_req, res) => setTimeout(() => res.end('b'), 1));
    servers.push(a.server, b.server);
    const options = runOptions(400);
    const summary = await runClosedLoad(
      {
        requests: [request(`${a.server.url}/`, { name: 'a', weight: 3 }), request(`${b.server.url}/`, { name: 'b', weight: 1 })],
        timeoutMs: 1_000,
        connections: 3,
        success: { statuses: [[200, 399]] },
      },
      options,
    );
    expect(summary.scheduled).to.equal(options.samples.length);
    expect(options.samples.every((sample) => sample.ok)).to.equal(true);
    // No pipelining: never two requests open on one socket; at most `connections` sockets per origin.
    for (const tracked of [a, b]) {
      expect(tracked.maxPerSocket()).to.equal(1);
      expect(tracked.sockets()).to.be.within(1, 3);
    }
    // In flight over all origins: `connections`.
    expect(a.server.maxConcurrent() + b.server.maxConcurrent()).to.be.at.most(6);
    const byName = countBy(options.samples, (sample) => sample.request);
    expect(byName.a! / summary.scheduled).to.be.closeTo(0.75, 0.01);
  });

  it('a request past its deadline is a timeout and its connection goes on with the next request', async () => {
    const tracked = await socketTrackingServer((_req, res, index) => {
      if (index !== 0) setTimeout(() => res.end('ok'), 2);
      // Request 0 is never answered.
    });
    servers.push(tracked.server);
    const options = runOptions(700);
    const summary = await runClosedLoad(
      { requests: [request(`${tracked.server.url}/`)], timeoutMs: 200, connections: 2, success: { statuses: [[200, 399]] } },
      options,
    );
    expect(countBy(options.samples, (sample) => sample.failure ?? 'ok')).to.deep.include({ timeout: 1 });
    expect(summary.scheduled).to.equal(options.samples.length);
    const timeout = options.samples.find((sample) => sample.failure === 'timeout')!;
    expect(timeout.endMs - timeout.scheduledMs).to.be.within(199, 500);
    // Both connections kept working: requests sent after the timeout, on a new socket for the stalled one.
    const after = options.samples.filter((sample) => sample.scheduledMs > timeout.endMs);
    expect(after.length).to.be.at.least(20);
    expect(after.every((sample) => sample.ok)).to.equal(true);
    expect(tracked.sockets()).to.equal(3);
    expect(tracked.maxPerSocket()).to.equal(1);
  });

  it('a refused port: every request is connection_refused, the lanes keep trying, nothing throws', async () => {
    const port = await closedPort();
    const options = runOptions(300);
    const summary = await runClosedLoad(
      { requests: [request(`http://127.0.0.1:${port}/`)], timeoutMs: 1_000, connections: 4, success: { statuses: [[200, 399]] } },
      options,
    );
    expect(options.samples.length).to.be.at.least(20);
    expect(summary.scheduled).to.equal(options.samples.length);
    expect(countBy(options.samples, (sample) => sample.failure)).to.deep.equal({ connection_refused: options.samples.length });
    expect(summary.extra?.firstError).to.match(/ECONNREFUSED/);
  });

  it('connections reset mid-request are connection_reset and their lanes reconnect', async () => {
    let destroyed = 0;
    const tracked = await socketTrackingServer((req, res, index) => {
      if (index % 10 === 3) {
        destroyed++;
        req.socket.destroy();
      } else res.end('ok');
    });
    servers.push(tracked.server);
    const options = runOptions(400);
    const summary = await runClosedLoad(
      { requests: [request(`${tracked.server.url}/`)], timeoutMs: 1_000, connections: 3, success: { statuses: [[200, 399]] } },
      options,
    );
    expect(summary.scheduled).to.equal(options.samples.length);
    const kinds = countBy(options.samples, (sample) => sample.failure ?? 'ok');
    expect(Object.keys(kinds).sort()).to.deep.equal(['connection_reset', 'ok']);
    expect(destroyed).to.be.at.least(3);
    expect(kinds.connection_reset).to.equal(destroyed);
    expect(kinds.ok).to.equal(tracked.server.received() - destroyed);
    expect(tracked.maxPerSocket()).to.equal(1);
  });
});
