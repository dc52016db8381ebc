/**
 * Turning the experiment's address references into concrete addresses: proxy upstreams
 * (`service/NAME:PORT` or host:port) and endpoints (URL, `service/…`, `proxy/NAME`).
 * Pure functions: the runner passes what it knows about the target.
 */
import type { AddressRef, EndpointRef, ProxySpec, RequestTemplate } from '../experiment/resolved.ts';
import { UsageError } from '../errors.ts';

export interface ServiceResolver {
  /** 'local': the local plane's Service listeners; 'cluster': cluster DNS; 'none': no Kubernetes target. */
  readonly mode: 'local' | 'cluster' | 'none';
  readonly namespace: string;
  /** Local plane only: the listener of a Service port. */
  readonly serviceAddress?: (namespace: string, name: string, port: number) => { host: string; localPort: number } | undefined;
}

/** host:port for a Toxiproxy upstream. */
export function resolveUpstream(proxy: string, ref: AddressRef, services: ServiceResolver): string {
  if (ref.kind === 'address') return ref.address;
  switch (services.mode) {
    case 'local': {
      const address = services.serviceAddress?.(services.namespace, ref.service, ref.port);
      if (!address) throw new UsageError(`target.toxiproxy.proxies[${proxy}].upstream: service/${ref.service}:${ref.port} is not a Service port in namespace ${services.namespace} of the local control plane`);
      return `${hostForUrl(address.host)}:${address.localPort}`;
    }
    case 'cluster':
      // Toxiproxy runs next to the cluster (in it, or with cluster DNS): the Service's DNS name.
      return `${ref.service}.${services.namespace}.svc.cluster.local:${ref.port}`;
    case 'none':
      throw new UsageError(`target.toxiproxy.proxies[${proxy}].upstream: service/${ref.service}:${ref.port} needs target.kubernetes`);
  }
}

/** Base URL (no trailing slash) for a named endpoint. */
export function resolveEndpoint(name: string, ref: EndpointRef, services: ServiceResolver, proxies: readonly ProxySpec[]): string {
  switch (ref.kind) {
    case 'url':
      return ref.url.replace(/\/+$/, '');
    case 'proxy': {
      const proxy = proxies.find((candidate) => candidate.name === ref.proxy);
      if (!proxy) throw new UsageError(`target.endpoints.${name}: proxy/${ref.proxy} is not one of target.toxiproxy.proxies`);
      return `${ref.scheme}://${connectableListen(proxy.listen)}`;
    }
    case 'service': {
      if (services.mode !== 'local') {
        throw new UsageError(
          `target.endpoints.${name}: service/${ref.service}:${ref.port} can only be reached on the local control plane; with a real cluster use a URL (e.g. an ingress or a port-forward) or proxy/NAME`,
        );
      }
      const address = services.serviceAddress?.(services.namespace, ref.service, ref.port);
      if (!address) throw new UsageError(`target.endpoints.${name}: service/${ref.service}:${ref.port} is not a Service port in namespace ${services.namespace} of the local control plane`);
      return `${ref.scheme}://${hostForUrl(address.host)}:${address.localPort}`;
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

function hostForUrl(host: string): string {
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
