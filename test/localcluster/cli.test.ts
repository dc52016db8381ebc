import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { echoDeployment, groupAlive, HERE, kubectl, tempDir, waitFor, writeManifest } from './helpers.ts';

const BIN = join(HERE, '..', '..', 'bin', 'rebound.mjs');

function run(args: string[]) {
  const child = spawn(process.execPath, [BIN, 'cluster', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (d) => (out.stdout += d));
  child.stderr.on('data', (d) => (out.stderr += d));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, out, exit };
}

describe('rebound cluster up (black box)', function () {
  this.timeout(40_000);
  let dir: Awaited<ReturnType<typeof tempDir>>;
  before(async () => (dir = await tempDir()));
  after(async () => dir?.cleanup());

  it('applies, prints URL, kubeconfig and Services, serves kubectl, and leaves no process after SIGTERM', async () => {
    const manifest = await writeManifest(dir.path, 'up.yaml', echoDeployment({ name: 'up', namespace: 'up', replicas: 2, grace: 30, env: { DRAIN_MS: '60000' } }));
    const kubeconfig = join(dir.path, 'kubeconfig');
    const { child, out, exit } = run(['up', '-f', manifest, '--kubeconfig', kubeconfig]);
    try {
      await waitFor('startup banner', () => out.stdout.includes('Press Ctrl-C'), 30_000, 50);
      expect(out.stdout).to.match(/Local Kubernetes API: http:\/\/127\.0\.0\.1:\d+/);
      expect(out.stdout).to.contain(`Kubeconfig:           ${kubeconfig}`);
      expect(out.stdout).to.match(/up\/up:80 -> 127\.0\.0\.1:\d+/);
      const pods = await kubectl(kubeconfig, ['get', 'pods', '-n', 'up', '-o', 'jsonpath={.items[*].metadata.annotations.rebound\\.dev/local-port}']);
      expect(pods.code, pods.stderr).to.equal(0);
      // each pod's process group id is its container pid: find them through the status containerID
      const ids = await kubectl(kubeconfig, ['get', 'pods', '-n', 'up', '-o', 'jsonpath={.items[*].status.containerStatuses[0].containerID}']);
      const pids = ids.stdout.trim().split(/\s+/).map((id) => Number(id.replace('rebound://', '')));
      expect(pids).to.have.length(2);
      expect(pids.every(groupAlive)).to.equal(true);
      child.kill('SIGTERM');
      expect(await exit).to.equal(0);
      expect(pids.filter(groupAlive)).to.deep.equal([]);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('exits 2 with a located line for a bad manifest, 4 naming a port in use, 2 for bad usage', async () => {
    const bad = await writeManifest(dir.path, 'bad.yaml', 'apiVersion: v1\nkind: Service\nmetadata: { name: s }\nspec: { ports: [{ port: 99999 }] }\n');
    const badRun = run(['up', '-f', bad]);
    expect(await badRun.exit).to.equal(2);
    expect(badRun.out.stderr).to.contain('bad.yaml:1:1').and.contain('spec.ports[0].port').and.not.contain('    at ');

    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const taken = (blocker.address() as { port: number }).port;
    try {
      const ok = await writeManifest(dir.path, 'ok.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\n');
      const portRun = run(['up', '-f', ok, '--port', String(taken)]);
      expect(await portRun.exit).to.equal(4);
      expect(portRun.out.stderr).to.contain(`port ${taken} is already in use`);
    } finally {
      blocker.close();
    }
    const usage = run(['up']);
    expect(await usage.exit).to.equal(2);
    expect(usage.out.stderr).to.contain('-f <file-or-dir> is required');
    const help = run(['--help']);
    expect(await help.exit).to.equal(0);
    expect(help.out.stdout).to.contain('Usage: rebound cluster up');
  });
});
