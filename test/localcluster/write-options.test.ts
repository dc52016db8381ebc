import { expect } from 'chai';
import { startLocalCluster, type LocalCluster } from '../../src/localcluster/index.ts';
import { kubectl, tempDir, waitFor, writeManifest } from './helpers.ts';

/** A response body as loose JSON (the tests check its shape). */
async function json(response: Response): Promise<any> {
  return response.json();
}

const JSON_TYPE = { 'Content-Type': 'application/json', Accept: 'application/json' };

/** A watch stream read line by line (ended by the test with `stop`). */
async function openWatch(url: string): Promise<{ lines: string[]; stop: () => void }> {
  const controller = new AbortController();
  const response = await fetch(url, { signal: controller.signal });
  const lines: string[] = [];
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  void (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let newline: number;
        while ((newline = buffer.indexOf('\n')) >= 0) {
          lines.push(buffer.slice(0, newline));
          buffer = buffer.slice(newline + 1);
        }
      }
    } catch {
      // aborted by stop()
    }
  })();
  return { lines, stop: () => controller.abort() };
}

describe('localcluster dryRun and fieldValidation', function () {
  this.timeout(30_000);
  let cluster: LocalCluster;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  const api = (path: string) => `${cluster.url}${path}`;
  const configMap = (name: string, data: Record<string, string>, extra: Record<string, unknown> = {}) =>
    JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data, ...extra });

  before(async () => {
    dir = await tempDir();
    cluster = await startLocalCluster({});
    const ns = await kubectl(cluster.kubeconfigPath, ['create', 'namespace', 'dry', '--request-timeout=10s']);
    expect(ns.code, ns.stderr).to.equal(0);
  });
  after(async () => {
    await cluster?.close();
    await dir?.cleanup();
  });

  it('dryRun=All create answers the object it would store, stores nothing and sends no watch event', async () => {
    const watch = await openWatch(api('/api/v1/namespaces/dry/configmaps?watch=true&resourceVersion=0'));
    try {
      const dry = await fetch(api('/api/v1/namespaces/dry/configmaps?dryRun=All'), { method: 'POST', headers: JSON_TYPE, body: configMap('ghost', { a: '1' }) });
      expect(dry.status).to.equal(201);
      const object = await json(dry);
      expect(object.metadata).to.include({ name: 'ghost', namespace: 'dry' });
      expect(object.metadata.uid).to.be.a('string');
      expect(object.metadata.resourceVersion).to.equal(undefined);
      expect((await fetch(api('/api/v1/namespaces/dry/configmaps/ghost'))).status).to.equal(404);
      // a real write after it: once its event arrives, every earlier event has arrived too
      const real = await fetch(api('/api/v1/namespaces/dry/configmaps'), { method: 'POST', headers: JSON_TYPE, body: configMap('sentinel', { a: '1' }) });
      expect(real.status).to.equal(201);
      await waitFor('the sentinel ADDED event', () => watch.lines.some((line) => line.includes('"sentinel"')));
      expect(watch.lines.filter((line) => line.includes('"ghost"'))).to.deep.equal([]);
    } finally {
      watch.stop();
    }
  });

  it('dryRun=All update, patch and delete change nothing', async () => {
    const created = await json(await fetch(api('/api/v1/namespaces/dry/configmaps'), { method: 'POST', headers: JSON_TYPE, body: configMap('keep', { color: 'blue' }) }));
    const rv = created.metadata.resourceVersion;
    const put = await fetch(api('/api/v1/namespaces/dry/configmaps/keep?dryRun=All'), { method: 'PUT', headers: JSON_TYPE, body: configMap('keep', { color: 'red' }) });
    expect(put.status).to.equal(200);
    expect((await json(put)).data).to.deep.equal({ color: 'red' });
    const patch = await fetch(api('/api/v1/namespaces/dry/configmaps/keep?dryRun=All'), { method: 'PATCH', headers: { ...JSON_TYPE, 'Content-Type': 'application/merge-patch+json' }, body: '{"data":{"color":"green"}}' });
    expect(patch.status).to.equal(200);
    expect((await json(patch)).data).to.deep.equal({ color: 'green' });
    const del = await kubectl(cluster.kubeconfigPath, ['delete', 'configmap', 'keep', '-n', 'dry', '--dry-run=server', '--request-timeout=10s']);
    expect(del.code, del.stderr).to.equal(0);
    expect(del.stdout.trim()).to.equal('configmap "keep" deleted (server dry run)');
    const now = await json(await fetch(api('/api/v1/namespaces/dry/configmaps/keep')));
    expect(now.data).to.deep.equal({ color: 'blue' });
    expect(now.metadata.resourceVersion).to.equal(rv);
  });

  it('kubectl apply --dry-run=server persists nothing and starts no pods', async () => {
    const manifest = await writeManifest(
      dir.path,
      'ghost.yaml',
      `apiVersion: apps/v1
kind: Deployment
metadata: { name: ghost, namespace: dry }
spec:
  replicas: 2
  selector: { matchLabels: { app: ghost } }
  template:
    metadata: { labels: { app: ghost } }
    spec:
      containers: [{ name: app, image: img, command: [node, -e, "setInterval(() => {}, 1000)"] }]
`,
    );
    const dry = await kubectl(cluster.kubeconfigPath, ['apply', '--dry-run=server', '-f', manifest, '--request-timeout=10s']);
    expect(dry.code, dry.stderr).to.equal(0);
    expect(dry.stdout.trim()).to.equal('deployment.apps/ghost created (server dry run)');
    const get = await kubectl(cluster.kubeconfigPath, ['get', 'deployment', 'ghost', '-n', 'dry', '--request-timeout=10s']);
    expect(get.code).to.not.equal(0);
    expect(get.stderr).to.contain('deployments.apps "ghost" not found');
    const rs = await json(await fetch(api('/apis/apps/v1/namespaces/dry/replicasets')));
    const pods = await json(await fetch(api('/api/v1/namespaces/dry/pods')));
    expect(rs.items).to.deep.equal([]);
    expect(pods.items).to.deep.equal([]);
  });

  it('refuses unknown dryRun and fieldValidation values as the options kind does (422)', async () => {
    const bad = await fetch(api('/api/v1/namespaces/dry/configmaps?dryRun=Everything&fieldValidation=Loud'), { method: 'POST', headers: JSON_TYPE, body: configMap('never', { a: '1' }) });
    expect(bad.status).to.equal(422);
    const status = await json(bad);
    expect(status.message).to.equal(
      'CreateOptions.meta.k8s.io "" is invalid: [dryRun: Unsupported value: []string{"Everything"}: supported values: "All", fieldValidation: Unsupported value: "Loud": supported values: "", "Ignore", "Strict", "Warn"]',
    );
    expect(status.details.causes.map((c: { field: string }) => c.field)).to.deep.equal(['dryRun', 'fieldValidation']);
    const del = await fetch(api('/api/v1/namespaces/dry/configmaps/never?dryRun=Some'), { method: 'DELETE' });
    expect((await json(del)).message).to.equal('DeleteOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: []string{"Some"}: supported values: "All"');
  });

  it('fieldValidation=Strict refuses an unknown field with the strict decoding error (400)', async () => {
    const body = configMap('strict', { a: '1' }, { spec: { foo: 1 } });
    const response = await fetch(api('/api/v1/namespaces/dry/configmaps?fieldValidation=Strict'), { method: 'POST', headers: JSON_TYPE, body });
    expect(response.status).to.equal(400);
    expect(await json(response)).to.deep.include({ reason: 'BadRequest', message: 'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "spec"' });
    const nested = JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc', labelz: {} }, spec: { ports: [{ port: 80 }, { port: 81, name: 'b', foo: 1 }], bar: true } });
    const service = await fetch(api('/api/v1/namespaces/dry/services?fieldValidation=Strict'), { method: 'POST', headers: JSON_TYPE, body: nested });
    expect(service.status).to.equal(400);
    expect((await json(service)).message).to.equal(
      'Service in version "v1" cannot be handled as a Service: strict decoding error: unknown field "metadata.labelz", unknown field "spec.ports[1].foo", unknown field "spec.bar"',
    );
  });

  it('fieldValidation=Warn stores without the field and sends a Warning header; Ignore drops it silently', async () => {
    const warn = await fetch(api('/api/v1/namespaces/dry/configmaps?fieldValidation=Warn'), { method: 'POST', headers: JSON_TYPE, body: configMap('warned', { a: '1' }, { extra: 1 }) });
    expect(warn.status).to.equal(201);
    expect(warn.headers.get('warning')).to.equal('299 - "unknown field \\"extra\\""');
    expect(await json(warn)).to.not.have.property('extra');
    const ignore = await fetch(api('/api/v1/namespaces/dry/configmaps?fieldValidation=Ignore'), { method: 'POST', headers: JSON_TYPE, body: configMap('ignored', { a: '1' }, { extra: 1 }) });
    expect(ignore.status).to.equal(201);
    expect(ignore.headers.get('warning')).to.equal(null);
    const stored = await json(await fetch(api('/api/v1/namespaces/dry/configmaps/ignored')));
    expect(stored).to.not.have.property('extra');
    expect(stored.data).to.deep.equal({ a: '1' });
  });

  it('kubectl apply (strict by default) prints the strict decoding error; --validate=warn prints the warning', async () => {
    const manifest = await writeManifest(dir.path, 'unknown.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: odd, namespace: dry }\ndata: { a: "1" }\ndatta: { b: "2" }\n');
    const strict = await kubectl(cluster.kubeconfigPath, ['apply', '-f', manifest, '--request-timeout=10s']);
    expect(strict.code).to.equal(1);
    expect(strict.stderr.trim()).to.equal(
      `Error from server (BadRequest): error when creating "${manifest}": ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "datta"`,
    );
    const warn = await kubectl(cluster.kubeconfigPath, ['apply', '--validate=warn', '-f', manifest, '--request-timeout=10s']);
    expect(warn.code, warn.stderr).to.equal(0);
    expect(warn.stderr).to.contain('Warning: unknown field "datta"');
    expect(warn.stdout.trim()).to.equal('configmap/odd created');
  });
});
