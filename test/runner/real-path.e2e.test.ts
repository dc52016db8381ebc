/**
 * "A real cluster is a kubeconfig change", end to end through the production path: the local
 * control plane (`rebound cluster up`) and Toxiproxy (`rebound toxiproxy`) run as separate
 * processes, as a real cluster and a real Toxiproxy would, and `rebound run` reaches them only
 * through the kubeconfig and the Toxiproxy URL. `service/NAME:PORT` references (an endpoint and
 * a proxy upstream) resolve through the Kubernetes API (the plane's local-ports annotation).
 */
import { expect } from 'chai';
import * as k8s from '@kubernetes/client-node';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { descendantProcessGroups } from '../../src/runner/process-groups.ts';
import { BIN, freePort, REPO, runCli, TempDir, waitForOutput } from '../cli/system.ts';
import { alive } from '../helpers/process.ts';

const BACKEND = resolve(import.meta.dirname, 'apps/backend.mjs');
const FRONTEND = resolve(import.meta.dirname, 'apps/frontend.mjs');
const NS = 'rbreal';

function deployment(name: string, replicas: number, script: string, env: Record<string, string> = {}): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: ${NS} }
spec:
  replicas: ${replicas}
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata:
      labels: { app: ${name} }
      annotations: { rebound.dev/probe-period-ms: "100" }
    spec:
      terminationGracePeriodSeconds: 1
      containers:
        - name: ${name}
          image: unused
          command: [node, ${JSON.stringify(script)}]
          ports: [ { name: http, containerPort: 8080 } ]
          env: [${Object.entries(env).map(([k, v]) => `{ name: ${k}, value: ${JSON.stringify(v)} }`).join(', ')}]
          readinessProbe: { httpGet: { path: /, port: http }, periodSeconds: 1, failureThreshold: 1 }
`;
}

function service(name: string, localPort?: number): string {
  return `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: ${NS}
${localPort ? `  annotations: { rebound.dev/local-port: "${localPort}" }\n` : ''}spec:
  selector: { app: ${name} }
  ports: [ { name: http, port: 80, targetPort: http } ]
`;
}

/** A primary (2 pods), a secondary, and a frontend that calls the primary through a Toxiproxy proxy and fails over. */
function manifests(proxyPort: number, secondaryPort: number): string {
  return [
    `apiVersion: v1\nkind: Namespace\nmetadata: { name: ${NS} }\n`,
    service('primary'),
    deployment('primary', 2, BACKEND),
    service('secondary', secondaryPort),
    deployment('secondary', 1, BACKEND),
    service('frontend'),
    deployment('frontend', 1, FRONTEND, { PRIMARY_URL: `http://127.0.0.1:${proxyPort}/`, SECONDARY_URL: `http://127.0.0.1:${secondaryPort}/`, TIMEOUT_MS: '500' }),
  ].join('---\n');
}

