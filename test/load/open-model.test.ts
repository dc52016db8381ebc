import { expect } from 'chai';
import { BuiltinLoadDriver } from '../../src/load/builtin.ts';
import type { LoadSummary } from '../../src/load/load-driver.ts';
import type { Sample } from '../../src/load/sample.ts';
import { Timeline } from '../../src/timeline/timeline.ts';
import { constantLoad, countBy, request, runOptions } from './helpers/load-fixtures.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

describe('BuiltinLoadDriver (open model)', function () {
  this.timeout(30_000);

  describe('500/s for 10 s, a 3:1 mix, served-by header', () => {
    let server: TestServer;
    let samples: Sample[];
    let summary: LoadSummary;
    const timeline = new Timeline(100);

    before(async () => {
      let served = 0;
      server = await startTestServer((_req, res) => {
        res.setHeader('X-Served-By', served++ % 4 === 0 ? 'replica-b' : 'replica-a');
        res.end('ok');
      });
      const load = constantLoad(500, [request(`${server.url}/a`, { name: 'a', weight: 3 }), request(`${server.url}/b`, { name: 'b', weight: 1 })], {
        servedByHeader: 'x-served-by',
      });
      const options = runOptions(10_000);
      summary = await new BuiltinLoadDriver().run(load, { ...options, onSample: (sample) => (options.samples.push(sample), timeline.record(sample)) });
      samples = options.samples;
    });
    after(() => server.close());

    it('schedules the planned number of requests within 1 % (counted by scheduledMs)', () => {
      const inRun = samples.filter((sample) => sample.scheduledMs >= 0 && sample.scheduledMs < 10_000).length;
      expect(Math.abs(inRun - 5_000) / 5_000).to.be.at.most(0.01);
      expect(summary.scheduled).to.equal(samples.length);
      expect(summary.dropped).to.equal(0);
      expect(server.received()).to.equal(samples.length);
    });

    it('puts request i at exactly i / rate, independent of responses', () => {
      const planned = samples.map((sample) => sample.scheduledMs).sort((a, b) => a - b);
      planned.forEach((scheduledMs, i) => expect(scheduledMs).to.be.closeTo(i * 2, 1e-9));
      for (const sample of samples) {
        expect(sample.sentMs).to.be.at.least(sample.scheduledMs);
        expect(sample.endMs).to.be.at.least(sample.sentMs);
      }
    });

    it('every sample succeeds and names its request template; the mix keeps its weights', () => {
      expect(samples.every((sample) => sample.ok && sample.status === 200 && sample.failure === undefined)).to.equal(true);
      expect(countBy(samples, (sample) => sample.request)).to.deep.equal({ a: 3_750, b: 1_250 });
    });

    it('counts the served-by header values per bucket and overall', () => {
      expect(timeline.summarize(0, 10_000).servedBy).to.deep.equal({ 'replica-a': 3_750, 'replica-b': 1_250 });
      const buckets = timeline.buckets();
      expect(buckets).to.have.length(100);
      for (const bucket of buckets) {
        expect(bucket.total).to.equal(50);
        expect((bucket.servedBy['replica-a'] ?? 0) + (bucket.servedBy['replica-b'] ?? 0)).to.equal(50);
      }
    });
  });

  describe('a server that stalls', () => {
    let server: TestServer | undefined;
    afterEach(() => server?.close());

    it('shows a 2 s stall as latency in exactly the stalled buckets, and keeps scheduling during it', async () => {
      const options = runOptions(4_000);
      const stallFrom = 1_000;
      const stallTo = 3_000;
      const held: (() => void)[] = [];
      const release = setTimeout(() => held.splice(0).forEach((respond) => respond()), stallTo - (performance.now() - options.origin));
      server = await startTestServer((_req, res) => {
        const at = performance.now() - options.origin;
        if (at >= stallFrom && at < stallTo) held.push(() => res.end('late'));
        else res.end('ok');
      });
      const timeline = new Timeline(100);
      try {
        await new BuiltinLoadDriver().run(constantLoad(200, [request(`${server.url}/`)], { connections: 512, timeoutMs: 5_000 }), {
          ...options,
          onSample: (sample) => timeline.record(sample),
        });
      } finally {
        clearTimeout(release);
      }
      const buckets = timeline.buckets();
      expect(buckets).to.have.length(40);
      for (const bucket of buckets) {
        // No coordinated omission: 20 requests per 100 ms bucket throughout, stall included.
        expect(bucket.total, `bucket ${bucket.index}`).to.equal(20);
        expect(bucket.successes).to.equal(20);
        const startMs = bucket.index * 100;
        const p50 = bucket.latency!.p50;
        const expected = stallTo - (startMs + 50);
        if (startMs >= stallFrom + 100 && expected >= 600) {
          // Held until the stall ends: latency ≈ time left in the stall, from the scheduled time.
          // It cannot be lower; a loaded machine can only make it higher.
          expect(p50, `bucket ${bucket.index}`).to.be.within(expected - 80, expected + 500);
        } else if (startMs + 100 <= stallFrom - 100 || startMs >= stallTo + 300) {
          expect(p50, `bucket ${bucket.index}`).to.be.below(400);
        }
      }
      const outside = buckets.filter((bucket) => bucket.index * 100 + 100 <= stallFrom - 100).map((bucket) => bucket.latency!.p50).sort((a, b) => a - b);
      expect(outside[Math.floor(outside.length / 2)], 'typical latency before the stall').to.be.below(100);
    });

    it('shows a 1 s burst of 503s as http_status failures in exactly those buckets', async () => {
      const options = runOptions(2_500);
      server = await startTestServer((_req, res) => {
        const at = performance.now() - options.origin;
        res.statusCode = at >= 1_000 && at < 2_000 ? 503 : 200;
        res.end();
      });
      const timeline = new Timeline(100);
      await new BuiltinLoadDriver().run(constantLoad(200, [request(`${server.url}/`)]), { ...options, onSample: (sample) => timeline.record(sample) });
      for (const bucket of timeline.buckets()) {
        expect(bucket.total).to.equal(20);
        const startMs = bucket.index * 100;
        if (startMs >= 1_100 && startMs < 1_900) expect(bucket.failures, `bucket ${bucket.index}`).to.deep.equal({ http_status: 20 });
        if (startMs < 900 || startMs >= 2_100) expect(bucket.successes, `bucket ${bucket.index}`).to.equal(20);
      }
      expect(timeline.summarize(0, 2_500).failuresByKind.http_status).to.be.within(180, 220);
    });
  });

  describe('scheduling under pressure', () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer((_req, res) => res.end('ok'));
    });
    after(() => server.close());

    it('catches up after a blocked event loop, keeping each request’s true scheduled time', async () => {
      const options = runOptions(1_000);
      const block = setTimeout(() => {
        const until = performance.now() + 300;
        while (performance.now() < until) {
          // Busy: the scheduler's timers cannot run.
        }
      }, 400);
      try {
        await new BuiltinLoadDriver().run(constantLoad(200, [request(`${server.url}/`)]), options);
      } finally {
        clearTimeout(block);
      }
      const sorted = [...options.samples].sort((a, b) => a.scheduledMs - b.scheduledMs);
      expect(sorted).to.have.length(200);
      sorted.forEach((sample, i) => expect(sample.scheduledMs).to.be.closeTo(i * 5, 1e-9));
      const lateStarts = sorted.filter((sample) => sample.sentMs - sample.scheduledMs > 150);
      expect(lateStarts.length, 'requests planned during the block were sent late, not skipped').to.be.at.least(20);
      expect(sorted.every((sample) => sample.ok)).to.equal(true);
    });

    it('integrates a ramp: 0 → 400/s over 1 s, then 400/s for 0.5 s', async () => {
      const options = runOptions(1_500);
      const load = { ...constantLoad(1, [request(`${server.url}/`)]), rate: { kind: 'ramp' as const, startPerSecond: 0, stages: [{ durationMs: 1_000, target: 400 }, { durationMs: 500, target: 400 }] } };
      const summary = await new BuiltinLoadDriver().run(load, options);
      // ∫ = 200 over the ramp + 200 at 400/s.
      expect(summary.scheduled).to.be.within(399, 401);
      const firstHalf = options.samples.filter((sample) => sample.scheduledMs < 500).length;
      expect(firstHalf).to.be.within(49, 51); // ∫₀^0.5 400t dt = 50
      expect(options.samples.every((sample) => sample.ok)).to.equal(true);
    });
  });
});
