import { expect } from 'chai';
import http from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InfraError } from '../../src/errors.ts';
import type { ResolvedLoad } from '../../src/experiment/resolved.ts';
import { findK6, K6LoadDriver, type K6SummaryExtra } from '../../src/load/k6.ts';
import type { LoadRunOptions } from '../../src/load/load-driver.ts';
import type { Sample } from '../../src/load/sample.ts';
import { startRunClock } from '../../src/timeline/clock.ts';
import { Timeline } from '../../src/timeline/timeline.ts';
import { k6Load } from './load-fixture.ts';

/** FAKE k6 (a test double named as such; see fake-k6/fake-k6.mjs for what it mimics). */
const FAKE_K6 = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fake-k6', 'k6');

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function runDriver(load: ResolvedLoad, timing: { durationMs: number; drainMs: number }, abortAfterMs?: number) {
  const clock = startRunClock();
  const samples: Sample[] = [];
  const controller = new AbortController();
  const timer = abortAfterMs === undefined ? undefined : setTimeout(() => controller.abort(), abortAfterMs);
  const options: LoadRunOptions = { now: clock.now, onSample: (sample) => samples.push(sample), signal: controller.signal, ...timing };
  try {
    const driver = new K6LoadDriver();
    await driver.preflight(load);
    const summary = await driver.run(load, options);
    return { summary, samples, extra: summary.extra!.k6 as K6SummaryExtra, elapsedMs: clock.now() };
  } finally {
    clearTimeout(timer);
  }
}

