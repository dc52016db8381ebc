import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startToxiproxy, type ToxiproxyServer } from '../../src/toxiproxy/index.ts';
import { ToxiproxyApiError, ToxiproxyClient } from '../../src/faults/toxiproxy-client.ts';
import { toxiproxyFaultKind, toxiproxyInjector, type ProxyDownFault, type ToxicFault } from '../../src/faults/toxiproxy-kind.ts';
import type { FaultContext } from '../../src/faults/fault-kind.ts';
import { InfraError } from '../../src/errors.ts';
import { Journal } from '../../src/runner/journal.ts';
import { sweepJournal } from '../../src/runner/sweep.ts';
import { expectRejection } from '../runner/helpers.ts';
import { freeLoopbackPort } from '../../src/util/loopback-port.ts';

const context: FaultContext = { signal: new AbortController().signal, now: () => 0, emit: () => undefined };

describe('faults/toxiproxy (against the embedded Toxiproxy through toxiproxy-node-client)', () => {
  let toxiproxy: ToxiproxyServer;
  let upstream: Server;
  let client: ToxiproxyClient;
  let listen: string;

  before(async () => {
    upstream = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    toxiproxy = await startToxiproxy({ port: 0 });
    client = new ToxiproxyClient(toxiproxy.url);
    listen = `127.0.0.1:${await freeLoopbackPort()}`;
    await client.createProxy({ name: 'svc', listen, upstream: `127.0.0.1:${(upstream.address() as AddressInfo).port}` });
  });
  after(async () => {
    await toxiproxy?.close();
    await new Promise<void>((resolve) => upstream.close(() => resolve()));
  });

  const toxicFault: ToxicFault = {
    id: 'outage/0',
    phase: 'outage',
    kind: 'toxic',
    proxy: 'svc',
    toxic: { type: 'latency', name: 'rebound_outage_0', stream: 'downstream', toxicity: 1, attributes: { latency: 200, jitter: 0 } },
  };

  it('reports the version and lists proxies with their toxics', async () => {
    expect(await client.version()).to.match(/^\d+\.\d+/);
    const proxies = await client.listProxies();
    expect(proxies.map((proxy) => proxy.name)).to.deep.equal(['svc']);
  });

  it('a toxic is added, slows traffic, and its revert removes it (twice is fine)', async () => {
    const injector = toxiproxyInjector(client);
    const revert = await injector.plan(toxicFault);
    expect(revert.record).to.deep.equal({ kind: 'toxic', toxiproxyUrl: toxiproxy.url, proxy: 'svc', toxic: 'rebound_outage_0' });
    await injector.apply(toxicFault, context);
    expect((await client.findProxy('svc'))!.toxics.map((toxic) => toxic.name)).to.deep.equal(['rebound_outage_0']);
    const started = performance.now();
    await (await fetch(`http://${listen}/`)).text();
    expect(performance.now() - started).to.be.greaterThan(150);
    await revert.run();
    await revert.run();
    expect((await client.findProxy('svc'))!.toxics).to.deep.equal([]);
    expect(toxiproxyFaultKind.describe(toxicFault).description).to.match(/latency latency=200 jitter=0 downstream on svc/);
  });

  it('a proxy taken down refuses connections until reverted', async () => {
    const fault: ProxyDownFault = { id: 'outage/1', phase: 'outage', kind: 'proxy-down', proxy: 'svc' };
    const injector = toxiproxyInjector(client);
    const revert = await injector.plan(fault);
    await injector.apply(fault, context);
    expect((await client.findProxy('svc'))!.enabled).to.equal(false);
    let failed = false;
    await fetch(`http://${listen}/`).catch(() => (failed = true));
    expect(failed).to.equal(true);
    await revert.run();
    await revert.run();
    expect((await client.findProxy('svc'))!.enabled).to.equal(true);
    expect(await (await fetch(`http://${listen}/`)).text()).to.equal('ok');
  });

  it('shows the server\'s error text, not "Request failed with status code N"', async () => {
    const injector = toxiproxyInjector(client);
    const error = await expectRejection(injector.apply({ ...toxicFault, proxy: 'missing' }, context), ToxiproxyApiError, /proxy not found/);
    expect((error as ToxiproxyApiError).status).to.equal(404);
    await injector.apply(toxicFault, context);
    try {
      await expectRejection(injector.apply(toxicFault, context), ToxiproxyApiError, /toxic already exists/);
    } finally {
      await (await injector.plan(toxicFault)).run();
    }
  });

  it('an unreachable Toxiproxy is an InfraError naming the URL and the cause', async () => {
    const url = `http://127.0.0.1:${await freeLoopbackPort()}`;
    await expectRejection(new ToxiproxyClient(url).version(), InfraError, new RegExp(`Toxiproxy ${url} is not reachable .*ECONNREFUSED`));
  });

  it('a sweep reverts what a crashed run journaled (toxic removed, proxy enabled)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rebound-sweep-'));
    try {
      const path = join(dir, 'journal.json');
      const journal = new Journal(path, 'exp');
      const toxic = toxiproxyInjector(client);
      const down = toxiproxyInjector(client);
      const downFault: ProxyDownFault = { id: 'outage/1', phase: 'outage', kind: 'proxy-down', proxy: 'svc' };
      await journal.add(toxicFault.id, 'toxic', (await toxic.plan(toxicFault)).record);
      await toxic.apply(toxicFault, context);
      await journal.add(downFault.id, 'down', (await down.plan(downFault)).record);
      await down.apply(downFault, context);
      // Pretend the run died: its pid is no longer alive.
      const { readFile, writeFile } = await import('node:fs/promises');
      const document = JSON.parse(await readFile(path, 'utf8'));
      await writeFile(path, JSON.stringify({ ...document, pid: 999_999_999 }));
      const report = await sweepJournal(path);
      expect(report.ok).to.equal(true);
      expect(report.actions.map((action) => action.outcome)).to.deep.equal(['reverted', 'reverted']);
      const proxy = (await client.findProxy('svc'))!;
      expect(proxy.enabled).to.equal(true);
      expect(proxy.toxics).to.deep.equal([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
