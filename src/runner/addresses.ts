/**
 * Turning the experiment's address references into concrete addresses: proxy upstreams
 * (`service/NAME:PORT` or host:port) and endpoints (URL, `service/…`, `proxy/NAME`).
 * Pure functions: the runner passes what it knows about the target.
 */
import type { AddressRef, EndpointRef, ProxySpec, RequestTemplate } from '../experiment/resolved.ts';
import { UsageError } from '../errors.ts';

export interface ServiceResolver {
  /** 'local': the local plane's Service listeners; 'cluster': a kubeconfig target; 'none': no Kubernetes target. */
  readonly mode: 'local' | 'cluster' | 'none';
  readonly namespace: string;
  /** Local plane only: the listener of a Service port. */
  readonly serviceAddress?: (namespace: string, name: string, port: number) => { host: string; localPort: number } | undefined;
  /** Local plane only: whether a loopback port is one of its Service listeners (what it hosts dies with it). */
  readonly hostsLocalPort?: (port: number) => boolean;
  /**
   * Kubeconfig target: how a Service port read through the API is reached (service-routes.ts).
   * Without it (or for a port it does not know) upstreams use cluster DNS and endpoints are refused.
   */
  readonly route?: (name: string, port: number) => ServiceRoute | undefined;
}

/** How one Service port of a kubeconfig target is reached, from Toxiproxy and from this machine. */
export interface ServiceRoute {
  /** host:port for a Toxiproxy upstream. */
  readonly upstream: string;
  readonly upstreamVia: string;
  /** host:port that load from this machine reaches; absent when it cannot (see `unreachable`). */
  readonly endpoint?: string;
  readonly endpointVia?: string;
  /** Why load from this machine cannot reach it (e.g. a NodePort or ClusterIP Service). */
  readonly unreachable?: string;
}

/** An address or URL together with how it was found (printed by --dry-run). */
export interface Resolved {
  readonly address: string;
  readonly via: string;
}

const CLUSTER_DNS = 'cluster DNS';
const USE_A_URL = 'use a URL (e.g. an ingress or a port-forward) or proxy/NAME';

/** host:port for a Toxiproxy upstream. */
export function resolveUpstream(proxy: string, ref: AddressRef, services: ServiceResolver): string {
  return resolveUpstreamRef(proxy, ref, services).address;
}

export function resolveUpstreamRef(proxy: string, ref: AddressRef, services: ServiceResolver): Resolved {
  if (ref.kind === 'address') return { address: ref.address, via: 'as written' };
  switch (services.mode) {
    case 'local': {
      const address = services.serviceAddress?.(services.namespace, ref.service, ref.port);
      if (!address) throw new UsageError(`target.toxiproxy.proxies[${proxy}].upstream: service/${ref.service}:${ref.port} is not a Service port in namespace ${services.namespace} of the local control plane`);
      return { address: `${hostForUrl(address.host)}:${address.localPort}`, via: 'local control plane listener' };
    }
    case 'cluster': {
      const route = services.route?.(ref.service, ref.port);
      if (route) return { address: route.upstream, via: route.upstreamVia };
      // Toxiproxy runs next to the cluster (in it, or with cluster DNS): the Service's DNS name.
      return { address: `${ref.service}.${services.namespace}.svc.cluster.local:${ref.port}`, via: CLUSTER_DNS };
    }
    case 'none':
      throw new UsageError(`target.toxiproxy.proxies[${proxy}].upstream: service/${ref.service}:${ref.port} needs target.kubernetes`);
  }
}

/** Base URL (no trailing slash) for a named endpoint. */
export function resolveEndpoint(name: string, ref: EndpointRef, services: ServiceResolver, proxies: readonly ProxySpec[]): string {
  return resolveEndpointRef(name, ref, services, proxies).address;
}

export function resolveEndpointRef(name: string, ref: EndpointRef, services: ServiceResolver, proxies: readonly ProxySpec[]): Resolved {
  switch (ref.kind) {
    case 'url':
      return { address: ref.url.replace(/\/+$/, ''), via: 'URL' };
    case 'proxy': {
      const proxy = proxies.find((candidate) => candidate.name === ref.proxy);
      if (!proxy) throw new UsageError(`target.endpoints.${name}: proxy/${ref.proxy} is not one of target.toxiproxy.proxies`);
      return { address: `${ref.scheme}://${connectableListen(proxy.listen)}`, via: `listen address of proxy ${proxy.name}` };
    }
    case 'service': {
      const what = `target.endpoints.${name}: service/${ref.service}:${ref.port}`;
      if (services.mode === 'cluster') {
        const route = services.route?.(ref.service, ref.port);
        if (route?.endpoint) return { address: `${ref.scheme}://${route.endpoint}`, via: route.endpointVia ?? 'the Service' };
        throw new UsageError(`${what} ${route?.unreachable ?? 'can only be reached on the local control plane'}; with a real cluster ${USE_A_URL}`);
      }
      if (services.mode !== 'local') throw new UsageError(`${what} needs target.kubernetes; ${USE_A_URL}`);
      const address = services.serviceAddress?.(services.namespace, ref.service, ref.port);
      if (!address) throw new UsageError(`${what} is not a Service port in namespace ${services.namespace} of the local control plane`);
      return { address: `${ref.scheme}://${hostForUrl(address.host)}:${address.localPort}`, via: 'local control plane listener' };
    }
  }
}

/** A listen address that a client can connect to (0.0.0.0 / :: → loopback). */
export function connectableListen(listen: string): string {
  const match = /^(.*):(\d+)$/.exec(listen);
  if (!match) return listen;
  let host = match[1]!.replace(/^\[|\]$/g, '');
  if (host === '' || host === '0.0.0.0') host = '127.0.0.1';
  if (host === '::') host = '::1';
  return `${hostForUrl(host)}:${match[2]}`;
}

export function hostForUrl(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

const ENDPOINT_PLACEHOLDER = /\{\{\s*endpoints\.([A-Za-z0-9_-]+)\s*\}\}/g;

/** Replaces {{endpoints.NAME}} in request URLs. */
export function substituteEndpoints(requests: readonly RequestTemplate[], endpoints: Readonly<Record<string, string>>): RequestTemplate[] {
  return requests.map((request, index) => ({
    ...request,
    url: request.url.replace(ENDPOINT_PLACEHOLDER, (_all, name: string) => {
      const url = endpoints[name];
      if (url === undefined) throw new UsageError(`load.requests[${index}].url: unknown endpoint '${name}' (known: ${Object.keys(endpoints).join(', ') || 'none'})`);
      return url;
    }),
  }));
}
