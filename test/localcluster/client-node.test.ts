import { expect } from 'chai';
import * as k8s from '@kubernetes/client-node';
import { startLocalCluster, type LocalCluster } from '../../src/localcluster/index.ts';
import { echoDeployment, groupAlive, tempDir, waitFor, writeManifest } from './helpers.ts';

async function expectApiError(promise: Promise<unknown>, code: number, reason: string): Promise<any> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(k8s.ApiException);
    const e = error as k8s.ApiException<string>;
    expect(e.code).to.equal(code);
    const body = JSON.parse(e.body);
    expect(body).to.include({ kind: 'Status', status: 'Failure', reason, code });
    return body;
  }
  expect.fail(`expected an ApiException ${code} ${reason}`);
}

describe('localcluster with @kubernetes/client-node', function () {
  this.timeout(30_000);
  let cluster: LocalCluster;
  let kc: k8s.KubeConfig;
  let core: k8s.CoreV1Api;
  let apps: k8s.AppsV1Api;
  let dir: Awaited<ReturnType<typeof tempDir>>;

  before(async () => {
    dir = await tempDir();
    const manifest = await writeManifest(dir.path, 'web.yaml', echoDeployment({ name: 'web', namespace: 'cn', replicas: 2, grace: 5, env: { DRAIN_MS: '300' } }));
    cluster = await startLocalCluster({ manifests: manifest, watchHistoryLimit: 200 });
    kc = new k8s.KubeConfig();
    kc.loadFromFile(cluster.kubeconfigPath);
    core = kc.makeApiClient(k8s.CoreV1Api);
    apps = kc.makeApiClient(k8s.AppsV1Api);
  });
  after(async () => {
    await cluster?.close();
    await dir?.cleanup();
  });

  it('lists pods with label and field selectors; a bad selector is 400', async () => {
    const all = await core.listNamespacedPod({ namespace: 'cn' });
    expect(all.items).to.have.length(2);
    expect(Number(all.metadata?.resourceVersion)).to.be.greaterThan(0);
    const pod = all.items[0]!;
    expect(pod.metadata?.labels?.['pod-template-hash']).to.be.a('string');
    expect(pod.metadata?.ownerReferences?.[0]).to.include({ kind: 'ReplicaSet', controller: true });
    expect(pod.status?.phase).to.equal('Running');
    expect(pod.status?.conditions?.find((c) => c.type === 'Ready')?.status).to.equal('True');
    expect((await core.listNamespacedPod({ namespace: 'cn', labelSelector: 'app=web' })).items).to.have.length(2);
    expect((await core.listNamespacedPod({ namespace: 'cn', labelSelector: 'app notin (web)' })).items).to.have.length(0);
    expect((await core.listNamespacedPod({ namespace: 'cn', fieldSelector: `metadata.name=${pod.metadata!.name}` })).items).to.have.length(1);
    expect((await core.listPodForAllNamespaces({ fieldSelector: 'status.phase=Running', labelSelector: 'app=web' })).items).to.have.length(2);
    await expectApiError(core.listNamespacedPod({ namespace: 'cn', labelSelector: 'app in web' }), 400, 'BadRequest');
    await expectApiError(core.listNamespacedPod({ namespace: 'cn', fieldSelector: 'spec.image=x' }), 400, 'BadRequest');
  });

  it('answers Status errors: 404 NotFound, 409 AlreadyExists, 422 Invalid with the field path', async () => {
    const notFound = await expectApiError(core.readNamespacedPod({ namespace: 'cn', name: 'nope' }), 404, 'NotFound');
    expect(notFound.message).to.equal('pods "nope" not found');
    const cm = { metadata: { name: 'cfg' }, data: { a: 'b' } };
    await core.createNamespacedConfigMap({ namespace: 'cn', body: cm });
    await expectApiError(core.createNamespacedConfigMap({ namespace: 'cn', body: cm }), 409, 'AlreadyExists');
    const invalid = await expectApiError(
      apps.createNamespacedDeployment({ namespace: 'cn', body: { metadata: { name: 'bad' }, spec: { selector: { matchLabels: { app: 'x' } }, template: { metadata: { labels: { app: 'y' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } } }),
      422,
      'Invalid',
    );
    expect(invalid.details.causes[0].field).to.equal('spec.template.metadata.labels');
    await expectApiError(core.createNamespacedPod({ namespace: 'missing-ns', body: { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'i' }] } } }), 404, 'NotFound');
  });

  it('watches from a resourceVersion (replay, then live) and gets 410 Expired for compacted history', async () => {
    const list = await core.listNamespacedConfigMap({ namespace: 'cn' });
    const rv = list.metadata!.resourceVersion!;
    await core.createNamespacedConfigMap({ namespace: 'cn', body: { metadata: { name: 'w1', labels: { w: 'yes' } } } });
    const seen: string[] = [];
    const watch = new k8s.Watch(kc);
    let done: unknown = 'open';
    const controller = await watch.watch('/api/v1/namespaces/cn/configmaps', { resourceVersion: rv, labelSelector: 'w=yes' }, (type, obj) => seen.push(`${type} ${obj.metadata.name}`), (err) => (done = err ?? null));
    await waitFor('replayed ADDED', () => seen.includes('ADDED w1'));
    await core.createNamespacedConfigMap({ namespace: 'cn', body: { metadata: { name: 'w2', labels: { w: 'yes' } } } });
    await core.createNamespacedConfigMap({ namespace: 'cn', body: { metadata: { name: 'other' } } });
    await core.deleteNamespacedConfigMap({ namespace: 'cn', name: 'w1' });
    await waitFor('live events', () => seen.includes('DELETED w1'));
    expect(seen).to.deep.equal(['ADDED w1', 'ADDED w2', 'DELETED w1']);
    controller.abort();

    // push the old resourceVersion out of the (200-change) history
    for (let i = 0; i < 210; i++) await core.createNamespacedConfigMap({ namespace: 'cn', body: { metadata: { name: `fill-${i}` } } });
    const errors: any[] = [];
    let closed = false;
    await watch.watch('/api/v1/namespaces/cn/configmaps', { resourceVersion: rv }, (type, obj) => type === 'ERROR' && errors.push(obj), () => (closed = true));
    await waitFor('410 and close', () => closed && errors.length > 0);
    expect(errors[0]).to.include({ kind: 'Status', code: 410, reason: 'Expired' });
    void done;
  });

  it('an informer sees a pod delete and its replacement become Ready', async () => {
    const informer = k8s.makeInformer(kc, '/api/v1/namespaces/cn/pods', () => core.listNamespacedPod({ namespace: 'cn', labelSelector: 'app=web' }), 'app=web');
    const added: string[] = [];
    const deleted: string[] = [];
    informer.on('add', (pod) => added.push(pod.metadata!.name!));
    informer.on('delete', (pod) => deleted.push(pod.metadata!.name!));
    informer.on('error', () => setTimeout(() => informer.start().catch(() => undefined), 100));
    await informer.start();
    try {
      await waitFor('initial list', () => added.length === 2);
      const victim = added[0]!;
      await core.deleteNamespacedPod({ namespace: 'cn', name: victim, gracePeriodSeconds: 1 });
      const replacement = await waitFor('replacement added', () => added.find((name) => !name.startsWith(victim) && added.indexOf(name) >= 2), 10_000);
      await waitFor('delete seen', () => deleted.includes(victim), 10_000);
      const pod = await waitFor('replacement Ready', async () => {
        const p = await core.readNamespacedPod({ namespace: 'cn', name: replacement });
        return p.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True' && p;
      });
      expect(pod.metadata?.ownerReferences?.[0]?.kind).to.equal('ReplicaSet');
      expect(informer.list()).to.have.length(2);
    } finally {
      await informer.stop();
    }
  });

  it('deletes a pod gracefully (deletionTimestamp, Terminating, SIGTERM) and at once with grace 0', async () => {
    const pods = (await core.listNamespacedPod({ namespace: 'cn', labelSelector: 'app=web' })).items;
    const [graceful, forced] = pods.map((p) => p.metadata!.name!);
    const gracefulPid = cluster.podPids('cn', graceful!)[0]!;
    const forcedPid = cluster.podPids('cn', forced!)[0]!;
    expect(groupAlive(gracefulPid)).to.equal(true);

    const marked = await core.deleteNamespacedPod({ namespace: 'cn', name: graceful! });
    expect(marked.metadata?.deletionTimestamp).to.not.equal(undefined);
    expect(marked.metadata?.deletionGracePeriodSeconds).to.equal(5);
    expect(marked.status?.conditions?.find((c) => c.type === 'Ready')?.status).to.equal('False');
    // the app drains for 300 ms after SIGTERM, then exits: well before the 5 s grace
    await waitFor('graceful pod gone', async () => {
      try {
        await core.readNamespacedPod({ namespace: 'cn', name: graceful! });
        return false;
      } catch (e) {
        return (e as k8s.ApiException<string>).code === 404;
      }
    }, 5_000);
    expect(groupAlive(gracefulPid)).to.equal(false);

    await core.deleteNamespacedPod({ namespace: 'cn', name: forced!, gracePeriodSeconds: 0 });
    await expectApiError(core.readNamespacedPod({ namespace: 'cn', name: forced! }), 404, 'NotFound');
    await waitFor('forced process gone', () => !groupAlive(forcedPid), 3_000);
    const events = await core.listNamespacedEvent({ namespace: 'cn', fieldSelector: `involvedObject.kind=Pod,involvedObject.name=${graceful}` });
    expect(events.items.map((e) => e.reason)).to.include.members(['Scheduled', 'Created', 'Started', 'Killing']);
  });

  it('creates, lists and deletes a custom resource (Istio VirtualService) with merge patch', async () => {
    const custom = kc.makeApiClient(k8s.CustomObjectsApi);
    const vs = { apiVersion: 'networking.istio.io/v1beta1', kind: 'VirtualService', metadata: { name: 'payments' }, spec: { hosts: ['payments'], http: [{ fault: { abort: { percentage: { value: 50 }, httpStatus: 503 } }, route: [{ destination: { host: 'payments' } }] }] } };
    const created = await custom.createNamespacedCustomObject({ group: 'networking.istio.io', version: 'v1beta1', namespace: 'cn', plural: 'virtualservices', body: vs });
    expect(created.metadata.uid).to.be.a('string');
    const patched = await custom.patchNamespacedCustomObject(
      { group: 'networking.istio.io', version: 'v1beta1', namespace: 'cn', plural: 'virtualservices', name: 'payments', body: { spec: { hosts: ['payments', 'pay'] } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    expect(patched.spec.hosts).to.deep.equal(['payments', 'pay']);
    const listed = await custom.listNamespacedCustomObject({ group: 'networking.istio.io', version: 'v1beta1', namespace: 'cn', plural: 'virtualservices' });
    expect(listed.items).to.have.length(1);
    const status = await custom.deleteNamespacedCustomObject({ group: 'networking.istio.io', version: 'v1beta1', namespace: 'cn', plural: 'virtualservices', name: 'payments' });
    expect(status).to.include({ kind: 'Status', status: 'Success' });
    await expectApiError(custom.getNamespacedCustomObject({ group: 'networking.istio.io', version: 'v1beta1', namespace: 'cn', plural: 'virtualservices', name: 'payments' }), 404, 'NotFound');
    await expectApiError(custom.listNamespacedCustomObject({ group: 'nope.example.com', version: 'v1', namespace: 'cn', plural: 'things' }), 404, 'NotFound');
  });
});
