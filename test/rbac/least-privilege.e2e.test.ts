/**
 * The generated RBAC is enough, and no more: the local plane authorizes ServiceAccount tokens
 * with Kubernetes RBAC. `rebound rbac` output is applied with the real kubectl, a token is
 * requested for its ServiceAccount (TokenRequest), and a short real run (a pod kill and an
 * httpFault on a VirtualService) goes through a recording proxy with only that token. The run
 * must pass its preflight, inject and revert both faults without one refusal, every rule granted
 * must have been used, and calls outside the Role are refused with 403 Forbidden.
 */
import { expect } from 'chai';
import * as k8s from '@kubernetes/client-node';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { startLocalCluster, type LocalCluster } from '../../src/localcluster/index.ts';
import { REPO, runCli, type CliRun } from '../helpers/cli.ts';
import { startCaptureProxy, type CapturedRequest } from '../localcluster/capture-proxy.ts';
import { kubectl } from '../localcluster/helpers.ts';

const NS = 'rbac-e2e';
const BACKEND = resolve(REPO, 'test/runner/apps/backend.mjs');
const CONTEXT = 'rebound-sa';

const MANIFESTS = `apiVersion: v1
kind: Namespace
metadata: { name: ${NS} }
---
apiVersion: v1
kind: Namespace
metadata: { name: elsewhere }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: backend, namespace: ${NS} }
spec:
  replicas: 2
  selector: { matchLabels: { app: backend } }
  template:
    metadata:
      labels: { app: backend }
      annotations: { rebound.dev/probe-period-ms: "100" }
    spec:
      terminationGracePeriodSeconds: 1
      containers:
        - name: backend
          image: unused
          command: [node, ${JSON.stringify(BACKEND)}]
          ports: [ { name: http, containerPort: 8080 } ]
          readinessProbe: { httpGet: { path: /, port: http }, periodSeconds: 1, failureThreshold: 1 }
---
apiVersion: v1
kind: Service
metadata: { name: backend, namespace: ${NS} }
spec:
  selector: { app: backend }
  ports: [ { name: http, port: 80, targetPort: http } ]
---
apiVersion: v1
kind: Service
metadata: { name: admin-only, namespace: ${NS} }
spec:
  selector: { app: backend }
  ports: [ { name: http, port: 80, targetPort: http } ]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: backend, namespace: ${NS} }
spec:
  hosts: [backend]
  http:
    - name: edge
      route: [ { destination: { host: backend } } ]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: other, namespace: ${NS} }
spec:
  hosts: [other]
  http:
    - name: edge
      route: [ { destination: { host: backend } } ]
`;

function experimentYaml(kubeconfig: string): string {
  return `apiVersion: rebound.dev/v1
kind: Experiment
metadata: { name: rbac-e2e }
target:
  kubernetes:
    kubeconfig: ${JSON.stringify(kubeconfig)}
    context: ${CONTEXT}
    allowContexts: [${CONTEXT}]
    namespace: ${NS}
  endpoints:
    backend: service/backend:80
load:
  rate: 20/s
  timeout: 2s
  requests:
    - { name: get, method: GET, url: "{{endpoints.backend}}/" }
phases:
  - { name: baseline, duration: 2s }
  - name: chaos
    duration: 3s
    faults:
      - podKill: { selector: app=backend, count: 1, gracePeriod: 0s }
      - httpFault: { virtualService: backend, route: edge, abort: { status: 503, percent: 10 } }
  - { name: recovery, duration: 4s }
checks:
  - name: two backends Ready again
    podsReady: { selector: app=backend, count: 2, within: 20s, after: chaos }
  - name: serving before the faults
    successRatio: { phase: baseline, min: 0.5 }
guardrails:
  maxPodsKilled: 1
`;
}

function kubeconfigFor(server: string, token: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'plane', cluster: { server, 'insecure-skip-tls-verify': true } }],
    users: [{ name: 'sa', user: { token } }],
    contexts: [{ name: CONTEXT, context: { cluster: 'plane', user: 'sa', namespace: NS } }],
    'current-context': CONTEXT,
  });
}

