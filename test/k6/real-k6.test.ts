import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { findK6, K6LoadDriver, type K6SummaryExtra } from '../../src/load/k6.ts';
import type { Sample } from '../../src/load/sample.ts';
import { startRunClock } from '../../src/timeline/clock.ts';
import { k6Load } from './load-fixture.ts';

/** End to end with a REAL k6 (K6_BIN or PATH); skipped, with the reason printed, when there is none. */
describe('K6LoadDriver with a real k6', function () {
  this.timeout(30_000);
  let k6: string | undefined;
  let server: http.Server;
  let base: string;

  before(async function () {
    const found = await findK6(undefined, process.env);
    if ('notFound' in found) {
      console.log(`      (skipped: no real k6; looked in ${found.notFound.join(', ')}; set K6_BIN to run these)`);
      this.skip();
    }
    k6 = found.path;
    server = http.createServer((req, res) => {
      res.writeHead(req.url === '/fail' ? 503 : 200, { 'x-served-by': 'real-a' }).end('{"ok":true}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    if (server) await new Promise((resolve) => server.close(resolve));
  });

  it('drives load at the planned rate and reads every request back', async () => {
    const clock = startRunClock();
    const samples: Sample[] = [];
    const load = k6Load({
      rate: { kind: 'constant', perSecond: 50 },
      requests: [
        { name: 'ok', method: 'GET', url: `${base}/ok`, headers: {}, weight: 3 },
        { name: 'fail', method: 'GET', url: `${base}/fail`, headers: {}, weight: 1 },
      ],
      servedByHeader: 'x-served-by',
      k6: { binary: k6! },
    });
    const driver = new K6LoadDriver();
    await driver.preflight(load);
    const summary = await driver.run(load, { now: clock.now, onSample: (s) => samples.push(s), signal: new AbortController().signal, durationMs: 2000, drainMs: 1000 });
    expect((summary.extra!.k6 as K6SummaryExtra).outcome).to.equal('completed');
    expect(samples.length).to.be.within(90, 101);
    expect(samples.filter((s) => s.request === 'fail').every((s) => s.failure === 'http_status')).to.equal(true);
    expect(samples.filter((s) => s.request === 'ok').every((s) => s.ok && s.servedBy === 'real-a')).to.equal(true);
  });
});
