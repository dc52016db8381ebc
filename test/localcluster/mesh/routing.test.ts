import { expect } from 'chai';
import { startLocalCluster, type LocalCluster } from '../../../src/localcluster/index.ts';
import { tempDir, writeManifest } from '../helpers.ts';
import { applyObject, backendDeployment, call, callMany, deleteObject, namespaceManifest, requestsTotal, serviceManifest, servicePort, tally } from './mesh-helpers.ts';

const NS = 'mesh-routing';

/**
 * Binomial bounds: for n trials with probability p, a count outside
 * n·p ± 3.29·sqrt(n·p·(1−p)) happens with probability < 0.1 % (normal approximation). The
 * mesh's dice are seeded (meshSeed), so a run is also reproducible.
 */
function binomialBounds(n: number, p: number): [number, number] {
  const spread = 3.29 * Math.sqrt(n * p * (1 - p));
  return [Math.floor(n * p - spread), Math.ceil(n * p + spread)];
}

const vs = (name: string, spec: unknown) => ({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name, namespace: NS }, spec });
const dr = (name: string, spec: unknown) => ({ apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name, namespace: NS }, spec });

describe('mesh: VirtualService routing, weights and faults', function () {
  this.timeout(60_000);
  let cluster: LocalCluster;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let port: number;

  before(async () => {
    dir = await tempDir();
    const manifest = [namespaceManifest(NS), serviceManifest({ app: 'reviews', namespace: NS }), backendDeployment({ app: 'reviews', version: 'v1', namespace: NS }), backendDeployment({ app: 'reviews', version: 'v2', namespace: NS }), backendDeployment({ app: 'reviews', version: 'v3', namespace: NS })].join('---\n');
    cluster = await startLocalCluster({ manifests: await writeManifest(dir.path, 'reviews.yaml', manifest), meshSeed: 12 });
    port = servicePort(cluster, NS, 'reviews');
  });
  after(async () => {
    await cluster?.close();
    await dir?.cleanup();
  });
  afterEach(async () => {
    await deleteObject(cluster, 'networking.istio.io/v1', 'virtualservices', NS, 'reviews');
  });

  it('a Service without VirtualService or DestinationRule stays plain TCP; a DestinationRule makes it HTTP-aware at once', async () => {
    const plain = await call(port);
    expect(plain.json?.attempt).to.equal(null);
    const created = await applyObject(cluster, dr('reviews', { host: 'reviews', subsets: ['v1', 'v2', 'v3'].map((v) => ({ name: v, labels: { version: v } })) }));
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const meshed = await call(port);
    expect(meshed.json?.attempt).to.equal('1');
  });

  it('splits a 50/50 canary within its binomial bounds (bookinfo reviews-50-v3 shape)', async () => {
    await applyObject(cluster, vs('reviews', { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', subset: 'v1' }, weight: 50 }, { destination: { host: 'reviews', subset: 'v3' }, weight: 50 }] }] }));
    const n = 400;
    const counts = tally(await callMany(port, n), (r) => r.json!.pod.split('-')[1]!);
    const [low, high] = binomialBounds(n, 0.5);
    expect(Object.keys(counts).sort()).to.deep.equal(['v1', 'v3']);
    expect(counts.v1).to.be.within(low, high);
  });

  it('weights are relative: 1:3 sends a quarter; weight 0 gets nothing', async () => {
    await applyObject(cluster, vs('reviews', { hosts: ['reviews.mesh-routing.svc.cluster.local'], http: [{ route: [{ destination: { host: 'reviews', subset: 'v1' }, weight: 1 }, { destination: { host: 'reviews', subset: 'v2' }, weight: 3 }, { destination: { host: 'reviews', subset: 'v3' } }] }] }));
    const n = 400;
    const counts = tally(await callMany(port, n), (r) => r.json!.pod.split('-')[1]!);
    const [low, high] = binomialBounds(n, 0.25);
    expect(counts.v3 ?? 0).to.equal(0);
    expect(counts.v1).to.be.within(low, high);
  });

  it('rules are tried in order: header, uri prefix/exact/regex and method matches; no match is 404 NR', async () => {
    await applyObject(cluster, vs('reviews', {
      hosts: ['reviews'],
      http: [
        { name: 'jason', match: [{ headers: { 'end-user': { exact: 'jason' } } }], route: [{ destination: { host: 'reviews', subset: 'v2' } }] },
        { name: 'api', match: [{ uri: { prefix: '/api' }, method: { exact: 'POST' } }, { uri: { regex: '/v[0-9]+/items' } }], route: [{ destination: { host: 'reviews', subset: 'v3' } }] },
        { name: 'exact', match: [{ uri: { exact: '/one' } }], route: [{ destination: { host: 'reviews', subset: 'v1' } }] },
      ],
    }));
    expect((await call(port, '/x', { headers: { 'end-user': 'jason' } })).json?.pod).to.match(/^reviews-v2-/);
    expect((await call(port, '/apiary', { method: 'POST' })).json?.pod).to.match(/^reviews-v3-/);
    expect((await call(port, '/v12/items?q=1')).json?.pod).to.match(/^reviews-v3-/);
    expect((await call(port, '/one?x')).json?.pod).to.match(/^reviews-v1-/);
    // regex is a full match; method GET does not satisfy the POST block
    const misses = await Promise.all([call(port, '/v12/items/more'), call(port, '/api'), call(port, '/one/')]);
    expect(misses.map((r) => r.status)).to.deep.equal([404, 404, 404]);
    expect(await requestsTotal(cluster, { reporter: 'source', response_code: '404', response_flags: 'NR' })).to.be.at.least(3);
  });

  it('aborts 100 % for the matched user with the fault body (ratings-test-abort shape) and counts FI at the source only', async () => {
    await applyObject(cluster, vs('reviews', {
      hosts: ['reviews'],
      http: [
        { match: [{ headers: { 'end-user': { exact: 'jason' } } }], fault: { abort: { httpStatus: 500, percentage: { value: 100.0 } } }, route: [{ destination: { host: 'reviews', subset: 'v1' } }] },
        { route: [{ destination: { host: 'reviews', subset: 'v1' } }] },
      ],
    }));
    const aborted = await call(port, '/', { headers: { 'end-user': 'jason' } });
    expect(aborted.status).to.equal(500);
    expect(aborted.body).to.equal('fault filter abort');
    expect((await call(port, '/')).status).to.equal(200);
    expect(await requestsTotal(cluster, { reporter: 'source', response_code: '500', response_flags: 'FI', destination_workload: 'unknown' })).to.equal(1);
    expect(await requestsTotal(cluster, { reporter: 'destination', response_code: '500' })).to.equal(0);
  });

  it('aborts a percentage of requests within its binomial bounds; an absent percentage never aborts', async () => {
    await applyObject(cluster, vs('reviews', { hosts: ['reviews'], http: [{ fault: { abort: { httpStatus: 418, percentage: { value: 30 } } }, route: [{ destination: { host: 'reviews' } }] }] }));
    const n = 500;
    const counts = tally(await callMany(port, n), (r) => String(r.status));
    const [low, high] = binomialBounds(n, 0.3);
    expect(counts['418']).to.be.within(low, high);
    expect((counts['418'] ?? 0) + (counts['200'] ?? 0)).to.equal(n);
    await applyObject(cluster, vs('reviews', { hosts: ['reviews'], http: [{ fault: { abort: { httpStatus: 418 } }, route: [{ destination: { host: 'reviews' } }] }] }));
    const none = tally(await callMany(port, 50), (r) => String(r.status));
    expect(none).to.deep.equal({ '200': 50 });
  });

  it('delays by fixedDelay, then serves; DI is counted', async () => {
    await applyObject(cluster, vs('reviews', { hosts: ['reviews'], http: [{ fault: { delay: { fixedDelay: '300ms', percentage: { value: 100 } } }, route: [{ destination: { host: 'reviews' } }] }] }));
    const started = Date.now();
    const reply = await call(port);
    expect(reply.status).to.equal(200);
    // a lower bound only: the delay is a semantic (the fault), not a performance figure
    expect(Date.now() - started).to.be.at.least(290);
    expect(await requestsTotal(cluster, { reporter: 'source', response_flags: 'DI', response_code: '200' })).to.be.at.least(1);
  });

  it('a JSON patch of spec.http[0].fault takes effect on the very next request, and its removal too', async () => {
    await applyObject(cluster, vs('reviews', { hosts: ['reviews'], http: [{ name: 'main', route: [{ destination: { host: 'reviews' } }] }] }));
    const url = `${cluster.url}/apis/networking.istio.io/v1/namespaces/${NS}/virtualservices/reviews`;
    const patch = (ops: unknown) => fetch(url, { method: 'PATCH', headers: { 'content-type': 'application/json-patch+json' }, body: JSON.stringify(ops) });
    expect((await patch([{ op: 'add', path: '/spec/http/0/fault', value: { abort: { httpStatus: 503, percentage: { value: 100 } } } }])).status).to.equal(200);
    const faulted = await call(port);
    expect([faulted.status, faulted.body]).to.deep.equal([503, 'fault filter abort']);
    expect((await patch([{ op: 'remove', path: '/spec/http/0/fault' }])).status).to.equal(200);
    expect((await call(port)).status).to.equal(200);
  });

  it('destination.port.number picks the Service port; a port the Service lacks is 503 NC', async () => {
    await applyObject(cluster, vs('reviews', { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', port: { number: 80 } } }] }] }));
    expect((await call(port)).status).to.equal(200);
    await applyObject(cluster, vs('reviews', { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', port: { number: 9080 } } }] }] }));
    expect((await call(port)).status).to.equal(503);
  });

  it('a route to a subset no DestinationRule defines answers 503 NC', async () => {
    await applyObject(cluster, vs('reviews', { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', subset: 'v9' } }] }] }));
    const before = await requestsTotal(cluster, { reporter: 'source', response_code: '503', response_flags: 'NC' });
    expect((await call(port)).status).to.equal(503);
    expect((await requestsTotal(cluster, { reporter: 'source', response_code: '503', response_flags: 'NC' })) - before).to.equal(1);
  });
});
