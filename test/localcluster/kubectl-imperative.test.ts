import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { startLocalCluster, type LocalCluster } from '../../src/localcluster/index.ts';
import { echoDeployment, kubectl, tempDir, writeManifest } from './helpers.ts';

/** The imperative kubectl commands people use on a cluster, run against the plane. */
describe('localcluster with imperative kubectl commands', function () {
  this.timeout(60_000);
  let cluster: LocalCluster;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let manifest: string;
  const k = async (...args: string[]) => {
    const result = await kubectl(cluster.kubeconfigPath, [...args, '--request-timeout=20s'], 40_000);
    return { ...result, stdout: result.stdout.trim() };
  };
  const ok = async (...args: string[]) => {
    const result = await k(...args);
    expect(result.code, `kubectl ${args.join(' ')}: ${result.stderr}`).to.equal(0);
    return result.stdout;
  };
  const jsonpath = (what: string, path: string) => ok('get', what, '-n', 'imp', '-o', `jsonpath=${path}`);

  before(async () => {
    dir = await tempDir();
    manifest = await writeManifest(dir.path, 'imp.yaml', echoDeployment({ name: 'imp', namespace: 'imp', replicas: 1, grace: 1 }));
    cluster = await startLocalCluster({});
    expect(await ok('apply', '-f', manifest)).to.contain('deployment.apps/imp created');
    await ok('rollout', 'status', 'deploy/imp', '-n', 'imp', '--timeout=30s');
  });
  after(async () => {
    await cluster?.close();
    await dir?.cleanup();
  });

  it('scale, then rollout status and wait --for=condition=Available', async () => {
    expect(await ok('scale', 'deploy/imp', '-n', 'imp', '--replicas=2')).to.equal('deployment.apps/imp scaled');
    expect(await ok('rollout', 'status', 'deploy/imp', '-n', 'imp', '--timeout=30s')).to.contain('deployment "imp" successfully rolled out');
    expect(await ok('wait', '--for=condition=Available', 'deploy/imp', '-n', 'imp', '--timeout=30s')).to.equal('deployment.apps/imp condition met');
    expect(await jsonpath('deploy/imp', '{.status.readyReplicas}')).to.equal('2');
    const ready = await ok('wait', '--for=condition=Ready', 'pod', '-l', 'app=imp', '-n', 'imp', '--timeout=30s');
    expect(ready.split('\n')).to.have.length(2);
    for (const line of ready.split('\n')) expect(line).to.match(/^pod\/imp-[a-z0-9]+-[a-z0-9]{5} condition met$/);
  });

  it('label and annotate', async () => {
    expect(await ok('label', 'deploy/imp', '-n', 'imp', 'tier=web')).to.equal('deployment.apps/imp labeled');
    expect(await ok('annotate', 'deploy/imp', '-n', 'imp', 'owner=team-a')).to.equal('deployment.apps/imp annotated');
    expect(await jsonpath('deploy/imp', '{.metadata.labels.tier}')).to.equal('web');
    expect(await jsonpath('deploy/imp', '{.metadata.annotations.owner}')).to.equal('team-a');
    // kubectl label checks values itself; a patch reaches the server's check
    const refused = await k('patch', 'deploy/imp', '-n', 'imp', '--type=merge', '-p', '{"metadata":{"labels":{"tier":"has space"}}}');
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.contain('The Deployment "imp" is invalid: metadata.labels: Invalid value: "has space"');
  });

  it('set image and rollout restart roll out a new ReplicaSet', async () => {
    expect(await ok('set', 'image', 'deploy/imp', '-n', 'imp', 'app=rebound/echo:v2')).to.equal('deployment.apps/imp image updated');
    expect(await ok('rollout', 'status', 'deploy/imp', '-n', 'imp', '--timeout=30s')).to.contain('successfully rolled out');
    expect(await jsonpath('deploy/imp', '{.spec.template.spec.containers[0].image}')).to.equal('rebound/echo:v2');
    const before = await jsonpath('deploy/imp', '{.metadata.generation}');
    expect(await ok('rollout', 'restart', 'deploy/imp', '-n', 'imp')).to.equal('deployment.apps/imp restarted');
    expect(await ok('rollout', 'status', 'deploy/imp', '-n', 'imp', '--timeout=30s')).to.contain('successfully rolled out');
    expect(Number(await jsonpath('deploy/imp', '{.metadata.generation}'))).to.equal(Number(before) + 1);
    expect(await jsonpath('deploy/imp', '{.spec.template.metadata.annotations.kubectl\\.kubernetes\\.io/restartedAt}')).to.match(/^\d{4}-\d\d-\d\dT/);
  });

  it('expose creates a Service selecting the Deployment pods, delete removes it', async () => {
    expect(await ok('expose', 'deploy/imp', '-n', 'imp', '--name=imp-ext', '--port=8081', '--target-port=http')).to.equal('service/imp-ext exposed');
    expect(await jsonpath('svc/imp-ext', '{.spec.selector.app}')).to.equal('imp');
    expect(await jsonpath('svc/imp-ext', '{.spec.ports[0].targetPort}')).to.equal('http');
    expect(await ok('delete', 'svc', 'imp-ext', '-n', 'imp')).to.equal('service "imp-ext" deleted');
    const gone = await k('get', 'svc', 'imp-ext', '-n', 'imp');
    expect(gone.stderr).to.contain('services "imp-ext" not found');
  });

  it('diff shows a change without making it; apply --dry-run=server reports it and stores nothing', async () => {
    const changed = await writeManifest(dir.path, 'imp-changed.yaml', (await readFile(manifest, 'utf8')).replace('replicas: 1', 'replicas: 3'));
    const replicas = await jsonpath('deploy/imp', '{.spec.replicas}');
    const diff = await k('diff', '-f', changed);
    expect(diff.code, diff.stderr).to.equal(1);
    expect(diff.stdout).to.match(/^- {2}replicas: 2$/m).and.to.match(/^\+ {2}replicas: 3$/m);
    const dry = await ok('apply', '--dry-run=server', '-f', changed);
    expect(dry).to.contain('deployment.apps/imp configured (server dry run)');
    expect(await jsonpath('deploy/imp', '{.spec.replicas}')).to.equal(replicas);
    const same = await writeManifest(dir.path, 'imp-same.yaml', (await readFile(manifest, 'utf8')).replace('replicas: 1', `replicas: ${replicas}`));
    expect(await ok('apply', '-f', same)).to.contain('deployment.apps/imp configured');
    const none = await k('diff', '-f', same);
    expect(none.code, none.stdout + none.stderr).to.equal(0);
  });

  it('delete deployment removes its pods; wait --for=delete returns', async () => {
    expect(await ok('delete', 'deploy/imp', '-n', 'imp')).to.equal('deployment.apps "imp" deleted');
    const waited = await k('wait', '--for=delete', 'pod', '-l', 'app=imp', '-n', 'imp', '--timeout=30s');
    expect(waited.code, waited.stderr).to.equal(0);
    const pods = await k('get', 'pods', '-n', 'imp', '-o', 'name');
    expect(pods.stdout).to.equal('');
  });
});
