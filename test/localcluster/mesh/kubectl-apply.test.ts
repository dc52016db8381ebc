import { expect } from 'chai';
import { startLocalCluster, type LocalCluster } from '../../../src/localcluster/index.ts';
import { kubectl, tempDir, writeManifest } from '../helpers.ts';
import { backendDeployment, call, callMany, namespaceManifest, requestsTotal, serviceManifest, servicePort, tally } from './mesh-helpers.ts';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MANIFESTS = join(dirname(fileURLToPath(import.meta.url)), 'manifests');
const NS = 'bookinfo';

describe('mesh: kubectl apply of VirtualServices and DestinationRules shaped like Istio samples', function () {
  this.timeout(60_000);
  let cluster: LocalCluster;
  let dir: Awaited<ReturnType<typeof tempDir>>;

  before(async () => {
    dir = await tempDir();
    const workloads = [
      namespaceManifest(NS),
      serviceManifest({ app: 'reviews', namespace: NS }),
      serviceManifest({ app: 'ratings', namespace: NS }),
      serviceManifest({ app: 'httpbin', namespace: NS }),
      ...['v1', 'v2', 'v3'].map((version) => backendDeployment({ app: 'reviews', version, namespace: NS })),
      backendDeployment({ app: 'ratings', version: 'v1', namespace: NS }),
      backendDeployment({ app: 'httpbin', version: 'v1', namespace: NS }),
    ].join('---\n');
    cluster = await startLocalCluster({ manifests: await writeManifest(dir.path, 'bookinfo.yaml', workloads), meshSeed: 3 });
  });
  after(async () => {
    await cluster?.close();
    await dir?.cleanup();
  });

  it('applies bookinfo destination-rule-all, reviews-50-v3 and ratings-test-abort; traffic follows them', async () => {
    const applied = await kubectl(cluster.kubeconfigPath, ['apply', '-n', NS, '-f', join(MANIFESTS, 'bookinfo-networking.yaml')]);
    expect(applied.code, applied.stderr).to.equal(0);
    expect(applied.stdout).to.contain('virtualservice.networking.istio.io/reviews created').and.contain('destinationrule.networking.istio.io/ratings created');
    const again = await kubectl(cluster.kubeconfigPath, ['apply', '-n', NS, '-f', join(MANIFESTS, 'bookinfo-networking.yaml')]);
    expect(again.stdout).to.contain('virtualservice.networking.istio.io/reviews unchanged');
    const listed = await kubectl(cluster.kubeconfigPath, ['get', 'vs,dr', '-n', NS, '-o', 'name']);
    expect(listed.stdout.trim().split('\n')).to.have.length(6);

    // n = 200, p = 0.5: 100 ± 3.29·sqrt(50) ≈ 100 ± 24 (99.9 %); v2 never
    const versions = tally(await callMany(servicePort(cluster, NS, 'reviews'), 200), (r) => r.json!.pod.split('-')[1]!);
    expect(versions.v2 ?? 0).to.equal(0);
    expect(versions.v1).to.be.within(76, 124);

    const ratings = servicePort(cluster, NS, 'ratings');
    const jason = await call(ratings, '/ratings/0', { headers: { 'end-user': 'jason' } });
    expect([jason.status, jason.body]).to.deep.equal([500, 'fault filter abort']);
    expect((await call(ratings, '/ratings/0')).status).to.equal(200);
  });

  it('applies the circuit-breaking DestinationRule and a fault VirtualService on httpbin', async () => {
    const applied = await kubectl(cluster.kubeconfigPath, ['apply', '-n', NS, '-f', join(MANIFESTS, 'httpbin-networking.yaml')]);
    expect(applied.code, applied.stderr).to.equal(0);
    const port = servicePort(cluster, NS, 'httpbin');
    const replies = await callMany(port, 200, '/', 1);
    const codes = tally(replies, (r) => String(r.status));
    // abort 10 %: n = 200 → 20 ± 3.29·sqrt(18) ≈ 20 ± 14 (99.9 %)
    expect(codes['418']).to.be.within(6, 34);
    expect((codes['418'] ?? 0) + (codes['200'] ?? 0)).to.equal(200);
    expect(await requestsTotal(cluster, { reporter: 'source', destination_service_name: 'httpbin', response_flags: 'DI' })).to.be.greaterThan(0);
    expect(await requestsTotal(cluster, { reporter: 'source', destination_service: `httpbin.${NS}.svc.cluster.local`, response_code: '200', destination_workload: 'httpbin-v1', destination_app: 'httpbin', destination_version: 'v1' })).to.equal(codes['200']);
  });

  it('kubectl patch --type=json of spec.http[0].fault takes effect on the next request', async () => {
    const patch = JSON.stringify([{ op: 'add', path: '/spec/http/0/fault', value: { abort: { httpStatus: 503, percentage: { value: 100 } } } }]);
    const patched = await kubectl(cluster.kubeconfigPath, ['patch', 'virtualservice', 'reviews', '-n', NS, '--type=json', '-p', patch]);
    expect(patched.code, patched.stderr).to.equal(0);
    const reply = await call(servicePort(cluster, NS, 'reviews'));
    expect([reply.status, reply.body]).to.deep.equal([503, 'fault filter abort']);
    const removed = await kubectl(cluster.kubeconfigPath, ['patch', 'virtualservice', 'reviews', '-n', NS, '--type=json', '-p', '[{"op":"remove","path":"/spec/http/0/fault"}]']);
    expect(removed.code, removed.stderr).to.equal(0);
    expect((await call(servicePort(cluster, NS, 'reviews'))).status).to.equal(200);
  });

  it('refuses fields it does not emulate with 422 naming each path', async () => {
    const yaml = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: refused, namespace: ${NS} }
spec:
  hosts: [details]
  gateways: [mesh]
  http:
  - match: [{ queryParams: { a: { exact: b } } }]
    mirror: { host: details }
    retries: { attempts: 2, retryOn: "5xx, reset" }
    fault: { abort: { httpStatus: 600, percentage: { value: 120 } } }
    route: [{ destination: { host: details.bookinfo } }]
`;
    const file = await writeManifest(dir.path, 'refused.yaml', yaml);
    const result = await kubectl(cluster.kubeconfigPath, ['apply', '-f', file]);
    expect(result.code).to.not.equal(0);
    for (const path of ['spec.gateways', 'spec.http[0].match[0].queryParams', 'spec.http[0].mirror', 'spec.http[0].retries.retryOn', 'spec.http[0].fault.abort.httpStatus', 'spec.http[0].fault.abort.percentage.value', 'spec.http[0].route[0].destination.host']) {
      expect(result.stderr).to.contain(path);
    }
    const res = await fetch(`${cluster.url}/apis/networking.istio.io/v1/namespaces/${NS}/destinationrules`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'refused' }, spec: { host: 'nosuch', trafficPolicy: { loadBalancer: { consistentHash: { httpHeaderName: 'x' } }, tls: { mode: 'ISTIO_MUTUAL' }, outlierDetection: { consecutiveErrors: 3 } } } }),
    });
    expect(res.status).to.equal(422);
    const status = (await res.json()) as { reason: string; details: { causes: Array<{ field: string }> } };
    expect(status.reason).to.equal('Invalid');
    expect(status.details.causes.map((c) => c.field)).to.have.members(['spec.trafficPolicy.loadBalancer.consistentHash', 'spec.trafficPolicy.tls', 'spec.trafficPolicy.outlierDetection.consecutiveErrors']);
  });

  it('refuses a second VirtualService for a host already bound', async () => {
    const yaml = `apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: { name: reviews-too, namespace: ${NS} }
spec:
  hosts: [reviews.${NS}.svc.cluster.local]
  http: [{ route: [{ destination: { host: reviews } }] }]
`;
    const result = await kubectl(cluster.kubeconfigPath, ['apply', '-f', await writeManifest(dir.path, 'dup.yaml', yaml)]);
    expect(result.code).to.not.equal(0);
    expect(result.stderr).to.contain('spec.hosts[0]').and.contain('VirtualService bookinfo/reviews already binds');
  });
});
