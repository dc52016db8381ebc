/**
 * `service/NAME:PORT` on a kubeconfig target, read through the Kubernetes API of a real local
 * control plane (in-process) with Services created through @kubernetes/client-node: the
 * local-ports annotation, LoadBalancer ingress, cluster DNS for upstreams, and the errors
 * (no such Service, no such port, NodePort / ClusterIP endpoints).
 */
import { expect } from 'chai';
import * as k8s from '@kubernetes/client-node';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PreflightError, UsageError } from '../../src/errors.ts';
import { loadExperiment } from '../../src/experiment/index.ts';
import { loadKubeAccess, type KubeAccess } from '../../src/faults/kube.ts';
import { SERVICE_LOCAL_PORTS_ANNOTATION, startLocalCluster, type LocalCluster } from '../../src/localcluster/index.ts';
import { resolveEndpoint, resolveUpstream, type ServiceResolver } from '../../src/runner/addresses.ts';
import { runExperiment } from '../../src/runner/run-experiment.ts';
import { parseLocalPorts, readServiceRoutes, routeKey, type ServiceReference } from '../../src/runner/service-routes.ts';
import { startToxiproxy, type ToxiproxyServer } from '../../src/toxiproxy/index.ts';
import { expectRejection } from './helpers.ts';

const NS = 'rbroutes';