describe('K6LoadDriver against the FAKE k6 and a local server', function () {
  this.timeout(15_000);
  let server: http.Server;
  let base: string;
  let refusedPort: number;
  let dir: string;

  before(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/fail') {
        res.writeHead(503, { 'x-served-by': 'instance-b' }).end('down');
      } else {
        res.writeHead(200, { 'x-served-by': 'instance-a', 'content-type': 'application/json' }).end('{"ok":true}');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    refusedPort = await closedPort();
    dir = await mkdtemp(path.join(os.tmpdir(), 'rebound-k6-driver-'));
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  it('runs a generated script: samples on the run clock, served-by, version, exit 0', async () => {
    const load = k6Load({
      rate: { kind: 'constant', perSecond: 80 },
      requests: [{ name: 'checkout', method: 'GET', url: `${base}/checkout`, headers: {}, weight: 1 }],
      servedByHeader: 'x-served-by',
      success: { statuses: [[200, 299]], bodyPattern: '"ok":true' },
      k6: { binary: FAKE_K6 },
    });
    const { summary, samples, extra, elapsedMs } = await runDriver(load, { durationMs: 1000, drainMs: 500 });
    expect(summary).to.include({ driver: 'k6', version: '0.48.0-fake', dropped: 0 });
    expect(extra).to.include({ exitCode: 0, outcome: 'completed', thresholdsFailed: false, script: 'generated' });
    expect(samples.length).to.be.within(70, 81);
    expect(summary.scheduled).to.equal(samples.length);
    for (const sample of samples) {
      expect(sample).to.include({ ok: true, status: 200, servedBy: 'instance-a', request: 'checkout' });
      expect(sample.scheduledMs).to.be.within(0, elapsedMs);
      expect(sample.endMs).to.be.at.least(sample.sentMs);
      expect(sample.sentMs).to.be.at.least(sample.scheduledMs);
    }
    // Open model: sends spread over ~1 s at 80/s, not bunched.
    const timeline = new Timeline(100);
    samples.forEach((sample) => timeline.record(sample));
    const busiest = Math.max(...timeline.buckets().map((bucket) => bucket.total));
    expect(busiest).to.be.at.most(20);
  });

  it('classifies 5xx, refused connections and a failed body rule like the built-in driver', async () => {
    const load = k6Load({
      rate: { kind: 'constant', perSecond: 60 },
      requests: [
        { name: 'fail', method: 'GET', url: `${base}/fail`, headers: {}, weight: 1 },
        { name: 'refused', method: 'GET', url: `http://127.0.0.1:${refusedPort}/x`, headers: {}, weight: 1 },
        { name: 'wrong-body', method: 'GET', url: `${base}/ok`, headers: {}, weight: 1 },
      ],
      success: { statuses: [[200, 299]], bodyPattern: 'never-matches' },
      k6: { binary: FAKE_K6 },
    });
    const { samples } = await runDriver(load, { durationMs: 500, drainMs: 500 });
    const byName = (name: string) => samples.filter((sample) => sample.request === name);
    expect(byName('fail').length).to.be.at.least(5);
    expect(byName('fail').every((s) => s.failure === 'http_status' && s.status === 503 && !s.ok)).to.equal(true);
    expect(byName('refused').every((s) => s.failure === 'connection_refused' && s.status === undefined)).to.equal(true);
    expect(byName('wrong-body').every((s) => s.failure === 'other' && s.status === 200)).to.equal(true);
  });

  it('abort: SIGINT to k6, bounded wait, interrupted outcome', async () => {
    const load = k6Load({ rate: { kind: 'constant', perSecond: 20 }, requests: [{ name: 'ok', method: 'GET', url: `${base}/ok`, headers: {}, weight: 1 }], k6: { binary: FAKE_K6 } });
    const { extra, elapsedMs, samples } = await runDriver(load, { durationMs: 20_000, drainMs: 500 }, 700);
    expect(extra).to.include({ exitCode: 105, outcome: 'interrupted', stoppedBy: 'abort' });
    expect(elapsedMs).to.be.below(5000);
    expect(samples.length).to.be.within(1, 20);
  });

  it("a user's script: k6's own thresholds failing (exit 99) are reported, not an error", async () => {
    const script = path.join(dir, 'user-thresholds.js');
    await writeFile(script, [
      "import http from 'k6/http';",
      `// fake-k6: ${JSON.stringify({ url: `${base}/fail` })}`,
      'export const options = {"scenarios":{"mine":{"executor":"constant-arrival-rate","rate":30,"timeUnit":"1s","duration":"400ms","preAllocatedVUs":5,"maxVUs":5}},"thresholds":{"http_req_failed":["rate<0.01"]}};',
      `export default function () { http.get('${base}/fail'); }`,
    ].join('\n'));
    const load = k6Load({ k6: { binary: FAKE_K6, script } });
    const { extra, samples } = await runDriver(load, { durationMs: 5000, drainMs: 500 });
    expect(extra).to.include({ exitCode: 99, outcome: 'thresholds-failed', thresholdsFailed: true, script });
    expect(extra.thresholds).to.deep.equal({ http_req_failed: { 'rate<0.01': { ok: false } } });
    expect(samples.length).to.be.at.least(5);
    expect(samples.every((s) => s.failure === 'http_status')).to.equal(true);
  });

  it("k6 failing (exit 107) is an InfraError carrying k6's message", async () => {
    const script = path.join(dir, 'user-broken.js');
    await writeFile(script, `// fake-k6: ${JSON.stringify({ exit: 107, stderr: 'SyntaxError: Unexpected token (3:7)' })}\n`);
    let thrown: unknown;
    try {
      await runDriver(k6Load({ k6: { binary: FAKE_K6, script } }), { durationMs: 1000, drainMs: 0 });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).to.be.instanceOf(InfraError);
    expect((thrown as Error).message).to.equal('k6 exited with code 107 (script exception): SyntaxError: Unexpected token (3:7)');
  });

  it('a missing k6 fails preflight with the places looked and what to do', async () => {
    const driver = new K6LoadDriver({ PATH: `${dir}${path.delimiter}/nonexistent-rebound-bin` });
    let thrown: unknown;
    try {
      await driver.preflight(k6Load());
    } catch (error) {
      thrown = error;
    }
    expect(thrown).to.be.instanceOf(InfraError);
    expect((thrown as Error).message).to.equal(`k6 not found (looked in ${path.join(dir, 'k6')}, /nonexistent-rebound-bin/k6); install k6 or set load.driver: builtin`);
    const pinned = await findK6('/nonexistent-rebound-bin/k6', {});
    expect(pinned).to.deep.equal({ notFound: ['/nonexistent-rebound-bin/k6'] });
  });

  it('findK6 finds k6 on PATH, or through K6_BIN, and reads its version', async () => {
    expect(await findK6(undefined, { PATH: `/nonexistent-rebound-bin${path.delimiter}${path.dirname(FAKE_K6)}` })).to.deep.equal({ path: FAKE_K6, version: '0.48.0-fake' });
    expect(await findK6(undefined, { K6_BIN: FAKE_K6, PATH: '' })).to.deep.equal({ path: FAKE_K6, version: '0.48.0-fake' });
  });

  it("a missing user script fails preflight", async () => {
    const load = k6Load({ k6: { binary: FAKE_K6, script: path.join(dir, 'nope.js') } });
    let thrown: unknown;
    try {
      await new K6LoadDriver().preflight(load);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).to.be.instanceOf(InfraError);
    expect((thrown as Error).message).to.match(/^k6 script not found: .*nope\.js$/);
  });
});
