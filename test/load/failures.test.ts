import { expect } from 'chai';
import type { ServerResponse } from 'node:http';
import { BuiltinLoadDriver } from '../../src/load/builtin.ts';
import { runClosedLoad } from '../../src/load/closed-model.ts';
import { classifyError } from '../../src/load/failure-classifier.ts';
import { countBy, constantLoad, request, runOptions } from './helpers/load-fixtures.ts';
import { closedPort, startTestServer, type TestServer } from './helpers/test-server.ts';

describe('BuiltinLoadDriver: failures, cap, drain', function () {
  this.timeout(20_000);
  const servers: TestServer[] = [];
  after(async () => {
    await Promise.all(servers.map((server) => server.close()));
  });
  async function server(handler: Parameters<typeof startTestServer>[0]): Promise<TestServer> {
    const started = await startTestServer(handler);
    servers.push(started);
    return started;
  }

  it('classifies a server that never answers as timeout, at the timeout from send time', async () => {
    const silent = await server(() => {});
    const options = runOptions(300, { drainMs: 2_000 });
    await new BuiltinLoadDriver().run(constantLoad(50, [request(`${silent.url}/`)], { timeoutMs: 250 }), options);
    expect(options.samples).to.have.length(15);
    for (const sample of options.samples) {
      expect(sample).to.include({ ok: false, failure: 'timeout' });
      expect(sample.status).to.equal(undefined);
      // The deadline runs from the hand-over to undici (≥ scheduledMs); a sweep every ~12 ms
      // enforces it. Generous upper bound for a loaded machine.
      expect(sample.endMs - sample.scheduledMs).to.be.within(249, 600);
    }
  });

  it('classifies a closed port as connection_refused', async () => {
    const port = await closedPort();
    const options = runOptions(200);
    await new BuiltinLoadDriver().run(constantLoad(50, [request(`http://127.0.0.1:${port}/`)]), options);
    expect(options.samples).to.have.length(10);
    expect(countBy(options.samples, (sample) => sample.failure)).to.deep.equal({ connection_refused: 10 });
  });

  it('classifies a server that destroys the socket as connection_reset', async () => {
    const rude = await server((req) => req.socket.destroy());
    const options = runOptions(200);
    await new BuiltinLoadDriver().run(constantLoad(50, [request(`${rude.url}/`)]), options);
    expect(options.samples).to.have.length(10);
    expect(countBy(options.samples, (sample) => sample.failure)).to.deep.equal({ connection_reset: 10 });
  });

  it('applies the success rule: status ranges, then header and body patterns', async () => {
    const mixed = await server((req, res) => {
      const path = req.url ?? '/';
      res.statusCode = path === '/missing' ? 404 : path === '/error' ? 500 : 200;
      res.setHeader('x-degraded', path === '/degraded' ? 'true' : 'false');
      res.end(path === '/wrong-body' ? '{"ok":false}' : '{"ok":true}');
    });
    const paths = ['/fine', '/missing', '/error', '/degraded', '/wrong-body'];
    const load = constantLoad(100, paths.map((path) => request(`${mixed.url}${path}`, { name: path })), {
      success: { statuses: [[200, 299], [404, 404]], header: { name: 'X-Degraded', pattern: '^false$' }, bodyPattern: '"ok":true' },
    });
    const options = runOptions(200);
    await new BuiltinLoadDriver().run(load, options);
    expect(options.samples).to.have.length(20);
    const outcome = countBy(options.samples, (sample) => `${sample.request} ${sample.status} ${sample.failure ?? 'ok'}`);
    expect(outcome).to.deep.equal({
      '/fine 200 ok': 4,
      '/missing 404 ok': 4,
      '/error 500 http_status': 4,
      '/degraded 200 other': 4,
      '/wrong-body 200 other': 4,
    });
  });

  it('drops what is over the in-flight cap, as dropped samples, never silently', async () => {
    const held: ServerResponse[] = [];
    const slow = await server((_req, res) => held.push(res));
    const options = runOptions(500);
    const release = setTimeout(() => held.forEach((res) => res.end('ok')), 700);
    try {
      const summary = await new BuiltinLoadDriver().run(constantLoad(100, [request(`${slow.url}/`)], { maxInFlight: 5 }), options);
      expect(summary).to.include({ scheduled: 50, dropped: 45 });
      expect(countBy(options.samples, (sample) => sample.failure ?? 'ok')).to.deep.equal({ ok: 5, dropped: 45 });
      const dropped = options.samples.find((sample) => sample.failure === 'dropped')!;
      expect(dropped.request).to.equal('get');
      expect(slow.received()).to.equal(5);
    } finally {
      clearTimeout(release);
    }
  });

  it('on abort: stops scheduling, drains for drainMs, reports the rest as timeouts (extra.cutOff)', async () => {
    const silent = await server(() => {});
    const controller = new AbortController();
    const options = runOptions(10_000, { signal: controller.signal, drainMs: 200 });
    setTimeout(() => controller.abort(), 300);
    const started = performance.now();
    const summary = await new BuiltinLoadDriver().run(constantLoad(100, [request(`${silent.url}/`)], { timeoutMs: 5_000 }), options);
    const took = performance.now() - started;
    expect(took).to.be.within(450, 2_000);
    expect(summary.scheduled).to.be.within(25, 40);
    expect(summary.extra?.cutOff).to.equal(summary.scheduled);
    expect(options.samples).to.have.length(summary.scheduled);
    expect(options.samples.every((sample) => sample.failure === 'timeout' && sample.scheduledMs < 400)).to.equal(true);
  });

  it('closed model: keeps at most `connections` requests in flight, each scheduled when sent', async () => {
    const fast = await server((_req, res) => setTimeout(() => res.end('ok'), 2));
    const options = runOptions(500);
    const summary = await runClosedLoad(
      { requests: [request(`${fast.url}/`)], timeoutMs: 1_000, connections: 4, success: { statuses: [[200, 399]] } },
      options,
    );
    expect(options.samples.length).to.be.at.least(50);
    expect(summary.scheduled).to.equal(options.samples.length);
    expect(fast.maxConcurrent()).to.be.at.most(4);
    for (const sample of options.samples) {
      expect(sample.ok).to.equal(true);
      // Closed model: scheduled when sent; sentMs is when undici gave it a socket.
      expect(sample.sentMs - sample.scheduledMs).to.be.within(0, 100);
    }
  });

  it('classifyError looks through AggregateError and cause chains', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(classifyError(new AggregateError([refused]))).to.equal('connection_refused');
    expect(classifyError(new Error('wrapped', { cause: Object.assign(new Error('x'), { code: 'EPIPE' }) }))).to.equal('connection_reset');
    expect(classifyError(Object.assign(new Error('t'), { code: 'UND_ERR_HEADERS_TIMEOUT' }))).to.equal('timeout');
    expect(classifyError(new Error('something else'))).to.equal('other');
  });
});
