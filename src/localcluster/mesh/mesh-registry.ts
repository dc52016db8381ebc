import type { KubeObject } from '../api/kube-object.ts';
import type { ObjectStore, StoreChange } from '../api/object-store.ts';
import { isPodReady } from '../controllers/replicaset-controller.ts';
import { serviceEndpoints } from '../controllers/endpoints-controller.ts';
import { serviceFqdn, serviceOfFqdn, type ServiceName } from './hosts.ts';
import { compileDestinationRule, compileVirtualService, mostSpecific, type CompiledDestinationRule, type CompiledVirtualService } from './mesh-config.ts';
import type { Random } from './random.ts';
import { trafficPolicyOf } from './traffic-policy.ts';
import { UpstreamCluster, type ClusterEndpoint } from './upstream-cluster.ts';

export const VIRTUAL_SERVICES = 'virtualservices.networking.istio.io';
export const DESTINATION_RULES = 'destinationrules.networking.istio.io';

/**
 * Service annotation `rebound.dev/mesh: "http"`: the Service's listener is HTTP-aware even
 * before any VirtualService or DestinationRule names it (as every HTTP Service is behind a
 * sidecar in a real mesh), so a VirtualService created later, e.g. by a fault, also reaches
 * keep-alive connections opened before it. Real clusters ignore the annotation.
 */
export const MESH_HTTP_ANNOTATION = 'rebound.dev/mesh';

export type ClusterLookup = { readonly cluster: UpstreamCluster; readonly fqdn: string } | { readonly missing: string; readonly fqdn: string };

/**
 * The mesh's view of the store, kept current by the store's synchronous change events: a
 * VirtualService or DestinationRule written through the API is in effect for the very next
 * request. Compiled resources and clusters are cached and rebuilt only when they change.
 */
