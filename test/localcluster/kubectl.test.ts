import { expect } from 'chai';
import { startLocalCluster, type LocalCluster } from '../../src/localcluster/index.ts';
import { echoDeployment, kubectl, tempDir, waitFor, writeManifest } from './helpers.ts';
import { spawn } from 'node:child_process';

describe('localcluster with the real kubectl', function () {
  this.timeout(40_000);
  let cluster: LocalCluster;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let manifest: string;

  before(async () => {
    dir = await tempDir();
    manifest = await writeManifest(dir.path, 'shop.yaml', echoDeployment({ name: 'shop', namespace: 'kc', replicas: 2, grace: 1 }));
    cluster = await startLocalCluster({});
  });
  after(async () => {
    await cluster?.close();
    await dir?.cleanup();
  });

  it('apply -f creates, re-apply is unchanged, rollout status succeeds', async () => {
    const first = await kubectl(cluster.kubeconfigPath, ['apply', '-f', manifest]);
    expect(first.code, first.stderr).to.equal(0);
    expect(first.stdout).to.contain('namespace/kc created').and.contain('deployment.apps/shop created').and.contain('service/shop created');
    const rollout = await kubectl(cluster.kubeconfigPath, ['rollout', 'status', 'deploy/shop', '-n', 'kc', '--timeout=20s']);
    expect(rollout.code, rollout.stderr).to.equal(0);
    expect(rollout.stdout).to.contain('deployment "shop" successfully rolled out');
    const again = await kubectl(cluster.kubeconfigPath, ['apply', '-f', manifest]);
    expect(again.code, again.stderr).to.equal(0);
    expect(again.stdout).to.contain('deployment.apps/shop unchanged');
  });

  it('get pods -l prints the real columns', async () => {
    const result = await kubectl(cluster.kubeconfigPath, ['get', 'pods', '-n', 'kc', '-l', 'app=shop']);
    expect(result.code, result.stderr).to.equal(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).to.match(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    expect(lines).to.have.length(3);
    for (const line of lines.slice(1)) expect(line).to.match(/^shop-[a-z0-9]+-[a-z0-9]{5}\s+1\/1\s+Running\s+0\s+\d+s$/);
    const none = await kubectl(cluster.kubeconfigPath, ['get', 'pods', '-n', 'kc', '-l', 'app=other']);
    expect(none.stderr).to.contain('No resources found in kc namespace.');
    const wide = await kubectl(cluster.kubeconfigPath, ['get', 'deploy', 'shop', '-n', 'kc']);
    expect(wide.stdout).to.match(/shop\s+2\/2\s+2\s+2\s+\d+s/);
  });

  it('delete pod terminates it, get pods -w shows Terminating, and the replacement rolls out', async () => {
    const names = (await kubectl(cluster.kubeconfigPath, ['get', 'pods', '-n', 'kc', '-o', 'name'])).stdout.trim().split('\n');
    const victim = names[0]!.replace('pod/', '');
    // a bounded watch: kubectl get -w runs until we stop it
    const watcher = spawn('kubectl', ['--kubeconfig', cluster.kubeconfigPath, 'get', 'pods', '-n', 'kc', '-w'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let watched = '';
    watcher.stdout.on('data', (d) => (watched += d));
    try {
      await waitFor('watch header', () => watched.includes('NAME'), 10_000);
      const deleted = await kubectl(cluster.kubeconfigPath, ['delete', 'pod', victim, '-n', 'kc']);
      expect(deleted.code, deleted.stderr).to.equal(0);
      expect(deleted.stdout).to.contain(`pod "${victim}" deleted`);
      await waitFor('Terminating row', () => new RegExp(`${victim}\\s+0/1\\s+Terminating`).test(watched), 10_000);
      const rollout = await kubectl(cluster.kubeconfigPath, ['rollout', 'status', 'deploy/shop', '-n', 'kc', '--timeout=20s']);
      expect(rollout.code, rollout.stderr).to.equal(0);
      const pods = (await kubectl(cluster.kubeconfigPath, ['get', 'pods', '-n', 'kc', '-o', 'name'])).stdout.trim().split('\n');
      expect(pods).to.have.length(2);
      expect(pods).to.not.include(`pod/${victim}`);
    } finally {
      watcher.kill('SIGTERM');
    }
    expect(watched.split('\n')[0]).to.match(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE/);
  });

  it('get events and logs work', async () => {
    const events = await kubectl(cluster.kubeconfigPath, ['get', 'events', '-n', 'kc']);
    expect(events.stdout).to.match(/LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE/).and.to.contain('SuccessfulCreate');
    const pod = (await kubectl(cluster.kubeconfigPath, ['get', 'pods', '-n', 'kc', '-o', 'name'])).stdout.trim().split('\n')[0]!;
    const logs = await kubectl(cluster.kubeconfigPath, ['logs', '-n', 'kc', pod]);
    expect(logs.code, logs.stderr).to.equal(0);
    expect(logs.stdout).to.contain('echo-server').and.contain('listening');
  });
});