describe('runner: service/NAME:PORT through the Kubernetes API (kubeconfig target)', function () {
  this.timeout(30_000);
  let cluster: LocalCluster;
  let core: k8s.CoreV1Api;
  let access: KubeAccess;
  let web: Server;
  let webPort: number;
  let dir: string;

  /** Creates a Service; `real: true` removes the plane's local-ports annotation, as on a real cluster. */
  async function service(name: string, type: string, port: number, options: { real?: boolean; ingress?: k8s.V1LoadBalancerIngress[] } = {}): Promise<void> {
    await core.createNamespacedService({ namespace: NS, body: { metadata: { name }, spec: { type, selector: { app: name }, ports: [{ port, targetPort: 8080 as never }] } } });
    // The plane publishes the annotation once its listener is up.
    let current: k8s.V1Service;
    for (const deadline = Date.now() + 5000; ; ) {
      current = await core.readNamespacedService({ name, namespace: NS });
      if (current.metadata?.annotations?.[SERVICE_LOCAL_PORTS_ANNOTATION]) break;
      if (Date.now() > deadline) throw new Error(`no ${SERVICE_LOCAL_PORTS_ANNOTATION} on ${name}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    if (options.real) {
      delete current.metadata!.annotations![SERVICE_LOCAL_PORTS_ANNOTATION];
      current = await core.replaceNamespacedService({ name, namespace: NS, body: current });
    }
    if (options.ingress) {
      current.status = { loadBalancer: { ingress: options.ingress } };
      await core.replaceNamespacedServiceStatus({ name, namespace: NS, body: current });
    }
  }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rebound-routes-'));
    web = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
    webPort = (web.address() as AddressInfo).port;
    cluster = await startLocalCluster({ manifests: [] });
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(cluster.kubeconfigPath);
    core = kc.makeApiClient(k8s.CoreV1Api);
    access = loadKubeAccess({ kubeconfig: cluster.kubeconfigPath });
    await core.createNamespace({ body: { metadata: { name: NS } } });
    await service('annotated', 'ClusterIP', 80);
    await service('lb-ip', 'LoadBalancer', 8080, { real: true, ingress: [{ ip: '203.0.113.7' }] });
    await service('lb-host', 'LoadBalancer', 443, { real: true, ingress: [{ hostname: 'shop.example.test' }] });
    await service('lb-local', 'LoadBalancer', webPort, { real: true, ingress: [{ ip: '127.0.0.1' }] });
    await service('lb-pending', 'LoadBalancer', 80, { real: true });
    await service('np', 'NodePort', 80, { real: true });
    await service('cip', 'ClusterIP', 80, { real: true });
  });
  after(async () => {
    await cluster?.close();
    await new Promise<void>((resolve) => (web ? web.close(() => resolve()) : resolve()));
    await rm(dir, { recursive: true, force: true });
  });

  const ref = (service: string, port: number): ServiceReference => ({ service, port, usedBy: `target.endpoints.${service}` });

  async function resolver(refs: ServiceReference[]): Promise<ServiceResolver> {
    const routes = await readServiceRoutes(access, NS, refs);
    return { mode: 'cluster', namespace: NS, route: (name, port) => routes.get(routeKey(name, port)) };
  }

  it('parses the local-ports annotation', () => {
    expect([...parseLocalPorts('80:21080, 443:21443,bad')]).to.deep.equal([
      [80, 21080],
      [443, 21443],
    ]);
    expect(parseLocalPorts(undefined).size).to.equal(0);
  });

  it('the local-ports annotation → 127.0.0.1:<localPort> for endpoints and proxy upstreams', async () => {
    const services = await resolver([ref('annotated', 80)]);
    const local = cluster.serviceAddress(NS, 'annotated', 80)!.localPort;
    expect(resolveEndpoint('a', { kind: 'service', service: 'annotated', port: 80, scheme: 'http' }, services, [])).to.equal(`http://127.0.0.1:${local}`);
    expect(resolveUpstream('p', { kind: 'service', service: 'annotated', port: 80 }, services)).to.equal(`127.0.0.1:${local}`);
  });

  it('a LoadBalancer with an ingress ip or hostname → that address and the Service port; upstreams keep cluster DNS', async () => {
    const services = await resolver([ref('lb-ip', 8080), ref('lb-host', 443)]);
    expect(resolveEndpoint('a', { kind: 'service', service: 'lb-ip', port: 8080, scheme: 'http' }, services, [])).to.equal('http://203.0.113.7:8080');
    expect(resolveEndpoint('a', { kind: 'service', service: 'lb-host', port: 443, scheme: 'https' }, services, [])).to.equal('https://shop.example.test:443');
    expect(resolveUpstream('p', { kind: 'service', service: 'lb-ip', port: 8080 }, services)).to.equal(`lb-ip.${NS}.svc.cluster.local:8080`);
  });

  it('NodePort, ClusterIP and a LoadBalancer still pending: endpoints need a URL or proxy/NAME, upstreams use cluster DNS', async () => {
    const services = await resolver([ref('np', 80), ref('cip', 80), ref('lb-pending', 80)]);
    const endpoint = (name: string) => () => resolveEndpoint('shop', { kind: 'service', service: name, port: 80, scheme: 'http' }, services, []);
    expect(endpoint('np')).to.throw(UsageError, new RegExp(`target.endpoints.shop: service/np:80 is Service ${NS}/np of type NodePort, which cannot be reached without a node address; with a real cluster use a URL \\(e.g. an ingress or a port-forward\\) or proxy/NAME`));
    expect(endpoint('cip')).to.throw(UsageError, /of type ClusterIP, which is reachable only from inside the cluster; .*use a URL/);
    expect(endpoint('lb-pending')).to.throw(UsageError, /LoadBalancer without an ingress address yet/);
    expect(resolveUpstream('p', { kind: 'service', service: 'np', port: 80 }, services)).to.equal(`np.${NS}.svc.cluster.local:80`);
  });

  it('a Service that does not exist, or lacks the port, fails preflight naming namespace/name (all at once)', async () => {
    await expectRejection(
      readServiceRoutes(access, NS, [ref('missing', 80), { service: 'annotated', port: 81, usedBy: 'target.toxiproxy.proxies[p].upstream' }]),
      PreflightError,
      new RegExp(`target.endpoints.missing: service/missing:80: Service ${NS}/missing does not exist \\(context rebound-local\\)\\n  target.toxiproxy.proxies\\[p\\].upstream: service/annotated:81: Service ${NS}/annotated has no port 81 \\(ports: 80\\)`),
    );
  });

  it('--dry-run through runExperiment prints how each reference resolved', async () => {
    let toxiproxy: ToxiproxyServer | undefined;
    try {
      toxiproxy = await startToxiproxy({ host: '127.0.0.1', port: 0 });
      const file = join(dir, 'dry.yaml');
      await writeFile(
        file,
        `apiVersion: rebound.dev/v1
kind: Experiment
metadata: { name: routes-dry-run }
target:
  kubernetes: { kubeconfig: ${JSON.stringify(cluster.kubeconfigPath)}, namespace: ${NS} }
  toxiproxy:
    url: ${toxiproxy.url}
    proxies:
      - { name: to-annotated, listen: 127.0.0.1:0, upstream: service/annotated:80 }
      - { name: to-np, listen: 127.0.0.1:0, upstream: service/np:80 }
  endpoints: { web: service/lb-local:${webPort} }
load: { rate: 10/s, requests: [ { url: "{{endpoints.web}}/" } ] }
phases: [ { name: only, duration: 1s } ]
checks: [ { name: works, successRatio: { phase: only, min: 0.9 } } ]
`,
      );
      const experiment = await loadExperiment(file);
      const outcome = await runExperiment({ experiment, file, outDir: join(dir, 'out'), journalPath: join(dir, 'journal.json'), dryRun: true, signals: false });
      const local = cluster.serviceAddress(NS, 'annotated', 80)!.localPort;
      expect(outcome.exitCode).to.equal(0);
      expect(outcome.planText).to.include(`target.toxiproxy.proxies[to-annotated].upstream: service/annotated:80 → 127.0.0.1:${local} (annotation ${SERVICE_LOCAL_PORTS_ANNOTATION} of Service ${NS}/annotated)`);
      expect(outcome.planText).to.include(`target.toxiproxy.proxies[to-np].upstream: service/np:80 → np.${NS}.svc.cluster.local:80 (cluster DNS)`);
      expect(outcome.planText).to.include(`target.endpoints.web: service/lb-local:${webPort} → http://127.0.0.1:${webPort} (LoadBalancer ingress of Service ${NS}/lb-local)`);
      // A dry run changes nothing on the external Toxiproxy.
      expect(await (await fetch(`${toxiproxy.url}/proxies`)).json()).to.deep.equal({});
    } finally {
      await toxiproxy?.close();
    }
  });
});
