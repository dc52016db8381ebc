import { expect } from 'chai';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalCluster, type LocalCluster } from '../../src/localcluster/index.ts';
import { CORPUS } from './conformance/corpus.ts';
import { runCorpus } from './conformance/run-corpus.ts';
import { HERE, kubectl } from './helpers.ts';

const SHOP_MANIFESTS = join(HERE, '..', '..', 'fixtures', 'shop', 'manifests');

describe('localcluster against the conformance corpus (what a real API server answers)', function () {
  this.timeout(120_000);
  let cluster: LocalCluster;
  before(async () => (cluster = await startLocalCluster({})));
  after(async () => cluster?.close());

  it('kubectl apply --dry-run=server gets the status and messages a real server gives, for every case', async () => {
    const outcomes = await runCorpus(CORPUS, { kubeconfig: cluster.kubeconfigPath });
    const disagreements = outcomes.filter((o) => !o.agrees).map((o) => `${o.id}: ${o.differences.join('; ')} | kubectl: ${o.output}`);
    expect(disagreements).to.deep.equal([]);
    expect(outcomes).to.have.length(CORPUS.length);
  });

  it('422 answers carry reason Invalid and one cause per line, with its field path', async () => {
    for (const testCase of CORPUS) {
      if (testCase.expect.code !== 422) continue;
      const manifest = testCase.manifest as { apiVersion: string; kind: string; metadata: { name: string } };
      const plural = { Deployment: 'deployments', ReplicaSet: 'replicasets', Service: 'services', Pod: 'pods', ConfigMap: 'configmaps', Secret: 'secrets', ServiceAccount: 'serviceaccounts', Namespace: 'namespaces' }[manifest.kind]!;
      const base = manifest.apiVersion === 'v1' ? '/api/v1' : `/apis/${manifest.apiVersion}`;
      const path = manifest.kind === 'Namespace' ? `${base}/namespaces` : `${base}/namespaces/default/${plural}`;
      const response = await fetch(`${cluster.url}${path}?dryRun=All&fieldValidation=Strict`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(manifest) });
      const status = (await response.json()) as { code: number; reason: string; message: string; details: { name: string; kind: string; causes: Array<{ field: string; message: string }> } };
      expect(status.code, testCase.id).to.equal(422);
      expect(status.reason, testCase.id).to.equal('Invalid');
      expect(status.details.kind, testCase.id).to.equal(manifest.kind);
      expect(status.details.name, testCase.id).to.equal(manifest.metadata.name);
      expect(status.details.causes.map((c) => `${c.field}: ${c.message}`), testCase.id).to.deep.equal(testCase.expect.lines);
      const qualified = manifest.apiVersion.includes('/') ? `${manifest.kind}.${manifest.apiVersion.split('/')[0]}` : manifest.kind;
      const list = testCase.expect.lines.length === 1 ? testCase.expect.lines[0] : `[${testCase.expect.lines.join(', ')}]`;
      expect(status.message, testCase.id).to.equal(`${qualified} "${manifest.metadata.name}" is invalid: ${list}`);
    }
  });

  it('updates: a Deployment selector and an immutable ConfigMap cannot change', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rebound-conformance-update-'));
    try {
      const deployment = (app: string) =>
        JSON.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'frozen' }, spec: { replicas: 0, selector: { matchLabels: { app } }, template: { metadata: { labels: { app } }, spec: { containers: [{ name: 'app', image: 'img' }] } } } });
      const file = join(dir, 'frozen.json');
      await writeFile(file, deployment('one'));
      expect((await kubectl(cluster.kubeconfigPath, ['apply', '-f', file, '--request-timeout=10s'])).code).to.equal(0);
      await writeFile(file, deployment('two'));
      const changed = await kubectl(cluster.kubeconfigPath, ['apply', '-f', file, '--request-timeout=10s']);
      expect(changed.code).to.equal(1);
      expect(changed.stderr.trim()).to.equal(
        'The Deployment "frozen" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"two"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
      );
      const cm = join(dir, 'cm.json');
      await writeFile(cm, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'frozen' }, immutable: true, data: { a: '1' } }));
      expect((await kubectl(cluster.kubeconfigPath, ['apply', '-f', cm, '--request-timeout=10s'])).code).to.equal(0);
      await writeFile(cm, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'frozen' }, immutable: true, data: { a: '2' } }));
      const edited = await kubectl(cluster.kubeconfigPath, ['apply', '-f', cm, '--request-timeout=10s']);
      expect(edited.stderr.trim()).to.equal('The ConfigMap "frozen" is invalid: data: Forbidden: field is immutable when `immutable` is set');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('every manifest under fixtures/shop/manifests passes the plane validation (server-side dry run)', async () => {
    const ns = await kubectl(cluster.kubeconfigPath, ['create', 'namespace', 'shop', '--request-timeout=10s']);
    expect(ns.code, ns.stderr).to.equal(0);
    for (const flavour of ['cluster', 'local']) {
      const files = (await readdir(join(SHOP_MANIFESTS, flavour))).filter((f) => f.endsWith('.yaml'));
      expect(files.length, flavour).to.be.greaterThan(5);
      for (const file of files) {
        const result = await kubectl(cluster.kubeconfigPath, ['apply', '--dry-run=server', '-f', join(SHOP_MANIFESTS, flavour, file), '--request-timeout=10s']);
        expect(result.code, `${flavour}/${file}: ${result.stderr}`).to.equal(0);
        for (const line of result.stdout.trim().split('\n')) expect(line, `${flavour}/${file}`).to.match(/ \(server dry run\)$/);
      }
    }
  });
});
