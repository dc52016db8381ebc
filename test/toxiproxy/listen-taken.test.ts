/**
 * A proxy whose listen address is taken, or is not an address of this machine: the embedded
 * server answers as Toxiproxy 2.12 does (500, its ApiError JSON written by Go's http.Error), the
 * client surfaces the server's text, and `rebound run` names the address and the fix.
 */
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { ToxiproxyApiError, ToxiproxyClient } from '../../src/faults/toxiproxy-client.ts';
import { startToxiproxy, type ToxiproxyServer } from '../../src/toxiproxy/index.ts';
import { experimentYaml, runCli, TempDir } from '../cli/system.ts';
import { ephemeralPortRange, freeLoopbackPort, isEphemeralPort } from '../../src/util/loopback-port.ts';

/** TEST-NET-1 (RFC 5737): never an address of this machine. */
const NOT_LOCAL = '192.0.2.1';

describe('proxy listen address taken or not local', function () {
  this.timeout(60_000);
  let server: ToxiproxyServer;
  let blocker: Server;
  let taken = 0;
  before(async () => {
    server = await startToxiproxy({ host: '127.0.0.1', port: 0 });
    blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
    taken = (blocker.address() as { port: number }).port;
  });
  after(async () => {
    await server?.close();
    blocker?.close();
  });

  it('the API answers 500 with Go\'s error text as ApiError JSON, and creates nothing', async () => {
    const response = await fetch(`${server.url}/proxies`, { method: 'POST', body: JSON.stringify({ name: 'taken', listen: `127.0.0.1:${taken}`, upstream: '127.0.0.1:1' }) });
    expect(response.status).to.equal(500);
    expect(response.headers.get('content-type')).to.equal('text/plain; charset=utf-8');
    expect(await response.text()).to.equal(`{"error":"listen tcp 127.0.0.1:${taken}: bind: address already in use","status":500}\n`);
    expect(await (await fetch(`${server.url}/proxies`)).json()).to.deep.equal({});
  });

  it('ToxiproxyClient.createProxy surfaces the server\'s text with the fix, and leaves no proxy', async () => {
    const client = new ToxiproxyClient(server.url);
    for (const [listen, text, fix] of [
      [`127.0.0.1:${taken}`, `listen tcp 127.0.0.1:${taken}: bind: address already in use`, `another process listens on 127.0.0.1:${taken}`],
      [`${NOT_LOCAL}:21001`, `listen tcp ${NOT_LOCAL}:21001: bind: cannot assign requested address`, `${NOT_LOCAL}:21001 is not an address of the Toxiproxy's machine`],
    ] as const) {
      let error: unknown;
      try {
        await client.createProxy({ name: 'p', listen, upstream: '127.0.0.1:1' });
      } catch (caught) {
        error = caught;
      }
      expect(error).to.be.instanceOf(ToxiproxyApiError);
      expect((error as ToxiproxyApiError).status).to.equal(500);
      expect((error as Error).message).to.contain(`create proxy p: ${text}; ${fix}`).and.contain('target.toxiproxy.proxies[].listen').and.not.contain('server error');
      expect(await client.listProxies()).to.deep.equal([]);
    }
  });

  it('a taken port in the ephemeral range is said to be one outgoing connections also take; one below it is not', async () => {
    const client = new ToxiproxyClient(server.url);
    const lowPort = await freeLoopbackPort();
    const low = createServer();
    await new Promise<void>((resolve) => low.listen(lowPort, '127.0.0.1', () => resolve()));
    try {
      const message = async (port: number) => {
        try {
          await client.createProxy({ name: 'p', listen: `127.0.0.1:${port}`, upstream: '127.0.0.1:1' });
        } catch (error) {
          return (error as Error).message;
        }
        throw new Error('created a proxy on a taken port');
      };
      expect(isEphemeralPort(taken)).to.equal(true);
      const { low: first, high: last } = ephemeralPortRange();
      expect(await message(taken)).to.contain(`; ${taken} is in this machine's ephemeral range ${first}–${last}, which outgoing connections also take: a port below ${first} is safer`);
      expect(lowPort).to.be.below(first);
      expect(await message(lowPort)).to.contain('another process listens on').and.not.contain('ephemeral');
    } finally {
      await new Promise<void>((resolve) => low.close(() => resolve()));
    }
  });

  it('rebound run with the embedded Toxiproxy: exit 4, the address, the server text and the fix', async () => {
    const dir = await TempDir.create();
    try {
      const file = await dir.write('taken.yaml', experimentYaml({ name: 'taken', toxiproxy: 'embedded: true', proxyPort: taken, primaryPort: 1, endpoint: 'http://127.0.0.1:1' }));
      const run = await runCli(['run', file, '--out', dir.join('out'), '--journal', dir.join('journal.json')], { timeoutMs: 45_000 });
      expect(run.code, run.stderr).to.equal(4);
      expect(run.stderr).to.contain(`listen tcp 127.0.0.1:${taken}: bind: address already in use; another process listens on 127.0.0.1:${taken}`).and.not.contain('server error');
    } finally {
      await dir.remove();
    }
  });
  it('rebound run on an external Toxiproxy: exit 4, nothing created, and no journal left behind for a proxy that never existed', async () => {
    const dir = await TempDir.create();
    try {
      const file = await dir.write('taken-url.yaml', experimentYaml({ name: 'taken-url', toxiproxy: `url: ${server.url}`, proxyPort: taken, primaryPort: 1, endpoint: 'http://127.0.0.1:1' }));
      const run = await runCli(['run', file, '--out', dir.join('out'), '--journal', dir.join('journal.json')], { timeoutMs: 45_000 });
      expect(run.code, run.stderr).to.equal(4);
      expect(run.stderr).to.contain(`listen tcp 127.0.0.1:${taken}: bind: address already in use`);
      expect(await new ToxiproxyClient(server.url).listProxies()).to.deep.equal([]);
      expect(existsSync(dir.join('journal.json')), 'journal').to.equal(false);
    } finally {
      await dir.remove();
    }
  });
});
