import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { Pool } from 'undici';
import { UpstreamAttempt } from '../../../src/localcluster/mesh/upstream-attempt.ts';

/** A free loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('mesh: one upstream try (UpstreamAttempt) over real sockets', () => {
  const pools: Pool[] = [];
  const servers: Server[] = [];
  const poolFor = (port: number) => {
    const pool = new Pool(`http://127.0.0.1:${port}`, { pipelining: 1, connectTimeout: 1000 });
    pools.push(pool);
    return pool;
  };
  const serve = async (handler: Parameters<typeof createServer>[1]) => {
    const server = createServer(handler);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  };
  const attempt = (port: number) => new UpstreamAttempt({ dispatcher: poolFor(port), method: 'GET', path: '/', headers: { host: 'x' }, body: { buffered: Buffer.alloc(0) } });

  after(async () => {
    await Promise.all(pools.map((p) => p.destroy()));
    for (const server of servers) server.close();
  });

  it('nothing listening is a connect failure', async () => {
    expect((await attempt(await closedPort()).outcome).kind).to.equal('connect-failure');
  });

  it('a connection closed before any response is a reset', async () => {
    const port = await serve((req) => req.socket.destroy());
    expect((await attempt(port).outcome).kind).to.equal('reset');
  });

  it('a response streams its body to the sink attached after the headers', async () => {
    const port = await serve((_req, res) => {
      res.writeHead(201, { 'x-a': '1', connection: 'keep-alive' });
      res.write('one,');
      setTimeout(() => res.end('two'), 20);
    });
    const outcome = await attempt(port).outcome;
    if (outcome.kind !== 'response') throw new Error(`expected a response, got ${outcome.kind}`);
    expect(outcome.response.status).to.equal(201);
    expect(outcome.response.headers['x-a']).to.equal('1');
    expect(outcome.response.headers.connection).to.equal(undefined);
    const body = await new Promise<string>((resolve, reject) => {
      let text = '';
      outcome.response.attach({ data: (c) => ((text += c), true), end: () => resolve(text), error: reject });
    });
    expect(body).to.equal('one,two');
  });

  it('an abort before the headers settles as the reason given', async () => {
    const port = await serve(() => {});
    const slow = attempt(port);
    setTimeout(() => slow.abort('per-try-timeout'), 30);
    expect((await slow.outcome).kind).to.equal('per-try-timeout');
  });
});
