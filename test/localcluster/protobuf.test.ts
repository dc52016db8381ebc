import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startLocalCluster, type LocalCluster } from '../../src/localcluster/index.ts';
import { kubeconfigText } from '../../src/localcluster/kubeconfig.ts';
import { decodeProtobufObject, encodeProtobufObject } from '../../src/localcluster/api/protobuf/codec.ts';
import { startCaptureProxy } from './capture-proxy.ts';
import { HERE, kubectl, tempDir, writeManifest } from './helpers.ts';

const FIXTURES = join(HERE, 'fixtures', 'kubectl-protobuf');
const PROTOBUF = 'application/vnd.kubernetes.protobuf';

async function fixture(name: string): Promise<Buffer> {
  return readFile(join(FIXTURES, `create-${name}.bin`));
}

describe('localcluster protobuf encoding', function () {
  this.timeout(30_000);

  describe('codec (bytes kubectl 1.32 sent, see fixtures/kubectl-protobuf/README.md)', () => {
    it('decodes `kubectl create namespace|configmap|secret|serviceaccount`', async () => {
      expect(decodeProtobufObject(await fixture('namespace'))).to.deep.equal({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' }, spec: {}, status: {} });
      expect(decodeProtobufObject(await fixture('configmap'))).to.deep.equal({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'x' }, data: { a: 'b' } });
      expect(decodeProtobufObject(await fixture('secret'))).to.deep.equal({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'x' }, data: { p: Buffer.from('q').toString('base64') } });
      expect(decodeProtobufObject(await fixture('serviceaccount'))).to.deep.equal({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'sa', namespace: 'x' } });
    });

    it('decodes `kubectl create deployment d --image=nginx --port=80` with Go zero values omitted', async () => {
      const deployment = decodeProtobufObject(await fixture('deployment')) as any;
      expect(deployment).to.deep.include({ apiVersion: 'apps/v1', kind: 'Deployment' });
      expect(deployment.metadata).to.deep.equal({ name: 'd', namespace: 'x', labels: { app: 'd' } });
      expect(deployment.spec.replicas).to.equal(1);
      expect(deployment.spec.selector).to.deep.equal({ matchLabels: { app: 'd' } });
      expect(deployment.spec.template.metadata).to.deep.equal({ labels: { app: 'd' } });
      expect(deployment.spec.template.spec.containers).to.deep.equal([{ name: 'nginx', image: 'nginx', ports: [{ containerPort: 80 }], resources: {} }]);
    });

    it('round-trips a Pod with times, int-or-string ports, quantities and inline (embedded) fields', () => {
      const pod = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'p', namespace: 'n', creationTimestamp: '2026-01-02T03:04:05Z', labels: { a: 'b' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u', controller: true }] },
        spec: {
          terminationGracePeriodSeconds: 0,
          volumes: [{ name: 'cfg', configMap: { name: 'cm', defaultMode: 420 } }],
          containers: [
            {
              name: 'app',
              image: 'img',
              ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
              env: [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'cm', key: 'k' } } }],
              resources: { limits: { cpu: '500m', memory: '64Mi' } },
              readinessProbe: { httpGet: { path: '/', port: 'http' }, periodSeconds: 1 },
              livenessProbe: { tcpSocket: { port: 8080 } },
              volumeMounts: [{ name: 'cfg', mountPath: '/cfg' }],
            },
          ],
        },
        status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-01-02T03:04:06Z' }], containerStatuses: [{ name: 'app', ready: true, restartCount: 2, image: 'img', imageID: '', state: { running: { startedAt: '2026-01-02T03:04:05Z' } } }] },
      };
      const bytes = encodeProtobufObject(pod);
      expect(bytes, 'encodable').to.not.equal(undefined);
      expect([...bytes!.subarray(0, 4)]).to.deep.equal([0x6b, 0x38, 0x73, 0x00]);
      const back = decodeProtobufObject(bytes!) as any;
      // Go's zero values (imageID "", ready false) are omitted on the way back, as encoding/json omitempty does
      expect(back.status.containerStatuses[0]).to.deep.equal({ name: 'app', ready: true, restartCount: 2, image: 'img', state: { running: { startedAt: '2026-01-02T03:04:05Z' } } });
      expect(back.spec).to.deep.equal(pod.spec);
      expect(back.metadata).to.deep.equal(pod.metadata);
    });

    it('has no protobuf form for custom resources or for fields the schema lacks', () => {
      expect(encodeProtobufObject({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'v' }, spec: {} })).to.equal(undefined);
      expect(encodeProtobufObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, surprise: 1 })).to.equal(undefined);
    });
  });

  describe('against the plane', () => {
    let cluster: LocalCluster;
    let dir: Awaited<ReturnType<typeof tempDir>>;
    before(async () => {
      dir = await tempDir();
      cluster = await startLocalCluster({});
    });
    after(async () => {
      await cluster?.close();
      await dir?.cleanup();
    });

    it('kubectl create namespace/configmap/secret/deployment/serviceaccount send protobuf and succeed', async () => {
      const proxy = await startCaptureProxy(cluster.url);
      try {
        const kubeconfig = await writeManifest(dir.path, 'proxy.kubeconfig', kubeconfigText(proxy.url));
        const run = async (args: string[], expected: string) => {
          const result = await kubectl(kubeconfig, [...args, '--request-timeout=10s']);
          expect(result.code, result.stderr).to.equal(0);
          expect(result.stdout.trim()).to.equal(expected);
        };
        await run(['create', 'namespace', 'pb'], 'namespace/pb created');
        await run(['create', 'configmap', 'cfg', '-n', 'pb', '--from-literal=color=blue'], 'configmap/cfg created');
        await run(['create', 'secret', 'generic', 'sec', '-n', 'pb', '--from-literal=token=s3cret'], 'secret/sec created');
        await run(['create', 'deployment', 'web', '-n', 'pb', '--image=nginx:1.27', '--port=80', '--replicas=0'], 'deployment.apps/web created');
        await run(['create', 'serviceaccount', 'robot', '-n', 'pb'], 'serviceaccount/robot created');
        const posts = proxy.requests.filter((r) => r.method === 'POST');
        expect(posts.map((r) => r.contentType)).to.deep.equal(Array(5).fill(PROTOBUF));
        for (const post of posts) expect([...post.body.subarray(0, 4)]).to.deep.equal([0x6b, 0x38, 0x73, 0x00]);
        expect((decodeProtobufObject(posts[3]!.body) as any).spec.replicas, 'an explicit 0 (a Go pointer) survives decoding').to.equal(0);
      } finally {
        await proxy.close();
      }
      const get = async (what: string) => JSON.parse((await kubectl(cluster.kubeconfigPath, ['get', what, '-n', 'pb', '-o', 'json', '--request-timeout=10s'])).stdout);
      expect((await get('configmap/cfg')).data).to.deep.equal({ color: 'blue' });
      const secret = await get('secret/sec');
      expect(secret.type).to.equal('Opaque');
      expect(Buffer.from(secret.data.token, 'base64').toString()).to.equal('s3cret');
      const deployment = await get('deployment/web');
      expect(deployment.spec.replicas).to.equal(0);
      expect(deployment.spec.strategy).to.deep.equal({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
      expect((await get('serviceaccount/robot')).metadata.name).to.equal('robot');
    });

    it('answers in protobuf when Accept prefers it, in JSON otherwise; errors too', async () => {
      const body = await fixture('configmap');
      await kubectl(cluster.kubeconfigPath, ['create', 'namespace', 'x', '--request-timeout=10s']);
      const post = (accept: string) => fetch(`${cluster.url}/api/v1/namespaces/x/configmaps`, { method: 'POST', headers: { 'Content-Type': PROTOBUF, Accept: accept }, body });
      const created = await post(`${PROTOBUF},application/json`);
      expect(created.status).to.equal(201);
      expect(created.headers.get('content-type')).to.equal(PROTOBUF);
      const object = decodeProtobufObject(Buffer.from(await created.arrayBuffer())) as any;
      expect(object.metadata.uid).to.be.a('string').and.not.equal('');
      expect(object.data).to.deep.equal({ a: 'b' });
      const again = await post(`${PROTOBUF},application/json`);
      expect(again.status).to.equal(409);
      const status = decodeProtobufObject(Buffer.from(await again.arrayBuffer())) as any;
      expect(status).to.deep.include({ kind: 'Status', reason: 'AlreadyExists', code: 409, message: 'configmaps "c" already exists' });
      const json = await post('application/json');
      expect(json.headers.get('content-type')).to.equal('application/json');
      expect(((await json.json()) as any).reason).to.equal('AlreadyExists');
    });

    it('answers 406 when Accept allows only protobuf and the object has no protobuf form (a custom resource)', async () => {
      const response = await fetch(`${cluster.url}/apis/networking.istio.io/v1/namespaces/default/virtualservices`, { headers: { Accept: PROTOBUF } });
      expect(response.status).to.equal(406);
      expect((await response.json()) as any).to.deep.include({ reason: 'NotAcceptable', code: 406 });
      const listed = await fetch(`${cluster.url}/api/v1/namespaces/default/configmaps`, { headers: { Accept: PROTOBUF } });
      expect(listed.status).to.equal(200);
      expect((decodeProtobufObject(Buffer.from(await listed.arrayBuffer())) as any).kind).to.equal('ConfigMapList');
    });

    it('refuses a protobuf body for a custom resource with 415, as a real server does', async () => {
      const response = await fetch(`${cluster.url}/apis/networking.istio.io/v1/namespaces/default/virtualservices`, { method: 'POST', headers: { 'Content-Type': PROTOBUF }, body: await fixture('configmap') });
      expect(response.status).to.equal(415);
      expect((await response.json()) as any).to.deep.include({ reason: 'UnsupportedMediaType', code: 415 });
    });
  });
});