/** A recorded request as Kubernetes' request-info reads it: verb, API group, resource. */
function requestInfo(request: CapturedRequest): string | undefined {
  const url = new URL(request.url, 'http://plane');
  let parts = url.pathname.split('/').filter(Boolean);
  let group: string;
  if (parts[0] === 'api' && parts.length > 2) {
    group = '';
    parts = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length > 3) {
    group = parts[1]!;
    parts = parts.slice(3);
  } else return undefined; // discovery: /version, /api, /apis, /apis/<group>[/<version>]
  let watch = url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1';
  if (parts[0] === 'watch') {
    watch = true;
    parts = parts.slice(1);
  }
  if (parts[0] === 'namespaces' && parts.length >= 3) parts = parts.slice(2);
  const [resource, name] = parts;
  const verb = { GET: watch ? 'watch' : name ? 'get' : 'list', POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: name ? 'delete' : 'deletecollection' }[request.method];
  return `${verb} ${group}/${resource}`;
}

describe('rebound rbac: the generated Role is enough and least (local plane with RBAC)', function () {
  this.timeout(180_000);
  let dir = '';
  let cluster: LocalCluster | undefined;
  let capture: Awaited<ReturnType<typeof startCaptureProxy>> | undefined;
  let saConfig: k8s.KubeConfig;
  let grants: string[] = [];
  let run: CliRun;
  let result: any;

  before(async function () {
    this.timeout(180_000);
    dir = await mkdtemp(join(tmpdir(), 'rebound-rbac-e2e-'));
    const manifests = join(dir, 'manifests.yaml');
    await writeFile(manifests, MANIFESTS);
    cluster = await startLocalCluster({ manifests, kubeconfigPath: join(dir, 'admin.kubeconfig'), readyTimeoutMs: 60_000 });
    capture = await startCaptureProxy(cluster.url);

    const saKubeconfig = join(dir, 'sa.kubeconfig');
    const experiment = join(dir, 'experiment.yaml');
    await writeFile(saKubeconfig, kubeconfigFor(capture.url, 'not-issued-yet'));
    await writeFile(experiment, experimentYaml(saKubeconfig));

    const generated = await runCli(['rbac', experiment], { timeoutMs: 60_000 });
    expect(generated.code, generated.stderr).to.equal(0);
    await writeFile(join(dir, 'rbac.yaml'), generated.stdout);
    const applied = await kubectl(cluster.kubeconfigPath, ['apply', '-f', join(dir, 'rbac.yaml')], 60_000);
    expect(applied.code, applied.stderr).to.equal(0);
    expect(applied.stdout).to.include('role.rbac.authorization.k8s.io/rebound-rbac-e2e created');
    grants = (((await import('yaml')).parseAllDocuments(generated.stdout).map((doc) => doc.toJS()).find((o: any) => o.kind === 'Role')?.rules ?? []) as any[]).flatMap((rule) =>
      rule.verbs.map((verb: string) => `${verb} ${rule.apiGroups[0]}/${rule.resources[0]}`),
    );

    const admin = new k8s.KubeConfig();
    admin.loadFromFile(cluster.kubeconfigPath);
    const token = await admin.makeApiClient(k8s.CoreV1Api).createNamespacedServiceAccountToken({ name: 'rebound', namespace: NS, body: { spec: { audiences: [], expirationSeconds: 3600 } } });
    await writeFile(saKubeconfig, kubeconfigFor(capture.url, token.status!.token));
    saConfig = new k8s.KubeConfig();
    saConfig.loadFromString(kubeconfigFor(cluster.url, token.status!.token));

    run = await runCli(['run', experiment, '--out', join(dir, 'out'), '--journal', join(dir, 'journal.json')], { timeoutMs: 150_000 });
    result = JSON.parse(await readFile(join(dir, 'out/result.json'), 'utf8').catch(() => 'null'));
  });

  after(async () => {
    await capture?.close();
    await cluster?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('the run, as the ServiceAccount, injects and reverts both faults without a refusal', () => {
    expect(run.stdout + run.stderr).not.to.match(/forbidden|unauthorized/i);
    // Passed, failed or (on a starved machine) inconclusive: a verdict was reached; a refused call would be 4.
    expect(run.code, run.stdout + run.stderr).to.be.oneOf([0, 1, 5]);
    expect(result.faults.map((f: any) => f.kind).sort()).to.deep.equal(['http-fault', 'pod-kill']);
    for (const fault of result.faults) {
      expect(fault, JSON.stringify(fault)).to.include.keys('appliedAt', 'revertedAt');
      expect(fault).not.to.have.any.keys('applyError', 'revertError');
    }
    const kill = result.faults.find((f: any) => f.kind === 'pod-kill');
    expect(kill.pods, JSON.stringify(kill)).to.have.length(1);
    const podsReady = result.checks.find((c: any) => c.kind === 'podsReady');
    expect(podsReady.verdict).to.be.oneOf(['passed', 'failed']);
  });

  it('the VirtualService is back as it was', async () => {
    const admin = new k8s.KubeConfig();
    admin.loadFromFile(cluster!.kubeconfigPath);
    const current = (await admin.makeApiClient(k8s.CustomObjectsApi).getNamespacedCustomObject({ group: 'networking.istio.io', version: 'v1', namespace: NS, plural: 'virtualservices', name: 'backend' })) as any;
    expect(current.spec.http[0].fault).to.equal(undefined);
  });

  it('every rule was used: the run made exactly the calls the Role grants (besides discovery)', () => {
    const made = new Set(capture!.requests.map(requestInfo).filter((info): info is string => info !== undefined));
    expect([...made].sort()).to.deep.equal([...new Set(grants)].sort());
    expect(grants.sort()).to.deep.equal(['delete /pods', 'get /services', 'get networking.istio.io/virtualservices', 'list /pods', 'patch networking.istio.io/virtualservices', 'watch /pods']);
  });

  describe('calls outside the Role are refused with 403 Forbidden', () => {
    const refused = async (what: Promise<unknown>): Promise<{ code: number; body: any }> => {
      try {
        await what;
      } catch (error) {
        const failed = error as { code?: number; body?: string };
        return { code: failed.code ?? -1, body: typeof failed.body === 'string' ? JSON.parse(failed.body) : failed.body };
      }
      throw new Error('the call was allowed');
    };

    it('another verb: delete a Deployment, get a pod by name, create a pod', async () => {
      const apps = saConfig.makeApiClient(k8s.AppsV1Api);
      const core = saConfig.makeApiClient(k8s.CoreV1Api);
      const deletion = await refused(apps.deleteNamespacedDeployment({ name: 'backend', namespace: NS }));
      expect(deletion.code).to.equal(403);
      expect(deletion.body).to.deep.include({
        kind: 'Status',
        reason: 'Forbidden',
        message: `deployments.apps "backend" is forbidden: User "system:serviceaccount:${NS}:rebound" cannot delete resource "deployments" in API group "apps" in the namespace "${NS}"`,
      });
      const pods = await core.listNamespacedPod({ namespace: NS });
      expect((await refused(core.readNamespacedPod({ name: pods.items[0]!.metadata!.name!, namespace: NS }))).code).to.equal(403);
      expect((await refused(core.createNamespacedPod({ namespace: NS, body: { metadata: { name: 'x' }, spec: { containers: [{ name: 'x', image: 'x' }] } } }))).code).to.equal(403);
    });

    it('another namespace, or cluster-wide', async () => {
      const core = saConfig.makeApiClient(k8s.CoreV1Api);
      expect((await refused(core.listNamespacedPod({ namespace: 'elsewhere' }))).code).to.equal(403);
      expect((await refused(core.listPodForAllNamespaces())).code).to.equal(403);
    });

    it('objects it was not named: another Service, another VirtualService', async () => {
      const core = saConfig.makeApiClient(k8s.CoreV1Api);
      expect((await core.readNamespacedService({ name: 'backend', namespace: NS })).metadata?.name).to.equal('backend');
      expect((await refused(core.readNamespacedService({ name: 'admin-only', namespace: NS }))).code).to.equal(403);
      expect((await refused(core.listNamespacedService({ namespace: NS }))).code).to.equal(403);
      const custom = saConfig.makeApiClient(k8s.CustomObjectsApi);
      const vs = { group: 'networking.istio.io', version: 'v1', namespace: NS, plural: 'virtualservices' };
      expect(((await custom.getNamespacedCustomObject({ ...vs, name: 'backend' })) as any).metadata.name).to.equal('backend');
      expect((await refused(custom.getNamespacedCustomObject({ ...vs, name: 'other' }))).code).to.equal(403);
      expect((await refused(custom.deleteNamespacedCustomObject({ ...vs, name: 'backend' }))).code).to.equal(403);
    });

    it('a token the plane did not issue: 401', async () => {
      const stranger = new k8s.KubeConfig();
      stranger.loadFromString(kubeconfigFor(cluster!.url, 'made-up'));
      expect((await refused(stranger.makeApiClient(k8s.CoreV1Api).listNamespacedPod({ namespace: NS }))).code).to.equal(401);
    });
  });
});