export class MeshRegistry {
  private virtualServices = new Map<string, CompiledVirtualService>();
  private destinationRules = new Map<string, CompiledDestinationRule>();
  private readonly vsByHost = new Map<string, CompiledVirtualService | null>();
  private readonly drByHost = new Map<string, CompiledDestinationRule | null>();
  private readonly clusters = new Map<string, { policyKey: string; fqdn: string; subset: string | undefined; cluster: UpstreamCluster }>();
  /** Route destination → cluster, cleared whenever a Service, VirtualService or DestinationRule changes. */
  private readonly lookups = new Map<string, ClusterLookup>();
  private endpointsGeneration = 0;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly store: ObjectStore,
    private readonly random: Random,
  ) {}

  start(): void {
    this.unsubscribe = this.store.subscribe((change) => this.onChange(change));
    for (const vs of this.store.list(VIRTUAL_SERVICES)) this.virtualServices.set(keyOf(vs), compileVirtualService(vs));
    for (const dr of this.store.list(DESTINATION_RULES)) this.destinationRules.set(keyOf(dr), compileDestinationRule(dr));
  }

  stop(): void {
    this.unsubscribe?.();
    for (const { cluster } of this.clusters.values()) cluster.close();
    this.clusters.clear();
  }

  /** True when a VirtualService or DestinationRule binds the Service, or it is annotated for the mesh: its listener speaks HTTP. */
  handles(service: ServiceName): boolean {
    const fqdn = serviceFqdn(service);
    if (this.virtualServiceFor(fqdn) !== undefined || this.destinationRuleFor(fqdn) !== undefined) return true;
    return this.store.get('services', service.namespace, service.name)?.metadata.annotations?.[MESH_HTTP_ANNOTATION] === 'http';
  }

  virtualServiceFor(fqdn: string): CompiledVirtualService | undefined {
    let found = this.vsByHost.get(fqdn);
    if (found === undefined) {
      found = mostSpecific([...this.virtualServices.values()], (vs) => vs.hosts, fqdn) ?? null;
      this.vsByHost.set(fqdn, found);
    }
    return found ?? undefined;
  }

  destinationRuleFor(fqdn: string): CompiledDestinationRule | undefined {
    let found = this.drByHost.get(fqdn);
    if (found === undefined) {
      found = mostSpecific([...this.destinationRules.values()], (dr) => [dr.host], fqdn) ?? null;
      this.drByHost.set(fqdn, found);
    }
    return found ?? undefined;
  }

  /**
   * The cluster for a route destination. `port` defaults to `defaultPort` when the
   * destination is the Service itself, else to the Service's only (first) port.
   */
  cluster(fqdn: string, subset: string | undefined, port: number | undefined, self: { fqdn: string; port: number }): ClusterLookup {
    const key = `${fqdn}|${subset ?? ''}|${port ?? ''}|${self.fqdn}|${self.port}`;
    let found = this.lookups.get(key);
    if (!found) this.lookups.set(key, (found = this.lookupCluster(fqdn, subset, port, self)));
    return found;
  }

  private lookupCluster(fqdn: string, subset: string | undefined, port: number | undefined, self: { fqdn: string; port: number }): ClusterLookup {
    const service = serviceOfFqdn(fqdn);
    const object = service && this.store.get('services', service.namespace, service.name);
    if (!service || !object) return { missing: `no Service for host ${fqdn}`, fqdn };
    const ports: any[] = object.spec?.ports ?? [];
    const wanted = port ?? (fqdn === self.fqdn ? self.port : Number(ports[0]?.port));
    const portIndex = ports.findIndex((p) => Number(p.port) === wanted);
    if (portIndex < 0) return { missing: `Service ${service.namespace}/${service.name} has no port ${wanted}`, fqdn };
    const rule = this.destinationRuleFor(fqdn);
    const subsetSpec = subset === undefined ? undefined : rule?.subsets.get(subset);
    if (subset !== undefined && !subsetSpec) return { missing: `no subset ${subset} for host ${fqdn}`, fqdn };
    const name = `outbound|${wanted}|${subset ?? ''}|${fqdn}`;
    const policy = trafficPolicyOf(rule?.trafficPolicy, subsetSpec?.trafficPolicy);
    const policyKey = JSON.stringify(policy);
    const cached = this.clusters.get(name);
    if (cached && cached.policyKey === policyKey) return { cluster: cached.cluster, fqdn };
    // a changed policy builds a new cluster, as a CDS update does; the old one drains
    cached?.cluster.close(true);
    const labels = subsetSpec?.labels ?? {};
    const endpoints = () => ({
      generation: this.endpointsGeneration,
      list: (): ClusterEndpoint[] => {
        const svc = this.store.get('services', service.namespace, service.name);
        if (!svc) return [];
        return serviceEndpoints(this.store, svc)
          .filter((e) => e.ready && isPodReady(e.pod) && Object.entries(labels).every(([k, v]) => e.pod.metadata.labels?.[k] === v))
          .map((e) => ({ pod: e.pod, port: e.ports[portIndex] }))
          .filter((e): e is ClusterEndpoint => e.port !== undefined);
      },
    });
    const cluster = new UpstreamCluster(name, policy, endpoints, this.random);
    this.clusters.set(name, { policyKey, fqdn, subset, cluster });
    return { cluster, fqdn };
  }

  private onChange(change: StoreChange): void {
    if (change.resource === 'pods' || change.resource === 'services') {
      this.endpointsGeneration++;
      if (change.resource === 'services') this.lookups.clear();
      return;
    }
    const table = change.resource === VIRTUAL_SERVICES ? this.virtualServices : change.resource === DESTINATION_RULES ? this.destinationRules : undefined;
    if (!table) return;
    const key = keyOf(change.object);
    if (change.type === 'DELETED') table.delete(key);
    else if (change.resource === VIRTUAL_SERVICES) this.virtualServices.set(key, compileVirtualService(change.object));
    else this.destinationRules.set(key, compileDestinationRule(change.object));
    this.vsByHost.clear();
    this.drByHost.clear();
    this.lookups.clear();
    if (change.resource === DESTINATION_RULES) this.dropStaleClusters();
  }

  /** Clusters whose subset is gone or whose policy changed drain and go (their detectors' timers with them). */
  private dropStaleClusters(): void {
    for (const [name, entry] of this.clusters) {
      const rule = this.destinationRuleFor(entry.fqdn);
      const subset = entry.subset === undefined ? undefined : rule?.subsets.get(entry.subset);
      const stale = (entry.subset !== undefined && !subset) || JSON.stringify(trafficPolicyOf(rule?.trafficPolicy, subset?.trafficPolicy)) !== entry.policyKey;
      if (!stale) continue;
      entry.cluster.close(true);
      this.clusters.delete(name);
    }
  }
}

function keyOf(object: KubeObject): string {
  return `${object.metadata.namespace}/${object.metadata.name}`;
}
