import { expect } from 'chai';
import { request } from 'node:http';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import * as k8s from '@kubernetes/client-node';
import { startLocalCluster } from '../../src/localcluster/index.ts';
import { InfraError, ValidationError } from '../../src/errors.ts';
import { ECHO_APP, echoDeployment, groupAlive, tempDir, waitFor, writeManifest } from './helpers.ts';

function get(port: number): Promise<{ status: number; pod: string } | { error: string }> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent: false, timeout: 2000 }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, pod: String(res.headers['x-served-by']) }));
    });
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

describe('localcluster pods as processes', function () {
  this.timeout(40_000);
  let dir: Awaited<ReturnType<typeof tempDir>>;
  before(async () => (dir = await tempDir()));
  after(async () => dir?.cleanup());

  it('routes no request to a pod after it was marked not Ready, under a steady stream through the Service', async () => {
    const log = `${dir.path}/$(POD_NAME).log`;
    const manifest = await writeManifest(dir.path, 'stream.yaml', echoDeployment({ name: 'stream', namespace: 'st', replicas: 2, grace: 3, env: { REQUEST_LOG: log, DRAIN_MS: '1500' } }));
    const cluster = await startLocalCluster({ manifests: manifest });
    try {
      const kc = new k8s.KubeConfig();
      kc.loadFromFile(cluster.kubeconfigPath);
      const core = kc.makeApiClient(k8s.CoreV1Api);
      const port = cluster.serviceAddress('st', 'stream', 80)!.localPort;
      const victim = (await core.listNamespacedPod({ namespace: 'st' })).items[0]!.metadata!.name!;
      const victimPid = cluster.podPids('st', victim)[0]!;
      const results: Array<{ status: number; pod: string } | { error: string }> = [];
      let running = true;
      const stream = (async () => {
        for (let i = 0; i < 2000 && running; i++) {
          results.push(await get(port));
          await new Promise((r) => setTimeout(r, 5));
        }
      })();
      await waitFor('traffic on both pods', () => new Set(results.map((r) => ('pod' in r ? r.pod : ''))).size >= 2, 5_000);
      await core.deleteNamespacedPod({ namespace: 'st', name: victim });
      const markedAt = Date.now(); // the DELETE answered: the mark is in place at the latest now
      const before = results.length;
      await new Promise((r) => setTimeout(r, 1000)); // the victim keeps serving (draining) for 1.5 s
      running = false;
      await stream;
      const served = (await readFile(`${dir.path}/${victim}.log`, 'utf8')).trim().split('\n').map((line) => Number(line.split(' ')[0]));
      expect(served.length).to.be.greaterThan(0);
      const late = served.filter((t) => t > markedAt);
      expect(late, 'requests the victim served after it was marked not Ready').to.deep.equal([]);
      const after = results.slice(before);
      expect(after.length).to.be.greaterThan(20);
      expect(after.every((r) => 'status' in r && r.status === 200 && r.pod !== victim)).to.equal(true);
      await waitFor('victim process gone', () => !groupAlive(victimPid), 5_000);
    } finally {
      await cluster.close();
    }
  });

  it('close() stops every pod process group; no child is left', async () => {
    const manifest = await writeManifest(dir.path, 'close.yaml', echoDeployment({ name: 'closer', namespace: 'cl', replicas: 3, grace: 30, env: { DRAIN_MS: '60000' } }));
    const cluster = await startLocalCluster({ manifests: manifest, shutdownGraceMs: 300 });
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(cluster.kubeconfigPath);
    const pods = (await kc.makeApiClient(k8s.CoreV1Api).listNamespacedPod({ namespace: 'cl' })).items.map((p) => p.metadata!.name!);
    const pids = pods.flatMap((name) => cluster.podPids('cl', name));
    expect(pids).to.have.length(3);
    expect(pids.every(groupAlive)).to.equal(true);
    const started = Date.now();
    await cluster.close();
    // the apps ignore SIGTERM for 60 s: only SIGKILL after the capped grace stops them
    expect(Date.now() - started).to.be.lessThan(5_000);
    expect(pids.filter(groupAlive)).to.deep.equal([]);
  });

  it('a crashing container shows CrashLoopBackOff with its last log lines and restarts with back-off', async () => {
    const manifest = await writeManifest(dir.path, 'crash.yaml', echoDeployment({ name: 'crash', namespace: 'cr', env: { CRASH: '1' } }));
    const cluster = await startLocalCluster({ manifests: manifest, waitForReady: false, crashBackoffMs: 100 });
    try {
      const kc = new k8s.KubeConfig();
      kc.loadFromFile(cluster.kubeconfigPath);
      const core = kc.makeApiClient(k8s.CoreV1Api);
      const status = await waitFor('two restarts', async () => {
        const pod = (await core.listNamespacedPod({ namespace: 'cr' })).items[0];
        const cs = pod?.status?.containerStatuses?.[0];
        return cs && cs.restartCount! >= 2 && cs.state?.waiting?.reason === 'CrashLoopBackOff' && cs;
      }, 10_000, 50);
      expect(status.state!.waiting!.message).to.contain('crashing on purpose');
      expect(status.lastState?.terminated?.exitCode).to.equal(3);
      const events = await core.listNamespacedEvent({ namespace: 'cr', fieldSelector: 'reason=BackOff' });
      expect(events.items.length).to.be.greaterThan(0);
      expect(events.items[0]!.type).to.equal('Warning');
    } finally {
      await cluster.close();
    }
  });

  it('a missing command is a StartError + CrashLoopBackOff, never a crashed plane; waitForReady names the pod', async () => {
    const manifest = await writeManifest(dir.path, 'nocmd.yaml', echoDeployment({ name: 'nocmd', namespace: 'nc' }).replace(`command: [node, ${JSON.stringify(ECHO_APP)}]`, 'command: [/no/such/binary]'));
    try {
      await startLocalCluster({ manifests: manifest, readyTimeoutMs: 1500, crashBackoffMs: 100 });
      expect.fail('expected startLocalCluster to fail');
    } catch (error) {
      expect(error).to.be.instanceOf(InfraError);
      expect((error as Error).message).to.match(/pod nc\/nocmd-[a-z0-9]+-[a-z0-9]{5} not Ready \(CrashLoopBackOff\)/).and.to.contain('/no/such/binary');
    }
  });

  it('rejects a bad manifest with a located ValidationError, and a Service port in use naming the port', async () => {
    const bad = await writeManifest(dir.path, 'bad.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: bad }\nspec:\n  selector: { matchLabels: { a: b } }\n  template: { metadata: { labels: { a: c } }, spec: { containers: [{ name: x, image: y }] } }\n');
    try {
      await startLocalCluster({ manifests: bad });
      expect.fail('expected a ValidationError');
    } catch (error) {
      expect(error).to.be.instanceOf(ValidationError);
      expect((error as Error).message).to.contain('bad.yaml:1:1').and.contain('spec.template.metadata.labels');
    }
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const taken = (blocker.address() as { port: number }).port;
    try {
      const manifest = await writeManifest(dir.path, 'taken.yaml', echoDeployment({ name: 'taken', namespace: 'tk', serviceAnnotations: `{ rebound.dev/local-port: "${taken}" }` }));
      await startLocalCluster({ manifests: manifest });
      expect.fail('expected an InfraError');
    } catch (error) {
      expect(error).to.be.instanceOf(InfraError);
      expect((error as Error).message).to.contain(`port ${taken} is already in use`);
    } finally {
      blocker.close();
    }
  });

  it('a failing liveness probe kills and restarts the container (restartCount, Unhealthy event)', async () => {
    const extra = '          livenessProbe: { httpGet: { path: /healthz, port: 9999 }, periodSeconds: 1, failureThreshold: 2 }\n';
    const manifest = await writeManifest(dir.path, 'live.yaml', echoDeployment({ name: 'live', namespace: 'lv', extra, grace: 1 }));
    const cluster = await startLocalCluster({ manifests: manifest, crashBackoffMs: 100, waitForReady: false });
    try {
      const kc = new k8s.KubeConfig();
      kc.loadFromFile(cluster.kubeconfigPath);
      const core = kc.makeApiClient(k8s.CoreV1Api);
      await waitFor('a liveness restart', async () => {
        const cs = (await core.listNamespacedPod({ namespace: 'lv' })).items[0]?.status?.containerStatuses?.[0];
        return cs && cs.restartCount! >= 1;
      }, 15_000, 100);
      const events = await core.listNamespacedEvent({ namespace: 'lv', fieldSelector: 'reason=Unhealthy' });
      expect(events.items.some((e) => e.message?.startsWith('Liveness probe failed'))).to.equal(true);
    } finally {
      await cluster.close();
    }
  });
});
