// npm run bench:cluster — delete-to-replacement-Ready time (and the plane's overhead beyond the
// app's own start), watch event latency, and the plane's CPU/memory with 50 pods.
import * as k8s from '@kubernetes/client-node';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawn } from 'node:child_process';
import { startLocalCluster } from '../src/localcluster/index.ts';

const APP = resolve('test/localcluster/apps/echo-server.mjs');
const dir = await mkdtemp(join(tmpdir(), 'rebound-bench-cluster-'));

function manifest(name: string, replicas: number): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name} }
spec:
  replicas: ${replicas}
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} }, annotations: { rebound.dev/probe-period-ms: "10" } }
    spec:
      terminationGracePeriodSeconds: 1
      containers:
        - name: app
          image: echo
          command: [node, ${JSON.stringify(APP)}]
          ports: [{ containerPort: 8080 }]
          readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1 }
`;
}

/** The app's own start: spawn → first successful TCP connect, with the same 10 ms polling. */
async function appStartMs(): Promise<number> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const t0 = performance.now();
  const child = spawn(process.execPath, [APP], { env: { PORT: String(port), POD_NAME: 'bench' }, stdio: 'ignore' });
  const { connect } = await import('node:net');
  for (;;) {
    const ok = await new Promise<boolean>((r) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), r(true)));
      s.once('error', () => r(false));
    });
    if (ok) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  const ms = performance.now() - t0;
  child.kill('SIGKILL');
  return ms;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}
function p90(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length * 0.9)]!;
}

try {
  // 1) delete → replacement Ready
  const file = join(dir, 'one.yaml');
  await writeFile(file, manifest('one', 1));
  const cluster = await startLocalCluster({ manifests: file });
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(cluster.kubeconfigPath);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const starts: number[] = [];
  for (let i = 0; i < 5; i++) starts.push(await appStartMs());
  const replaced: number[] = [];
  const watchLatency: number[] = [];
  for (let round = 0; round < 10; round++) {
    const victim = (await core.listNamespacedPod({ namespace: 'default' })).items.find((p) => !p.metadata?.deletionTimestamp)!.metadata!.name!;
    let readyAt = 0;
    let t0 = 0;
    const watch = new k8s.Watch(kc);
    const list = await core.listNamespacedPod({ namespace: 'default' });
    const ctl = await watch.watch('/api/v1/namespaces/default/pods', { resourceVersion: list.metadata!.resourceVersion }, (type, pod) => {
      if (type === 'MODIFIED' && pod.metadata.name === victim && pod.metadata.deletionTimestamp && !watchLatency[round]) watchLatency[round] = performance.now() - t0;
      if (pod.metadata.name !== victim && pod.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True') && !readyAt) readyAt = performance.now();
    }, () => undefined);
    t0 = performance.now();
    await core.deleteNamespacedPod({ namespace: 'default', name: victim, gracePeriodSeconds: 0 });
    while (!readyAt) await new Promise((r) => setTimeout(r, 2));
    replaced.push(readyAt - t0);
    ctl.abort();
    await new Promise((r) => setTimeout(r, 100));
  }
  // grace 0 leaves no MODIFIED; measure watch latency separately on a ConfigMap write
  const wl: number[] = [];
  const calls: number[] = [];
  for (let i = 0; i < 20; i++) {
    let seen = 0;
    const list = await core.listNamespacedConfigMap({ namespace: 'default' });
    const ctl = await new k8s.Watch(kc).watch('/api/v1/namespaces/default/configmaps', { resourceVersion: list.metadata!.resourceVersion }, () => (seen = performance.now()), () => undefined);
    const t0 = performance.now();
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: `cm-${i}` } } });
    const afterCall = performance.now();
    while (!seen) await new Promise((r) => setImmediate(r));
    wl.push(seen - t0);
    calls.push(afterCall - t0);
    ctl.abort();
  }
  await cluster.close();
  const appStart = median(starts);
  console.log(`app own start (spawn → accepts TCP): median ${appStart.toFixed(1)} ms`);
  console.log(`delete (grace 0) → replacement Ready: median ${median(replaced).toFixed(1)} ms, p90 ${p90(replaced).toFixed(1)} ms (10 rounds)`);
  console.log(`control-plane overhead beyond app start: median ${(median(replaced) - appStart).toFixed(1)} ms (ratio ${(median(replaced) / appStart).toFixed(2)}x of app start)`);
  console.log(`watch event latency (create sent → event received by client-node): median ${median(wl).toFixed(2)} ms, p90 ${p90(wl).toFixed(2)} ms; baseline create round trip median ${median(calls).toFixed(2)} ms (20 events)`);

  // 2) 50 pods: plane CPU and memory
  const fifty = join(dir, 'fifty.yaml');
  await writeFile(fifty, manifest('fifty', 50).replace('"10"', '"1000"'));
  const rss0 = process.memoryUsage().rss;
  const t50 = performance.now();
  const big = await startLocalCluster({ manifests: fifty, readyTimeoutMs: 120_000 });
  const upMs = performance.now() - t50;
  const cpu0 = process.cpuUsage();
  const w0 = performance.now();
  await new Promise((r) => setTimeout(r, 10_000));
  const cpu = process.cpuUsage(cpu0);
  const wall = performance.now() - w0;
  const rss = process.memoryUsage().rss;
  console.log(`50 pods: all Ready in ${upMs.toFixed(0)} ms; plane CPU at steady state (1 s probes) ${(((cpu.user + cpu.system) / 1000 / wall) * 100).toFixed(1)}% of one core; plane RSS ${(rss / 1048576).toFixed(0)} MiB (+${((rss - rss0) / 1048576).toFixed(0)} MiB for the 50-pod cluster)`);
  await big.close();
} finally {
  await rm(dir, { recursive: true, force: true });
}
