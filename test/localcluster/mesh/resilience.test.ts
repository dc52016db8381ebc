import { expect } from 'chai';
import { Agent, request } from 'node:http';
import { startLocalCluster, type LocalCluster } from '../../../src/localcluster/index.ts';
import { tempDir, writeManifest } from '../helpers.ts';
import { applyObject, backendDeployment, call, callMany, deleteObject, namespaceManifest, podPorts, requestsTotal, serviceManifest, servicePort, setMode, tally } from './mesh-helpers.ts';

const NS = 'mesh-res';
const vs = (spec: unknown) => ({ apiVersion: 'networking.istio.io/v1beta1', kind: 'VirtualService', metadata: { name: 'payments', namespace: NS }, spec });
const dr = (spec: unknown) => ({ apiVersion: 'networking.istio.io/v1alpha3', kind: 'DestinationRule', metadata: { name: 'payments', namespace: NS }, spec });
const route = (extra: Record<string, unknown> = {}) => ({ hosts: ['payments'], http: [{ route: [{ destination: { host: 'payments' } }], ...extra }] });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('mesh: retries, timeouts, balancing, outlier detection, connection pool', function () {
  this.timeout(60_000);
  let cluster: LocalCluster;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let port: number;
  let pods: Array<{ name: string; port: number }>;

  /** Requests each pod has seen so far (read from the pods, not through the mesh). */
  const counts = async () => Object.fromEntries(await Promise.all(pods.map(async (p) => [p.name, JSON.parse((await call(p.port, '/__count')).body).count as number])));
  const served = async (before: Record<string, number>) => {
    const after = await counts();
    return Object.fromEntries(pods.map((p) => [p.name, after[p.name]! - before[p.name]!]));
  };
  const sum = (record: Record<string, number>) => Object.values(record).reduce((a, b) => a + b, 0);

  before(async () => {
    dir = await tempDir();
    const manifest = [namespaceManifest(NS), serviceManifest({ app: 'payments', namespace: NS }), backendDeployment({ app: 'payments', version: 'v1', namespace: NS, replicas: 3 })].join('---\n');
    cluster = await startLocalCluster({ manifests: await writeManifest(dir.path, 'payments.yaml', manifest), meshSeed: 7 });
    port = servicePort(cluster, NS, 'payments');
    pods = await podPorts(cluster, NS, 'app=payments');
    expect(pods).to.have.length(3);
  });
  after(async () => {
    await cluster?.close();
    await dir?.cleanup();
  });
  afterEach(async () => {
    await deleteObject(cluster, 'networking.istio.io/v1', 'virtualservices', NS, 'payments');
    await deleteObject(cluster, 'networking.istio.io/v1', 'destinationrules', NS, 'payments');
    await Promise.all(pods.map((p) => setMode(p.port, {})));
  });

  it('retries `attempts` times on 5xx, then returns the last answer with URX', async () => {
    await applyObject(cluster, vs(route({ retries: { attempts: 3, retryOn: '5xx' } })));
    await Promise.all(pods.map((p) => setMode(p.port, { status: 503 })));
    const before = await counts();
    const reply = await call(port);
    expect(reply.status).to.equal(503);
    expect(sum(await served(before))).to.equal(4);
    expect(await requestsTotal(cluster, { reporter: 'source', response_code: '503', response_flags: 'URX' })).to.equal(1);
    expect(await requestsTotal(cluster, { reporter: 'destination', response_code: '503' })).to.equal(4);
  });

  it('a retried response that is still streaming is dropped at once, not drained', async () => {
    await applyObject(cluster, vs(route({ retries: { attempts: 2, retryOn: '5xx' } })));
    const before = await counts();
    const started = Date.now();
    // every try answers 503 with a body of 60 chunks 10 ms apart (≈ 600 ms)
    const reply = await call(port, '/?status=503&chunks=60');
    const elapsed = Date.now() - started;
    expect(reply.status).to.equal(503);
    expect(reply.body.split('\n')).to.have.length(61);
    expect(sum(await served(before))).to.equal(3);
    // draining the two dropped bodies would take ≥ 1.8 s in all; dropping them, one body's time
    expect(elapsed).to.be.below(1500);
  });

  it("Istio's default policy (no retries block) does not retry a 503 since 1.24, nor a reset", async () => {
    await applyObject(cluster, vs(route()));
    await Promise.all(pods.map((p) => setMode(p.port, { status: 503 })));
    let before = await counts();
    expect((await call(port)).status).to.equal(503);
    expect(sum(await served(before))).to.equal(1);
    await Promise.all(pods.map((p) => setMode(p.port, { reset: true })));
    before = await counts();
    const reset = await call(port);
    expect(reset.status).to.equal(503);
    expect(sum(await served(before))).to.equal(1);
    expect(await requestsTotal(cluster, { reporter: 'source', response_code: '503', response_flags: 'UC' })).to.equal(1);
  });

  it('retriable status codes in retryOn; attempts: 0 disables retries', async () => {
    await applyObject(cluster, vs(route({ retries: { attempts: 2, retryOn: '409,retriable-4xx' } })));
    await Promise.all(pods.map((p) => setMode(p.port, { status: 409 })));
    let before = await counts();
    expect((await call(port)).status).to.equal(409);
    expect(sum(await served(before))).to.equal(3);
    await applyObject(cluster, vs(route({ retries: { attempts: 0 } })));
    before = await counts();
    expect((await call(port)).status).to.equal(409);
    expect(sum(await served(before))).to.equal(1);
  });

  it('retries on another host (previous_hosts): a failing pod fails a request only when all six picks of its retry draw it again', async () => {
    await applyObject(cluster, vs(route({ retries: { attempts: 1, retryOn: '5xx' } })));
    await setMode(pods[0]!.port, { status: 500 });
    const replies = await callMany(port, 60, '/', 4);
    // With 3 pods a retry lands on the failing one again with p ≈ (1/3)^6, so about one request in
    // 2000 fails (P(≥ 2 of 60) < 0.1 %); without previous_hosts one in 9 would (P(≤ 1 of 60) < 1 %).
    const statuses = tally(replies, (r) => String(r.status));
    expect(statuses['200'] ?? 0, JSON.stringify(statuses)).to.be.at.least(59);
    expect(Object.keys(statuses).filter((status) => status !== '200' && status !== '500'), JSON.stringify(statuses)).to.deep.equal([]);
    // the retried try says so in x-envoy-attempt-count
    expect(replies.some((r) => r.json?.attempt === '2')).to.equal(true);
  });

  it('per-try timeout: each try is cut at perTryTimeout and retried under 5xx; the end is 504 UT', async () => {
    await applyObject(cluster, vs(route({ retries: { attempts: 2, perTryTimeout: '100ms', retryOn: '5xx' } })));
    await Promise.all(pods.map((p) => setMode(p.port, { delayMs: 400 })));
    const before = await counts();
    const started = Date.now();
    const reply = await call(port);
    expect(reply.status).to.equal(504);
    expect(reply.body).to.equal('upstream request timeout');
    expect(Date.now() - started).to.be.at.least(300);
    expect(sum(await served(before))).to.equal(3);
    // connect-failure alone does not retry a per-try timeout
    await applyObject(cluster, vs(route({ retries: { attempts: 2, perTryTimeout: '100ms', retryOn: 'connect-failure' } })));
    const again = await counts();
    expect((await call(port)).status).to.equal(504);
    expect(sum(await served(again))).to.equal(1);
  });

  it('a per-try timeout after the response headers went out resets the client (no retry), counted as UT', async () => {
    await applyObject(cluster, vs(route({ retries: { attempts: 2, perTryTimeout: '150ms', retryOn: '5xx' } })));
    const before = await counts();
    // 30 chunks 10 ms apart: the headers leave at once, the body outlives the per-try timeout
    const outcome = await call(port, '/?chunks=30').then(
      () => 'completed',
      (error: NodeJS.ErrnoException) => error.code ?? error.message,
    );
    expect(outcome).to.not.equal('completed');
    expect(sum(await served(before))).to.equal(1);
    expect(await requestsTotal(cluster, { reporter: 'source', response_code: '200', response_flags: 'UT' })).to.equal(1);
  });

  it('the route timeout spans all tries: 504 UT, no further retry', async () => {
    await applyObject(cluster, vs(route({ timeout: '250ms', retries: { attempts: 5, perTryTimeout: '100ms', retryOn: '5xx' } })));
    await Promise.all(pods.map((p) => setMode(p.port, { delayMs: 1000 })));
    const before = await counts();
    const reply = await call(port);
    expect(reply.status).to.equal(504);
    const tries = sum(await served(before));
    // 250 ms of 100 ms tries plus back-off: two or three tries, never the six allowed
    expect(tries).to.be.within(2, 3);
    expect(await requestsTotal(cluster, { reporter: 'source', response_code: '504', response_flags: 'UT' })).to.be.at.least(2);
  });

  it('ROUND_ROBIN spreads evenly; RANDOM within binomial bounds', async () => {
    await applyObject(cluster, dr({ host: 'payments', trafficPolicy: { loadBalancer: { simple: 'ROUND_ROBIN' } } }));
    let before = await counts();
    await callMany(port, 300, '/', 1);
    expect(Object.values(await served(before))).to.deep.equal([100, 100, 100]);
    await applyObject(cluster, dr({ host: 'payments', trafficPolicy: { loadBalancer: { simple: 'RANDOM' } } }));
    before = await counts();
    await callMany(port, 600, '/', 4);
    // n = 600, p = 1/3: 200 ± 3.29·sqrt(600·(1/3)·(2/3)) ≈ 200 ± 38 (99.9 %)
    for (const n of Object.values(await served(before))) expect(n).to.be.within(162, 238);
  });

  it('LEAST_REQUEST (the default) sends less to a slow host than its equal share', async () => {
    await applyObject(cluster, dr({ host: 'payments' }));
    await setMode(pods[0]!.port, { delayMs: 100 });
    const before = await counts();
    await callMany(port, 150, '/', 6);
    const share = (await served(before))[pods[0]!.name]! / 150;
    // with the slow host busy, it wins only when both samples draw it (≈ 1/9); round robin would give 1/3
    expect(share).to.be.below(0.22);
  });

  it('ejects a host after N consecutive 5xx at once, and re-admits it after base × k (growing)', async () => {
    await applyObject(cluster, vs(route({ retries: { attempts: 0 } })));
    await applyObject(cluster, dr({ host: 'payments', trafficPolicy: { loadBalancer: { simple: 'ROUND_ROBIN' }, outlierDetection: { consecutive5xxErrors: 1, interval: '1s', baseEjectionTime: '1s', maxEjectionPercent: 100 } } }));
    const bad = pods[0]!.name;
    await setMode(pods[0]!.port, { status: 500 });
    const badTimes: number[] = [];
    const deadline = Date.now() + 8000;
    // bounded: stops at the third visit to the bad pod or after 8 s
    while (Date.now() < deadline && badTimes.length < 3) {
      const reply = await call(port);
      if (reply.json?.pod === bad) badTimes.push(Date.now());
      await sleep(10);
    }
    expect(badTimes).to.have.length(3);
    const first = badTimes[1]! - badTimes[0]!;
    const second = badTimes[2]! - badTimes[1]!;
    // ejected for base × 1, back at the first 1 s sweep after that; then base × 2
    expect(first).to.be.within(1000, 2000 + 300);
    expect(second).to.be.within(2000, 3000 + 300);
  });

  it('maxEjectionPercent is strict: (ejected + 1) / hosts must stay within it; default 10 % never ejects 1 of 3', async () => {
    await applyObject(cluster, vs(route({ retries: { attempts: 0 } })));
    await applyObject(cluster, dr({ host: 'payments', trafficPolicy: { loadBalancer: { simple: 'ROUND_ROBIN' }, outlierDetection: { consecutive5xxErrors: 1, interval: '10s', baseEjectionTime: '30s', maxEjectionPercent: 50 } } }));
    await setMode(pods[0]!.port, { status: 500 });
    await setMode(pods[1]!.port, { status: 500 });
    await callMany(port, 12, '/', 1);
    const before = await counts();
    await callMany(port, 30, '/', 1);
    const after = await served(before);
    // one of the two failing pods is out (33 % ≤ 50 %), the second would make 67 %
    expect([after[pods[0]!.name], after[pods[1]!.name]].sort()).to.deep.equal([0, 15]);
    await applyObject(cluster, dr({ host: 'payments', trafficPolicy: { loadBalancer: { simple: 'ROUND_ROBIN' }, outlierDetection: { consecutive5xxErrors: 1 } } }));
    const fresh = await counts();
    await callMany(port, 30, '/', 1);
    expect(Object.values(await served(fresh))).to.deep.equal([10, 10, 10]);
  });

  it('every host ejected and minHealthPercent 0: 503 UH, fail fast', async () => {
    await applyObject(cluster, vs(route({ retries: { attempts: 0 } })));
    await applyObject(cluster, dr({ host: 'payments', trafficPolicy: { outlierDetection: { consecutive5xxErrors: 1, interval: '10s', baseEjectionTime: '30s', maxEjectionPercent: 100 } } }));
    await Promise.all(pods.map((p) => setMode(p.port, { status: 500 })));
    await callMany(port, 20, '/', 1);
    const reply = await call(port);
    expect([reply.status, reply.body]).to.deep.equal([503, 'no healthy upstream']);
    expect(await requestsTotal(cluster, { reporter: 'source', response_code: '503', response_flags: 'UH' })).to.be.at.least(1);
  });

  it('minHealthPercent above the healthy share is panic mode: balance over every host, ejected or not', async () => {
    await applyObject(cluster, vs(route({ retries: { attempts: 0 } })));
    await applyObject(cluster, dr({ host: 'payments', trafficPolicy: { loadBalancer: { simple: 'ROUND_ROBIN' }, outlierDetection: { consecutive5xxErrors: 1, interval: '10s', baseEjectionTime: '30s', maxEjectionPercent: 100, minHealthPercent: 50 } } }));
    await Promise.all(pods.map((p) => setMode(p.port, { status: 500 })));
    await callMany(port, 6, '/', 1);
    const before = await counts();
    const replies = await callMany(port, 30, '/', 1);
    expect(tally(replies, (r) => String(r.status))).to.deep.equal({ '500': 30 });
    expect(Object.values(await served(before))).to.deep.equal([10, 10, 10]);
  });

  it('connection pool: 1 connection + 1 pending; the rest overflow with 503 UO and x-envoy-overloaded', async () => {
    await applyObject(cluster, dr({ host: 'payments', trafficPolicy: { connectionPool: { tcp: { maxConnections: 1 }, http: { http1MaxPendingRequests: 1, maxRequestsPerConnection: 1 } } } }));
    await Promise.all(pods.map((p) => setMode(p.port, { delayMs: 300 })));
    const replies = await callMany(port, 6, '/', 6);
    expect(tally(replies, (r) => String(r.status))).to.deep.equal({ '200': 2, '503': 4 });
    expect(replies.filter((r) => r.status === 503).every((r) => r.headers['x-envoy-overloaded'] === 'true')).to.equal(true);
    expect(await requestsTotal(cluster, { reporter: 'source', response_code: '503', response_flags: 'UO' })).to.equal(4);
  });

  it('connection pool maxRetries: a retry over the limit is skipped, the answer returned as is with UO', async () => {
    await applyObject(cluster, vs(route({ retries: { attempts: 1, retryOn: '5xx' } })));
    await applyObject(cluster, dr({ host: 'payments', trafficPolicy: { connectionPool: { http: { maxRetries: 1 } } } }));
    await Promise.all(pods.map((p) => setMode(p.port, { status: 503, delayMs: 150 })));
    const before = await counts();
    const overflowBefore = await requestsTotal(cluster, { reporter: 'source', response_code: '503', response_flags: 'UO' });
    // four first tries end together; the one retry allowed holds its slot for its own 150 ms try
    const replies = await callMany(port, 4, '/', 4);
    expect(replies.map((r) => r.status)).to.deep.equal([503, 503, 503, 503]);
    expect(sum(await served(before))).to.equal(5);
    expect((await requestsTotal(cluster, { reporter: 'source', response_code: '503', response_flags: 'UO' })) - overflowBefore).to.equal(3);
  });

  it('a DestinationRule change lets requests in flight finish (the old cluster drains)', async () => {
    await applyObject(cluster, dr({ host: 'payments', trafficPolicy: { loadBalancer: { simple: 'RANDOM' } } }));
    const slow = call(port, '/?delay=300');
    await sleep(100);
    await applyObject(cluster, dr({ host: 'payments', trafficPolicy: { loadBalancer: { simple: 'ROUND_ROBIN' } } }));
    expect((await slow).status).to.equal(200);
    expect((await call(port)).status).to.equal(200);
  });

  it('keeps client keep-alive, passes request bodies (buffered and streamed past the retry buffer) and streams responses', async () => {
    await applyObject(cluster, dr({ host: 'payments' }));
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const reused: boolean[] = [];
      for (let i = 0; i < 5; i++) {
        await new Promise<void>((resolve, reject) => {
          const req = request({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
            reused.push(req.reusedSocket);
            res.resume();
            res.on('end', resolve);
          });
          req.on('error', reject);
          req.end();
        });
      }
      expect(reused).to.deep.equal([false, true, true, true, true]);
    } finally {
      agent.destroy();
    }
    const small = await call(port, '/', { method: 'POST', body: 'x'.repeat(100_000) });
    expect(small.json?.bodyLength).to.equal(100_000);
    const large = await call(port, '/', { method: 'POST', body: 'y'.repeat(3 * 1024 * 1024) });
    expect(large.json?.bodyLength).to.equal(3 * 1024 * 1024);
    const streamed = await call(port, '/?chunks=5');
    expect(streamed.body.split('\n').slice(0, 5)).to.deep.equal(['chunk 0', 'chunk 1', 'chunk 2', 'chunk 3', 'chunk 4']);
  });

  // last: it takes a pod out of rotation for a moment
  it("a refused connection is a connect failure: Istio's default policy retries it on another host", async () => {
    await applyObject(cluster, dr({ host: 'payments', trafficPolicy: { loadBalancer: { simple: 'ROUND_ROBIN' } } }));
    await setMode(pods[0]!.port, { refuseForMs: 1500 });
    // the readiness probe needs a few failed 50 ms periods to take the pod out: send at once
    const replies = await callMany(port, 6, '/', 1);
    expect(tally(replies, (r) => String(r.status))).to.deep.equal({ '200': 6 });
    expect(replies.some((r) => r.json?.attempt === '2')).to.equal(true);
    // bounded wait until the pod listens again and is back in rotation
    for (let i = 0; i < 100; i++) {
      const ok = await call(pods[0]!.port, '/healthz').then(() => true, () => false);
      if (ok) break;
      await sleep(50);
    }
    await sleep(300);
  });

  it('a client that goes away cancels the upstream try and is counted with DC', async () => {
    await applyObject(cluster, dr({ host: 'payments' }));
    await new Promise<void>((resolve) => {
      const req = request({ host: '127.0.0.1', port, path: '/?delay=500', agent: false });
      req.on('error', () => resolve());
      req.end();
      setTimeout(() => req.destroy(), 100);
    });
    // the close reaches the plane asynchronously: poll the metric, bounded
    let dc = 0;
    for (let i = 0; i < 40 && dc === 0; i++) {
      dc = await requestsTotal(cluster, { reporter: 'source', response_flags: 'DC' });
      await sleep(25);
    }
    expect(dc).to.equal(1);
    expect((await call(port)).status).to.equal(200);
  });
});