interface Daemon {
  readonly child: ChildProcess;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startDaemon(args: readonly string[]): Daemon {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout!.on('data', (chunk) => (text += chunk));
  child.stderr!.on('data', (chunk) => (text += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.on('close', (code, signal) => done({ code, signal })));
  return { child, output: () => text, exited };
}

describe('runner: the real path — `rebound cluster up` and `rebound toxiproxy` as separate processes, `rebound run` with kubeconfig + URL', function () {
  this.timeout(40_000);
  let dir: TempDir;
  let plane: Daemon | undefined;
  let toxiproxy: Daemon | undefined;
  let kubeconfig: string;
  let apiUrl: string;
  let toxiproxyUrl: string;
  let proxyPort: number;

  before(async () => {
    dir = await TempDir.create();
    proxyPort = await freePort();
    await mkdir(dir.join('manifests'));
    await dir.write('manifests/app.yaml', manifests(proxyPort, await freePort()));
    plane = startDaemon(['cluster', 'up', '-f', dir.join('manifests'), '--kubeconfig', dir.join('kubeconfig'), '--port', '0']);
    toxiproxy = startDaemon(['toxiproxy', '--port', '0']);
    await Promise.all([waitForOutput(plane.output, /Press Ctrl-C to stop/, 20_000), waitForOutput(toxiproxy.output, /serving (http:\/\/\S+)/, 10_000)]);
    apiUrl = /Local Kubernetes API: (\S+)/.exec(plane.output())![1]!;
    kubeconfig = /Kubeconfig: +(\S+)/.exec(plane.output())![1]!;
    toxiproxyUrl = /serving (http:\/\/\S+)/.exec(toxiproxy.output())![1]!;
  });

  after(async () => {
    const daemons = [plane, toxiproxy].filter((d): d is Daemon => d !== undefined);
    // The pod processes the plane started (each leads its own process group).
    const podGroups = plane?.child.pid ? await descendantProcessGroups(plane.child.pid).catch(() => []) : [];
    for (const daemon of daemons) daemon.child.kill('SIGTERM');
    const exits = await Promise.all(daemons.map((d) => Promise.race([d.exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 10_000))])));
    await dir?.remove();
    for (const [index, exit] of exits.entries()) expect(exit, `${daemons[index]!.output()}`).to.deep.equal({ code: 0, signal: null });
    for (const daemon of daemons) expect(alive(daemon.child.pid!), `process ${daemon.child.pid} still alive`).to.equal(false);
    expect(podGroups.length, 'pod processes were found before stopping').to.be.greaterThan(0);
    expect(podGroups.filter(alive), 'pod processes left behind').to.deep.equal([]);
  });

  it('runs the experiment against them: failover verdict, the fault applied and reverted through the external Toxiproxy, a pod of the external plane killed', async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(kubeconfig);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const podsBefore = (await core.listNamespacedPod({ namespace: NS, labelSelector: 'app=primary' })).items.map((pod) => pod.metadata!.name!);
    expect(podsBefore).to.have.length(2);

    const file = await dir.write(
      'experiment.yaml',
      `apiVersion: rebound.dev/v1
kind: Experiment
metadata: { name: real-path }
target:
  kubernetes: { kubeconfig: ${JSON.stringify(kubeconfig)}, namespace: ${NS}, allowContexts: [rebound-local] }
  toxiproxy:
    url: ${toxiproxyUrl}
    proxies:
      - { name: primary, listen: 127.0.0.1:${proxyPort}, upstream: service/primary:80 }
  endpoints: { app: service/frontend:80 }
load:
  rate: 50/s
  timeout: 2s
  requests: [ { url: "{{endpoints.app}}/" } ]
  servedBy: x-served-by
phases:
  - { name: baseline, duration: 2s }
  - name: outage
    duration: 3s
    faults:
      - toxiproxy: { proxy: primary, down: true }
      - podKill: { selector: app=primary, count: 1, gracePeriod: 0s }
  - { name: recovery, duration: 3s }
checks:
  - { name: primary serves the baseline, trafficSplit: { phase: baseline, from: 1s, expect: { primary: 1.0 }, tolerance: 0.05 } }
  - { name: outage keeps working, successRatio: { phase: outage, min: 0.95 } }
  - { name: secondary serves the outage, trafficSplit: { phase: outage, from: 1s, expect: { secondary: 1.0 }, tolerance: 0.05 } }
  - { name: back on primary, trafficSplit: { phase: recovery, from: 1s, expect: { primary: 1.0 }, tolerance: 0.05 } }
  - { name: primary has two pods again, podsReady: { selector: app=primary, count: 2, within: 3s, after: outage } }
guardrails: { maxPodsKilled: 1 }
report: { formats: [json] }
`,
    );

    // Watch the proxy through the external Toxiproxy's own API while the run goes.
    const states: string[] = [];
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const response = await fetch(`${toxiproxyUrl}/proxies/primary`).catch(() => undefined);
        const state = !response ? 'unreachable' : response.status === 404 ? 'absent' : ((await response.json()) as { enabled: boolean }).enabled ? 'enabled' : 'disabled';
        if (states[states.length - 1] !== state) states.push(state);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    let run;
    try {
      run = await runCli(['run', file, '--out', dir.join('out'), '--journal', dir.join('journal.json')], { timeoutMs: 30_000 });
    } finally {
      watching = false;
      await watcher;
    }
    expect(run.code, run.stdout + run.stderr).to.equal(0);
    expect(run.stdout).to.match(/PASSED\s+real-path/);

    // Applied and reverted on the external Toxiproxy; the proxy the run created is gone again.
    expect(states.join(' → ')).to.match(/^absent → enabled → disabled → enabled → absent$/);
    const result = JSON.parse(await readFile(dir.join('out/result.json'), 'utf8'));
    expect(result.verdict).to.equal('passed');
    expect(result.environment.toxiproxy).to.include({ url: toxiproxyUrl, embedded: false });
    expect(result.environment.kubernetes).to.include({ server: apiUrl, context: 'rebound-local', namespace: NS });
    const down = result.faults.find((f: { kind: string }) => f.kind === 'proxy-down');
    expect(down.appliedAt).to.be.a('string');
    expect(down.revertedAt).to.be.a('string');

    // The pod kill hit a pod of the external plane, which replaced it.
    const kill = result.faults.find((f: { kind: string }) => f.kind === 'pod-kill');
    const killed: string[] = kill.pods.map((record: { pod: string }) => record.pod);
    expect(killed).to.have.length(1);
    expect(podsBefore).to.include(killed[0]);
    const podsAfter = (await core.listNamespacedPod({ namespace: NS, labelSelector: 'app=primary' })).items.map((pod) => pod.metadata!.name!);
    expect(podsAfter).to.have.length(2);
    expect(podsAfter).to.not.include(killed[0]);
    expect(podsAfter).to.include(kill.pods[0].replacement);
  });
});
