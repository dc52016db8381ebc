import type { ApiCore } from '../api/api-core.ts';
import { clone, type KubeObject } from '../api/kube-object.ts';
import { fromMap, matchesLabels } from '../api/label-selector.ts';
import { kubeTime, stableStringify } from '../api/names.ts';
import type { ObjectStore, StoreChange } from '../api/object-store.ts';
import { podLocalPort, resolvePodPort } from '../kubelet/port-mapping.ts';
import { isPodReady } from './replicaset-controller.ts';
import { Controller } from './controller.ts';
import { splitKey } from './work-queue.ts';

export interface PodEndpoint {
  readonly pod: KubeObject;
  readonly ready: boolean;
  /** Loopback port per Service port index (undefined when the targetPort does not resolve). */
  readonly ports: ReadonlyArray<number | undefined>;
}

/** The pods behind a Service (selector match, scheduled, not finished), sorted by name. */
export function serviceEndpoints(store: ObjectStore, service: KubeObject): PodEndpoint[] {
  const selector = service.spec?.selector;
  if (!selector || Object.keys(selector).length === 0) return [];
  const requirements = fromMap(selector);
  const out: PodEndpoint[] = [];
  for (const pod of store.list('pods', service.metadata.namespace)) {
    if (!matchesLabels(requirements, pod.metadata.labels)) continue;
    const local = podLocalPort(pod);
    if (local === undefined || pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') continue;
    out.push({
      pod,
      ready: isPodReady(pod),
      ports: (service.spec?.ports ?? []).map((port: any) => resolvePodPort(pod.spec, local, port.targetPort ?? port.port)),
    });
  }
  return out.sort((a, b) => (a.pod.metadata.name! < b.pod.metadata.name! ? -1 : 1));
}

/** Maintains a core/v1 Endpoints object per Service with a selector (addresses = Ready pods). */
export class EndpointsController extends Controller {
  constructor(core: ApiCore) {
    super(core, 'endpoints-controller', 'services');
  }

  protected onChange(change: StoreChange): void {
    if (change.resource === 'services') this.enqueue(change.object.metadata.namespace, change.object.metadata.name);
    else if (change.resource === 'pods') {
      for (const svc of this.core.store.list('services', change.object.metadata.namespace)) this.enqueue(svc.metadata.namespace, svc.metadata.name);
      if (change.type === 'DELETED') this.core.finishNamespaceDeletion(change.object.metadata.namespace ?? '');
    }
  }

  protected reconcile(key: string): void {
    const [namespace, name] = splitKey(key);
    const service = this.core.store.get('services', namespace, name);
    const existing = this.core.store.get('endpoints', namespace, name);
    if (!service || !service.spec?.selector) {
      if (existing && service === undefined) this.core.store.remove('endpoints', namespace, name);
      return;
    }
    const subsets = serviceEndpoints(this.core.store, service).map((endpoint) => {
      const address = { ip: '127.0.0.1', nodeName: endpoint.pod.spec?.nodeName, targetRef: { kind: 'Pod', namespace, name: endpoint.pod.metadata.name, uid: endpoint.pod.metadata.uid } };
      return {
        [endpoint.ready ? 'addresses' : 'notReadyAddresses']: [address],
        ports: (service.spec.ports ?? [])
          .map((port: any, i: number) => ({ ...(port.name ? { name: port.name } : {}), port: endpoint.ports[i], protocol: port.protocol ?? 'TCP' }))
          .filter((port: any) => port.port !== undefined),
      };
    });
    if (!existing) {
      this.core.store.create('endpoints', {
        apiVersion: 'v1',
        kind: 'Endpoints',
        metadata: { name, namespace, uid: crypto.randomUUID(), creationTimestamp: kubeTime(), labels: { ...(service.metadata.labels ?? {}) } },
        subsets,
      });
      return;
    }
    if (stableStringify(existing.subsets ?? []) === stableStringify(subsets)) return;
    const next = clone(existing);
    next.subsets = subsets;
    this.core.store.update('endpoints', next);
  }
}
