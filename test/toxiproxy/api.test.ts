import { expect } from 'chai';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { Toxiproxy } from 'toxiproxy-node-client';
import { startToxiproxy, type ToxiproxyServer } from '../../src/toxiproxy/index.ts';
import './chai-status.ts';
import { delay, http, listenPort, startTcpServer, type TcpServer } from './helpers.ts';

/**
 * The HTTP API as toxiproxy-node-client 4.1.0 and curl users see it. Raw HTTP for the error
 * bodies the client hides (it keeps only "Request failed with status code N").
 */
describe('toxiproxy HTTP API', function () {
  this.timeout(10_000);
  let server: ToxiproxyServer;
  let client: Toxiproxy;
  let upstream: TcpServer;

  before(async () => {
    upstream = await startTcpServer((s) => s.pipe(s));
  });
  beforeEach(async () => {
    server = await startToxiproxy({ port: 0 });
    client = new Toxiproxy(server.url);
  });
  afterEach(() => server.close());
  after(() => upstream.close());

  const errorBody = (message: string, status: number): string => `${JSON.stringify({ error: message, status })}\n`;
  const create = (name: string, extra: Record<string, unknown> = {}) =>
    http(server.url, 'POST', '/proxies', JSON.stringify({ name, listen: '127.0.0.1:0', upstream: upstream.address, ...extra }));

  describe('through toxiproxy-node-client', () => {
    it('reports a semver-looking 2.12 version as JSON', async () => {
      expect(JSON.parse(await client.getVersion())).to.deep.equal({ version: '2.12.0+rebound' });
    });

    it('creates a proxy, echoing the real bound address for localhost:0, and lists and gets it', async () => {
      const proxy = await client.createProxy({ name: 'db', listen: 'localhost:0', upstream: upstream.address });
      expect(proxy.listen).to.match(/^127\.0\.0\.1:\d+$/);
      expect(listenPort(proxy.listen)).to.be.above(0);
      expect(proxy.enabled).to.equal(true);
      const all = await client.getAll();
      expect(Object.keys(all)).to.deep.equal(['db']);
      expect(all['db']!.listen).to.equal(proxy.listen);
      expect((await client.get('db')).upstream).to.equal(upstream.address);
    });

    it('keeps a given listen address as given when it is concrete', async () => {
      const free = await startTcpServer(() => {});
      const port = free.port;
      await free.close();
      const proxy = await client.createProxy({ name: 'fixed', listen: `127.0.0.1:${port}`, upstream: upstream.address });
      expect(proxy.listen).to.equal(`127.0.0.1:${port}`);
    });

    it('rejects a duplicate proxy (409) and an unknown one (404) as the client expects', async () => {
      await client.createProxy({ name: 'db', listen: '127.0.0.1:0', upstream: upstream.address });
      await expect(client.createProxy({ name: 'db', listen: '127.0.0.1:0', upstream: upstream.address })).to.be.rejectedWithStatus(409);
      await expect(client.get('missing')).to.be.rejectedWithStatus(404);
    });

    it('adds a toxic with Toxiproxy defaults, gets, updates (merging attributes) and removes it', async () => {
      const proxy = await client.createProxy({ name: 'db', listen: '127.0.0.1:0', upstream: upstream.address });
      const toxic = await proxy.addToxic({ type: 'latency', attributes: { latency: 100, bogus: 1 } } as never);
      expect(toxic.toJson()).to.deep.equal({
        attributes: { latency: 100, jitter: 0 },
        name: 'latency_downstream',
        stream: 'downstream',
        toxicity: 1,
        type: 'latency',
      });
      const updated = await toxic.update({ attributes: { jitter: 5 }, toxicity: 0.3 } as never);
      expect(updated.attributes).to.deep.equal({ latency: 100, jitter: 5 });
      expect(updated.toxicity).to.equal(0.3);
      expect((await proxy.getToxic('latency_downstream')).attributes).to.deep.equal({ latency: 100, jitter: 5 });
      await updated.remove();
      await expect(proxy.getToxic('latency_downstream')).to.be.rejectedWithStatus(404);
    });

    it('updates a proxy with POST and resets every proxy and toxic', async () => {
      const proxy = await client.createProxy({ name: 'db', listen: '127.0.0.1:0', upstream: upstream.address });
      await proxy.addToxic({ type: 'timeout', attributes: { timeout: 10 } } as never);
      const down = await proxy.update({ enabled: false } as never);
      expect(down.enabled).to.equal(false);
      await client.reset();
      const after = await client.get('db');
      expect(after.enabled).to.equal(true);
      expect(after.listen).to.equal(proxy.listen);
      expect((await http(server.url, 'GET', '/proxies/db/toxics')).json()).to.deep.equal([]);
    });

    it('populates proxies, keeping an unchanged one as it is', async () => {
      const first = await client.populate([
        { name: 'a', listen: '127.0.0.1:0', upstream: upstream.address },
        { name: 'b', listen: '127.0.0.1:0', upstream: upstream.address, enabled: false },
      ]);
      expect(Object.keys(first).sort()).to.deep.equal(['a', 'b']);
      expect(first['b']!.enabled).to.equal(false);
      const a = first['a']!;
      await a.addToxic({ type: 'latency', attributes: { latency: 5 } } as never);
      const again = await client.populate([{ name: 'a', listen: a.listen, upstream: upstream.address }]);
      expect(again['a']!.listen).to.equal(a.listen);
      expect((await http(server.url, 'GET', '/proxies/a/toxics')).json()).to.have.length(1);
    });

    it('deletes a proxy (204), closing its listener', async () => {
      const proxy = await client.createProxy({ name: 'db', listen: '127.0.0.1:0', upstream: upstream.address });
      await proxy.remove();
      await expect(client.get('db')).to.be.rejectedWithStatus(404);
      const refused = await new Promise((resolve) => {
        const s = connect(listenPort(proxy.listen), '127.0.0.1');
        s.on('connect', () => (s.destroy(), resolve('connected')));
        s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code));
      });
      expect(refused).to.equal('ECONNREFUSED');
    });
  });

  describe('over raw HTTP', () => {
    it('answers JSON with Go shapes: sorted map keys, field order, 201 on create, 200 on toxic create', async () => {
      for (const name of ['b', 'a', '10', '9']) expect((await create(name)).status).to.equal(201);
      const list = await http(server.url, 'GET', '/proxies');
      expect(list.status).to.equal(200);
      expect(list.contentType).to.equal('application/json');
      expect(Object.keys(list.json() as object)).to.have.length(4);
      expect([...list.text.matchAll(/"(\w+)":\{"name"/g)].map((m) => m[1])).to.deep.equal(['10', '9', 'a', 'b']);
      expect(list.text).to.contain('{"name":"a","listen":"127.0.0.1:');
      const toxic = await http(server.url, 'POST', '/proxies/a/toxics', '{"type":"slicer","stream":"UpStream","toxicity":0.123456789}');
      expect(toxic.status).to.equal(200);
      expect(toxic.text).to.equal('{"attributes":{"average_size":0,"size_variation":0,"delay":0},"name":"slicer_UpStream","type":"slicer","stream":"UpStream","toxicity":0.12345679}');
    });

    it('lists upstream toxics first, then downstream, each in the order added', async () => {
      await create('db');
      for (const body of [
        { name: 'd1', type: 'latency' },
        { name: 'u1', type: 'latency', stream: 'upstream' },
        { name: 'd2', type: 'bandwidth', stream: 'downstream' },
        { name: 'u2', type: 'timeout', stream: 'upstream' },
      ]) {
        expect((await http(server.url, 'POST', '/proxies/db/toxics', JSON.stringify(body))).status).to.equal(200);
      }
      const names = ((await http(server.url, 'GET', '/proxies/db/toxics')).json() as { name: string }[]).map((t) => t.name);
      expect(names).to.deep.equal(['u1', 'u2', 'd1', 'd2']);
      expect((await http(server.url, 'GET', '/proxies/db')).json()).to.have.property('toxics').with.length(4);
    });

    it('gives Toxiproxy error bodies for bad proxy input', async () => {
      const cases: Array<[string, string, string, string | undefined, number, string]> = [
        ['missing name', 'POST', '/proxies', '{"upstream":"x:1"}', 400, 'missing required field: name'],
        ['missing upstream', 'POST', '/proxies', '{"name":"x"}', 400, 'missing required field: upstream'],
        ['empty body', 'POST', '/proxies', '', 400, 'bad request body: EOF'],
        ['truncated JSON', 'POST', '/proxies', '{"name":"x"', 400, 'bad request body: unexpected EOF'],
        ['wrong type', 'POST', '/proxies', '{"name":1,"upstream":"x:1"}', 400, 'bad request body: json: cannot unmarshal number into Go struct field Proxy.name of type string'],
        ['unknown proxy', 'GET', '/proxies/nope', undefined, 404, 'proxy not found'],
        ['unknown proxy update', 'PATCH', '/proxies/nope', '{}', 404, 'proxy not found'],
        ['unknown proxy delete', 'DELETE', '/proxies/nope', undefined, 404, 'proxy not found'],
        ['toxics of unknown proxy', 'GET', '/proxies/nope/toxics', undefined, 404, 'proxy not found'],
      ];
      for (const [label, method, path, body, status, message] of cases) {
        const r = await http(server.url, method, path, body);
        expect(r.status, label).to.equal(status);
        expect(r.text, label).to.equal(errorBody(message, status));
        expect(r.contentType, label).to.equal('text/plain; charset=utf-8');
      }
      await create('dup');
      const dup = await create('dup');
      expect([dup.status, dup.text]).to.deep.equal([409, errorBody('proxy already exists', 409)]);
    });

    it('checks a new toxic in Toxiproxy order: proxy, body, stream, type, duplicate, attributes', async () => {
      await create('db');
      await http(server.url, 'POST', '/proxies/db/toxics', '{"name":"taken","type":"latency"}');
      const post = (path: string, body: string) => http(server.url, 'POST', path, body);
      const cases: Array<[string, string, number, string]> = [
        ['/proxies/nope/toxics', '{bad', 404, 'proxy not found'],
        ['/proxies/db/toxics', '{bad', 400, "bad request body: invalid character 'b' looking for beginning of object key string"],
        ['/proxies/db/toxics', '{"name":"taken","type":"nope","stream":"sideways"}', 400, 'stream was invalid, can be either upstream or downstream'],
        ['/proxies/db/toxics', '{"name":"taken","type":"nope"}', 400, 'invalid toxic type'],
        ['/proxies/db/toxics', '{"name":"taken","type":"latency","attributes":{"latency":"x"}}', 409, 'toxic already exists'],
        ['/proxies/db/toxics', '{"type":"latency","attributes":{"latency":"x"}}', 400, 'bad request body: json: cannot unmarshal string into Go struct field LatencyToxic.attributes.latency of type int64'],
        ['/proxies/db/toxics', '{"type":"limit_data","attributes":{"bytes":1.5}}', 400, 'bad request body: json: cannot unmarshal number 1.5 into Go struct field LimitDataToxic.attributes.bytes of type int64'],
        ['/proxies/db/toxics/nope', '{}', 404, 'toxic not found'],
        ['/proxies/db/toxics/taken', '{"attributes":{"jitter":true}}', 400, 'bad request body: json: cannot unmarshal bool into Go struct field LatencyToxic.attributes.jitter of type int64'],
      ];
      for (const [path, body, status, message] of cases) {
        const r = await post(path, body);
        expect([r.status, r.text], `${path} ${body}`).to.deep.equal([status, errorBody(message, status)]);
      }
      expect((await http(server.url, 'GET', '/proxies/db/toxics/nope')).text).to.equal(errorBody('toxic not found', 404));
      expect((await http(server.url, 'DELETE', '/proxies/db/toxics/nope')).status).to.equal(404);
      const deleted = await http(server.url, 'DELETE', '/proxies/db/toxics/taken');
      expect([deleted.status, deleted.text]).to.deep.equal([204, '']);
    });

    it('answers 500 with the bind error for a listen address in use, and keeps serving', async () => {
      const busy = await startTcpServer(() => {});
      try {
        const r = await create('busy', { listen: busy.address });
        expect([r.status, r.text]).to.deep.equal([500, errorBody(`listen tcp ${busy.address}: bind: address already in use`, 500)]);
        expect((await http(server.url, 'GET', '/proxies/busy')).status).to.equal(404);

        await create('moving');
        const moved = await http(server.url, 'PATCH', '/proxies/moving', JSON.stringify({ listen: busy.address }));
        expect(moved.status).to.equal(500);
        expect(moved.text).to.contain('bind: address already in use');
        const left = (await http(server.url, 'GET', '/proxies/moving')).json() as { enabled: boolean; listen: string };
        expect(left).to.include({ enabled: false, listen: busy.address });
      } finally {
        await busy.close();
      }
    });

    it('populate: validates every entry first (1-based index) and answers 500 with the proxies done so far', async () => {
      const bad = await http(server.url, 'POST', '/populate', JSON.stringify([{ name: 'a', upstream: 'x:1' }, { name: 'b' }]));
      expect([bad.status, bad.json()]).to.deep.equal([400, { error: 'missing required field: upstream at proxy 2', status: 400, proxies: null }]);
      expect((await http(server.url, 'GET', '/proxies')).text).to.equal('{}');

      const busy = await startTcpServer(() => {});
      try {
        const partial = await http(server.url, 'POST', '/populate', JSON.stringify([
          { name: 'ok', listen: '127.0.0.1:0', upstream: 'x:1' },
          { name: 'clash', listen: busy.address, upstream: 'x:1' },
        ]));
        expect(partial.status).to.equal(500);
        const body = partial.json() as { error: string; proxies: { name: string }[] };
        expect(body.error).to.equal(`listen tcp ${busy.address}: bind: address already in use`);
        expect(body.proxies.map((p) => p.name)).to.deep.equal(['ok']);
      } finally {
        await busy.close();
      }
      const empty = await http(server.url, 'POST', '/populate', '[]');
      expect([empty.status, empty.text]).to.deep.equal([201, '{"proxies":null}']);
    });

    it('answers 404 for unknown paths, 405 for wrong methods, 403 for browsers; /version as Toxiproxy writes it', async () => {
      const missing = await http(server.url, 'GET', '/nope');
      expect([missing.status, missing.text]).to.deep.equal([404, '404 page not found\n']);
      expect((await http(server.url, 'PUT', '/proxies')).status).to.equal(405);
      expect((await http(server.url, 'DELETE', '/version')).status).to.equal(405);
      const browser = await http(server.url, 'GET', '/proxies', undefined, { 'User-Agent': 'Mozilla/5.0' });
      expect([browser.status, browser.text]).to.deep.equal([403, 'User agent not allowed\n']);
      const version = await http(server.url, 'GET', '/version');
      expect([version.contentType, version.text]).to.deep.equal(['application/json;charset=utf-8', '{"version": "2.12.0+rebound"}\n']);
      const reset = await http(server.url, 'POST', '/reset', 'ignored');
      expect([reset.status, reset.text]).to.deep.equal([204, '']);
    });

    it('keeps answering others while a client stalls halfway through its body', async () => {
      const stalled = connect(server.port, '127.0.0.1');
      try {
        await new Promise<void>((resolve) => stalled.on('connect', resolve));
        stalled.write(`POST /proxies HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"name":`);
        await delay(50);
        const started = Date.now();
        expect((await create('meanwhile')).status).to.equal(201);
        expect(Date.now() - started).to.be.below(2000);
      } finally {
        stalled.destroy();
      }
    });

    it('answers hostile input with Toxiproxy status codes and keeps serving', async () => {
      await create('db');
      await http(server.url, 'POST', '/proxies/db/toxics', '{"name":"t","type":"latency"}');
      const bodies = [
        '', 'null', '[]', '{}', '"str"', '1e400', '-0', 'true', '{"name":{}}', '{"name":"x","upstream":[1]}',
        '{"type":"latency","attributes":[]}', '{"type":"latency","attributes":"x"}', '{"type":"latency","toxicity":"1"}',
        '{"type":"latency","toxicity":1e39}', '{"type":"latency","attributes":{"latency":1e300}}', '{"type":"timeout","stream":null}',
        '{"type":"slicer","attributes":{"average_size":-5,"size_variation":-1,"delay":-1}}', '[{"name":"p"}]', '[null]', '[[]]',
        '{"name":"\u0000\ud800","upstream":"\u2028:1","listen":"[::1"}', '{"listen":"192.0.2.1:0"}',
        '{"enabled":"yes"}', '{"upstream":"::1:80"}', '\u00ff\u00fe', '{"a":'.repeat(200),
      ];
      const paths = ['/proxies', '/populate', '/proxies/db', '/proxies/db/toxics', '/proxies/db/toxics/t', '/reset', '/proxies/%ZZ', '/proxies/db/toxics/%E0%A4%A'];
      const allowed = [200, 201, 204, 400, 404, 405, 409, 500];
      for (const path of paths) {
        for (const method of path.split('/').length === 3 || path.endsWith('/t') ? ['POST', 'PATCH'] : ['POST']) {
          for (const body of bodies) {
            const r = await http(server.url, method, path, body);
            expect(allowed, `${method} ${path} ${body}`).to.include(r.status);
            if (r.status >= 400 && r.status !== 405 && r.text.startsWith('{')) expect(r.json()).to.have.property('error');
          }
        }
      }
      expect(JSON.parse((await http(server.url, 'GET', '/version')).text)).to.have.property('version');
      expect((await http(server.url, 'GET', '/proxies')).status).to.equal(200);
    });

    it('survives a client that disconnects mid-request', async () => {
      await new Promise<void>((resolve) => {
        const s = connect(server.port, '127.0.0.1', () => {
          s.write(`POST /proxies HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"name":`);
          setTimeout(() => (s.destroy(), resolve()), 50);
        });
      });
      await delay(50);
      expect((await http(server.url, 'GET', '/proxies')).text).to.equal('{}');
      expect((await create('after')).status).to.equal(201);
    });
  });

  describe('startToxiproxy / close', () => {
    it('close() leaves no proxy listening, even with a create in flight', async () => {
      for (let attempt = 0; attempt < 8; attempt++) {
        const free = await startTcpServer(() => {});
        const port = free.port;
        await free.close();
        const own = await startToxiproxy({ port: 0 });
        // node:http without an agent: a fresh connection each time (undici's pool outlives the server)
        const inFlight = new Promise<void>((resolve) => {
          const request = httpRequest(`${own.url}/proxies`, { method: 'POST', agent: false }, (response) => {
            response.resume();
            response.on('close', () => resolve());
          });
          request.on('error', () => resolve());
          request.end(JSON.stringify({ name: 'late', listen: `127.0.0.1:${port}`, upstream: upstream.address }));
        });
        await delay(attempt);
        await own.close();
        await inFlight;
        const refused = await new Promise((resolve) => {
          const s = connect(port, '127.0.0.1');
          s.on('connect', () => (s.destroy(), resolve('connected')));
          s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code));
        });
        expect(refused, `attempt ${attempt}`).to.equal('ECONNREFUSED');
      }
    });

    it('rejects a port taken by another server with InfraError naming the address', async () => {
      const error = await startToxiproxy({ port: server.port }).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(error?.name).to.equal('InfraError');
      expect(error?.message).to.equal(`cannot listen on 127.0.0.1:${server.port}: address already in use`);
    });
  });
});
