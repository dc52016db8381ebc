/**
 * How Istio binds a host string to a Service: a short name (no dot) expands in the namespace
 * of the resource that wrote it; a dotted name is taken literally; `*.suffix` matches every
 * FQDN ending with `.suffix` (several labels too).
 */
export const CLUSTER_DOMAIN = 'svc.cluster.local';

export interface ServiceName {
  readonly namespace: string;
  readonly name: string;
}

export function serviceFqdn(service: ServiceName): string {
  return `${service.name}.${service.namespace}.${CLUSTER_DOMAIN}`;
}

/** The FQDN (or wildcard) a host written in `namespace` stands for. */
export function resolveHost(host: string, namespace: string): string {
  return host.includes('.') || host.startsWith('*') ? host : `${host}.${namespace}.${CLUSTER_DOMAIN}`;
}

/** The Service an FQDN names, when it has the `<name>.<ns>.svc.cluster.local` shape. */
export function serviceOfFqdn(fqdn: string): ServiceName | undefined {
  const suffix = `.${CLUSTER_DOMAIN}`;
  if (!fqdn.endsWith(suffix)) return undefined;
  const parts = fqdn.slice(0, -suffix.length).split('.');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return undefined;
  return { name: parts[0], namespace: parts[1] };
}

/**
 * How specifically a resolved host binds `fqdn`: 0 = not at all, otherwise larger is more
 * specific (an exact name beats any wildcard; a longer wildcard suffix beats a shorter one).
 */
export function hostSpecificity(resolved: string, fqdn: string): number {
  if (resolved === fqdn) return Number.MAX_SAFE_INTEGER;
  if (resolved.startsWith('*')) {
    const suffix = resolved.slice(1);
    if (suffix === '') return 1;
    return fqdn.endsWith(suffix) && fqdn.length > suffix.length ? 1 + suffix.length : 0;
  }
  return 0;
}
