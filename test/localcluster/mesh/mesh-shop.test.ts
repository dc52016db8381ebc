import { expect } from 'chai';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLocalCluster, type LocalCluster } from '../../../src/localcluster/index.ts';
import { Agent, request } from 'node:http';
import { callMany, requestsTotal, tally } from './mesh-helpers.ts';

const SHOP_MESH = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'fixtures', 'shop', 'manifests', 'mesh');

describe('mesh: the mesh-flavoured fixture shop', function () {
  this.timeout(60_000);
  let cluster: LocalCluster;

  before(async () => {
    cluster = await startLocalCluster({ manifests: SHOP_MESH, meshSeed: 5 });
  });
  after(async () => {
    await cluster?.close();
  });

  it('serves checkout through the mesh: payments balanced over four pods (three v1, one v2 that asks fraud through the shop Toxiproxy), inventory split 80/20 stable/canary', async () => {
    const checkout = cluster.serviceAddress('shop-mesh', 'checkout', 80)!;
    expect(checkout.localPort).to.equal(22080);
    const n = 200;
    const replies = await callMany(checkout.localPort, n, '/checkout', 4);
    expect(tally(replies, (r) => String(r.status))).to.deep.equal({ '200': n });
    const inventory = tally(replies, (r) => String(r.headers['x-inventory-served-by']).split('-')[1]!);
    // canary 20 %: n = 200 → 40 ± 3.29·sqrt(32) ≈ 40 ± 19 (99.9 %)
    expect(inventory.v2).to.be.within(21, 59);
    const payments = tally(replies, (r) => String(r.headers['x-payments-served-by']));
    expect(Object.keys(payments)).to.have.length(4);
    expect(await requestsTotal(cluster, { reporter: 'source', destination_service: 'payments.shop-mesh.svc.cluster.local', response_code: '200' })).to.equal(n);
    expect(await requestsTotal(cluster, { reporter: 'destination', destination_service_name: 'inventory', destination_version: 'v2' })).to.equal(inventory.v2);
    // The source is the pod that sent the request (found through the kernel's socket table);
    // this test's own client is outside the plane's pods, as a client without a sidecar.
    // A sample waits at most 1 s for its connection's lookup: on a starved machine a few may
    // stay unknown, never another workload.
    const fromCheckout = await requestsTotal(cluster, { reporter: 'source', destination_service_name: 'payments', source_workload: 'checkout', source_app: 'checkout', source_version: 'v1', source_workload_namespace: 'shop-mesh', source_cluster: 'Kubernetes' });
    expect(fromCheckout).to.be.at.least(n * 0.9);
    expect(fromCheckout + (await requestsTotal(cluster, { reporter: 'source', destination_service_name: 'payments', source_workload: 'unknown' }))).to.equal(n);
    expect(await requestsTotal(cluster, { reporter: 'source', destination_service_name: 'checkout', source_workload: 'unknown' })).to.equal(n);
  });

  it("a fault patched into checkout's VirtualService reaches keep-alive connections opened before it, and is not retried by the route's own retries", async () => {
    const port = cluster.serviceAddress('shop-mesh', 'checkout', 80)!.localPort;
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const get = () =>
      new Promise<{ status: number; reused: boolean }>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path: '/checkout', agent }, (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, reused: req.reusedSocket }));
        });
        req.on('error', reject);
        req.end();
      });
    const vsUrl = `${cluster.url}/apis/networking.istio.io/v1/namespaces/shop-mesh/virtualservices/checkout`;
    const patch = (body: unknown) => fetch(vsUrl, { method: 'PATCH', headers: { 'content-type': 'application/json-patch+json' }, body: JSON.stringify(body) });
    try {
      expect(await get()).to.deep.equal({ status: 200, reused: false });
      expect((await patch([{ op: 'add', path: '/spec/http/0/fault', value: { abort: { httpStatus: 503, percentage: { value: 100 } } } }])).status).to.equal(200);
      expect(await get()).to.deep.equal({ status: 503, reused: true });
      expect((await patch([{ op: 'remove', path: '/spec/http/0/fault' }])).status).to.equal(200);
      expect(await get()).to.deep.equal({ status: 200, reused: true });
    } finally {
      agent.destroy();
    }
  });
});
