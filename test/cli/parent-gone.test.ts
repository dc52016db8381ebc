/**
 * `npx rebound toxiproxy & … kill $!`: the killed wrapper does not pass the signal on. The
 * Rebound process must notice its parent is gone and stop as on SIGTERM, taking its port and
 * (for `cluster up`) every pod process with it. The wrapper here is `sh -c '…; echo …'` (the
 * command after it keeps sh from exec'ing, as npx's shell stays in between).
 */
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { BIN } from '../helpers/cli.ts';
import { alive } from '../helpers/process.ts';
import { childPids, echoDeployment, groupAlive, tempDir, waitFor, writeManifest } from '../localcluster/helpers.ts';

interface Wrapped {
  readonly wrapper: ChildProcess;
  output(): string;
}

function throughShellWrapper(args: string[]): Wrapped {
  const wrapper = spawn('/bin/sh', ['-c', '"$0" "$@"; echo "rebound exited with $?"', process.execPath, BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  wrapper.stdout!.on('data', (chunk) => (output += chunk));
  wrapper.stderr!.on('data', (chunk) => (output += chunk));
  return { wrapper, output: () => output };
}

function portRefuses(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

async function podPids(apiUrl: string, namespace: string): Promise<number[]> {
  const response = await fetch(`${apiUrl}/api/v1/namespaces/${namespace}/pods`, { signal: AbortSignal.timeout(5000) });
  const list = (await response.json()) as { items: { status?: { containerStatuses?: { containerID?: string }[] } }[] };
  return list.items.flatMap((pod) => (pod.status?.containerStatuses ?? []).map((cs) => Number(cs.containerID?.replace('rebound://', '')))).filter((pid) => pid > 0);
}

describe('long-running commands stop when their parent is gone', function () {
  this.timeout(60_000);
  const started: number[] = [];
  const podGroups: number[] = [];
  let dir: Awaited<ReturnType<typeof tempDir>>;
  before(async () => (dir = await tempDir()));
  after(async () => {
    for (const pid of started) if (alive(pid)) process.kill(pid, 'SIGKILL');
    for (const pgid of podGroups) if (groupAlive(pgid)) process.kill(-pgid, 'SIGKILL');
    await dir?.cleanup();
  });

  it('rebound toxiproxy: the wrapper is SIGKILLed → the server process and its port are gone within 5 s', async () => {
    const { wrapper, output } = throughShellWrapper(['toxiproxy', '--port', '0']);
    const url = await waitFor('the API URL', () => /http:\/\/127\.0\.0\.1:(\d+)/.exec(output()) ?? undefined, 30_000, 50);
    const port = Number(url[1]);
    const [rebound] = await childPids(wrapper.pid!);
    expect(rebound, 'the rebound process under the wrapper').to.be.a('number');
    started.push(rebound!);
    expect(await portRefuses(port)).to.equal(false);

    wrapper.kill('SIGKILL');
    await waitFor('the rebound toxiproxy process to exit', () => !alive(rebound!), 5000, 50);
    expect(await portRefuses(port)).to.equal(true);
    expect(output()).to.contain('parent process gone, closing every proxy and connection');
  });

  it('rebound cluster up: the wrapper is SIGTERMed → the plane, its API port and every pod process are gone', async () => {
    const manifest = await writeManifest(dir.path, 'wrapped.yaml', echoDeployment({ name: 'wrapped', namespace: 'wrapped', replicas: 2 }));
    const { wrapper, output } = throughShellWrapper(['cluster', 'up', '-f', manifest]);
    await waitFor('the start-up banner', () => output().includes('Press Ctrl-C'), 40_000, 50);
    const apiUrl = /Local Kubernetes API: (http:\/\/127\.0\.0\.1:(\d+))/.exec(output())!;
    const [plane] = await childPids(wrapper.pid!);
    started.push(plane!);
    const pods = await podPids(apiUrl[1]!, 'wrapped');
    podGroups.push(...pods);
    expect(pods).to.have.length(2);
    expect(pods.every(groupAlive)).to.equal(true);

    wrapper.kill('SIGTERM'); // sh dies of it and passes nothing on
    await waitFor('the plane to exit', () => !alive(plane!), 10_000, 50);
    expect(pods.filter(groupAlive)).to.deep.equal([]);
    expect(await portRefuses(Number(apiUrl[2]))).to.equal(true);
    expect(output()).to.contain('rebound cluster: parent process gone: stopping pods');
  });

  it('rebound cluster up SIGKILLed with pods running → every pod process group is gone within 10 s', async () => {
    const manifest = await writeManifest(dir.path, 'killed.yaml', echoDeployment({ name: 'killed', namespace: 'killed', replicas: 2, grace: 30, env: { DRAIN_MS: '60000' } }));
    const kubeconfig = join(dir.path, 'killed-kubeconfig');
    const { wrapper, output } = throughShellWrapper(['cluster', 'up', '-f', manifest, '--kubeconfig', kubeconfig]);
    await waitFor('the start-up banner', () => output().includes('Press Ctrl-C'), 40_000, 50);
    const apiUrl = /Local Kubernetes API: (http:\/\/127\.0\.0\.1:\d+)/.exec(output())!;
    const [plane] = await childPids(wrapper.pid!);
    started.push(plane!);
    const pods = await podPids(apiUrl[1]!, 'killed');
    podGroups.push(...pods);
    expect(pods).to.have.length(2);
    expect(pods.every(groupAlive)).to.equal(true);

    process.kill(plane!, 'SIGKILL');
    await waitFor('the plane to die', () => !alive(plane!), 5000, 50);
    await waitFor('every pod process group to be gone', () => pods.every((pgid) => !groupAlive(pgid)), 10_000, 50);
    wrapper.kill('SIGKILL');
  });

  it('rebound cluster up: SIGTERM while waiting for readiness → exit 130 at once, every pod stopped', async () => {
    const manifest = await writeManifest(
      dir.path,
      'never-ready.yaml',
      `apiVersion: apps/v1
kind: Deployment
metadata: { name: never-ready, namespace: default }
spec:
  replicas: 2
  selector: { matchLabels: { app: never-ready } }
  template:
    metadata: { labels: { app: never-ready } }
    spec:
      containers:
        - name: app
          image: none
          command: [node, -e, "setInterval(() => {}, 1000)"]
          readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1 }
`,
    );
    const { wrapper, output } = throughShellWrapper(['cluster', 'up', '-f', manifest, '--ready-timeout', '120']);
    const plane = await waitFor('the plane', async () => (await childPids(wrapper.pid!))[0], 20_000, 50);
    started.push(plane);
    const pods = await waitFor('two pod processes', async () => {
      const children = await childPids(plane);
      return children.length >= 2 ? children : undefined;
    }, 30_000, 100);
    podGroups.push(...pods);
    process.kill(plane, 'SIGTERM');
    await waitFor('the plane to exit', () => !alive(plane), 10_000, 50);
    expect(output()).to.contain('rebound cluster: SIGTERM during start-up: every pod stopped');
    expect(pods.filter(alive)).to.deep.equal([]);
    await waitFor('the wrapper to report the exit code', () => output().includes('rebound exited with'), 5000, 50);
    expect(output()).to.contain('rebound exited with 130');
  });
});
