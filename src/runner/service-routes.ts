/**
 * `service/NAME:PORT` on a kubeconfig target: each Service is read through the Kubernetes API
 * (in the experiment's namespace) and reached by the first rule that applies:
 *
 * 1. The annotation `rebound.dev/local-ports` ("80:21080,…", published by the local control
 *    plane, e.g. one started with `rebound cluster up`) → 127.0.0.1:<localPort>, for load and for
 *    Toxiproxy upstreams alike.
 * 2. Otherwise upstreams use cluster DNS (NAME.NS.svc.cluster.local:PORT: a real Toxiproxy runs
 *    in the cluster), and load reaches a `LoadBalancer` Service through
 *    status.loadBalancer.ingress[0] (ip or hostname) and the Service port. Any other Service
 *    (ClusterIP, NodePort, a LoadBalancer without an address yet) cannot be reached from here:
 *    the endpoint must be a URL (ingress, port-forward) or proxy/NAME.
 *
 * A Service that does not exist, or has no such port, fails preflight naming namespace/name.
 */
import type { V1Service } from '@kubernetes/client-node';
import type { ResolvedExperiment } from '../experiment/resolved.ts';
import { PreflightError } from '../errors.ts';
import { readService, type KubeAccess } from '../faults/kube.ts';
import { SERVICE_LOCAL_PORTS_ANNOTATION } from '../localcluster/service-proxy.ts';
import { hostForUrl, type ServiceRoute } from './addresses.ts';

/** One `service/NAME:PORT` the experiment uses, and where (for messages). */
export interface ServiceReference {
  readonly service: string;
  readonly port: number;
  readonly usedBy: string;
}

/** Every `service/NAME:PORT` among the experiment's endpoints and proxy upstreams. */
export function serviceReferences(experiment: ResolvedExperiment): ServiceReference[] {
  const refs: ServiceReference[] = [];
  for (const [name, ref] of Object.entries(experiment.target.endpoints)) {
    if (ref.kind === 'service') refs.push({ service: ref.service, port: ref.port, usedBy: `target.endpoints.${name}` });
  }
  for (const proxy of experiment.target.toxiproxy?.proxies ?? []) {
    if (proxy.upstream.kind === 'service') refs.push({ service: proxy.upstream.service, port: proxy.upstream.port, usedBy: `target.toxiproxy.proxies[${proxy.name}].upstream` });
  }
  return refs;
}

export function routeKey(service: string, port: number): string {
  return `${service}:${port}`;
}

/** Parses `80:21080,443:21443` (malformed pairs are skipped). */
export function parseLocalPorts(value: string | undefined): Map<number, number> {
  const ports = new Map<number, number>();
  for (const pair of (value ?? '').split(',')) {
    const match = /^\s*(\d+)\s*:\s*(\d+)\s*$/.exec(pair);
    if (match) ports.set(Number(match[1]), Number(match[2]));
  }
  return ports;
}

/**
 * How a port of this Service is reached (rules in the header), or a string saying why the
 * reference is wrong (no such port).
 */
export function serviceRoute(namespace: string, service: V1Service, port: number): ServiceRoute | string {
  const name = service.metadata?.name ?? '?';
  const ports = service.spec?.ports ?? [];
  if (!ports.some((candidate) => candidate.port === port)) {
    return `Service ${namespace}/${name} has no port ${port} (ports: ${ports.map((p) => p.port).join(', ') || 'none'})`;
  }
  const localPort = parseLocalPorts(service.metadata?.annotations?.[SERVICE_LOCAL_PORTS_ANNOTATION]).get(port);
  if (localPort !== undefined) {
    const via = `annotation ${SERVICE_LOCAL_PORTS_ANNOTATION} of Service ${namespace}/${name}`;
    const address = `127.0.0.1:${localPort}`;
    return { upstream: address, upstreamVia: via, endpoint: address, endpointVia: via };
  }
  const upstream = `${name}.${namespace}.svc.cluster.local:${port}`;
  const upstreamVia = 'cluster DNS';
  const type = service.spec?.type ?? 'ClusterIP';
  if (type === 'LoadBalancer') {
    const ingress = service.status?.loadBalancer?.ingress?.[0];
    const host = ingress?.ip || ingress?.hostname;
    if (host) return { upstream, upstreamVia, endpoint: `${hostForUrl(host)}:${port}`, endpointVia: `LoadBalancer ingress of Service ${namespace}/${name}` };
    return { upstream, upstreamVia, unreachable: `is Service ${namespace}/${name} of type LoadBalancer without an ingress address yet (status.loadBalancer.ingress is empty)` };
  }
  if (type === 'NodePort') {
    return { upstream, upstreamVia, unreachable: `is Service ${namespace}/${name} of type NodePort, which cannot be reached without a node address` };
  }
  return { upstream, upstreamVia, unreachable: `is Service ${namespace}/${name} of type ${type}, which is reachable only from inside the cluster` };
}

/**
 * Reads every referenced Service once and returns name:port → route. Services that do not
 * exist or lack the port fail with one PreflightError listing all of them.
 */
export async function readServiceRoutes(access: KubeAccess, namespace: string, refs: readonly ServiceReference[]): Promise<Map<string, ServiceRoute>> {
  const services = new Map<string, V1Service | undefined>();
  for (const name of new Set(refs.map((ref) => ref.service))) services.set(name, await readService(access, namespace, name));
  const routes = new Map<string, ServiceRoute>();
  const problems: string[] = [];
  for (const ref of refs) {
    const service = services.get(ref.service);
    if (!service) {
      problems.push(`${ref.usedBy}: service/${ref.service}:${ref.port}: Service ${namespace}/${ref.service} does not exist (context ${access.context})`);
      continue;
    }
    const route = serviceRoute(namespace, service, ref.port);
    if (typeof route === 'string') problems.push(`${ref.usedBy}: service/${ref.service}:${ref.port}: ${route}`);
    else routes.set(routeKey(ref.service, ref.port), route);
  }
  if (problems.length > 0) {
    throw new PreflightError(`preflight failed:\n  ${[...new Set(problems)].join('\n  ')}`, `check target.kubernetes.namespace (${namespace}) and the Service names`);
  }
  return routes;
}
