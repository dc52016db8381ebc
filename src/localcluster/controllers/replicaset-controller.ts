import type { ApiCore } from '../api/api-core.ts';
import type { EventRecorder } from '../api/event-recorder.ts';
import { clone, controllerOf, type KubeObject } from '../api/kube-object.ts';
import { stableStringify } from '../api/names.ts';
import type { StoreChange } from '../api/object-store.ts';
import { Controller } from './controller.ts';
import { splitKey } from './work-queue.ts';

const RS = 'replicasets.apps';

export function isPodReady(pod: KubeObject): boolean {
  return !pod.metadata.deletionTimestamp && (pod.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True');
}

/** A pod that still counts toward its ReplicaSet: not terminating and not finished. */
export function isPodActive(pod: KubeObject): boolean {
  return !pod.metadata.deletionTimestamp && pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed';
}

/**
 * Keeps spec.replicas active pods per ReplicaSet. A terminating pod counts as gone, so its
 * replacement is created right after the write that set its deletionTimestamp.
 */
export class ReplicaSetController extends Controller {
  constructor(
    core: ApiCore,
    private readonly events: EventRecorder,
  ) {
    super(core, 'replicaset-controller', RS);
  }

  protected onChange(change: StoreChange): void {
    if (change.resource === RS) this.enqueue(change.object.metadata.namespace, change.object.metadata.name);
    else if (change.resource === 'pods') {
      for (const pod of [change.object, change.previous]) {
        const owner = pod && controllerOf(pod);
        if (owner?.kind === 'ReplicaSet') this.enqueue(pod!.metadata.namespace, owner.name);
      }
    }
  }

  protected reconcile(key: string): void {
    const [namespace, name] = splitKey(key);
    const rs = this.core.store.get(RS, namespace, name);
    if (!rs || rs.metadata.deletionTimestamp) return;
    const type = this.core.registry.lookup('', 'v1', 'pods')!;
    const owned = this.core.store.list('pods', namespace).filter((pod) => controllerOf(pod)?.uid === rs.metadata.uid);
    let active = owned.filter(isPodActive);
    const desired = Number(rs.spec?.replicas ?? 1);
    if (active.length < desired) {
      for (let i = active.length; i < desired; i++) {
        const template = rs.spec.template ?? {};
        const pod = this.core.create(type, namespace, {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: {
            generateName: `${name}-`,
            namespace,
            labels: { ...(template.metadata?.labels ?? {}) },
            ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
            ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name, uid: rs.metadata.uid!, controller: true, blockOwnerDeletion: true }],
          },
          spec: clone(template.spec ?? {}),
        });
        this.events.record(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, 'replicaset-controller');
      }
    } else if (active.length > desired) {
      // delete not-ready pods first, then the newest
      const victims = [...active]
        .sort((a, b) => Number(isPodReady(a)) - Number(isPodReady(b)) || String(b.metadata.creationTimestamp).localeCompare(String(a.metadata.creationTimestamp)))
        .slice(0, active.length - desired);
      for (const pod of victims) {
        this.core.delete(type, namespace, pod.metadata.name!, {});
        this.events.record(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`, 'replicaset-controller');
      }
    }
    active = this.core.store.list('pods', namespace).filter((pod) => controllerOf(pod)?.uid === rs.metadata.uid && isPodActive(pod));
    const ready = active.filter(isPodReady).length;
    const status = {
      ...(rs.status ?? {}),
      replicas: active.length,
      fullyLabeledReplicas: active.length,
      readyReplicas: ready,
      availableReplicas: ready,
      observedGeneration: rs.metadata.generation ?? 1,
    };
    const current = this.core.store.get(RS, namespace, name)!;
    if (stableStringify(status) === stableStringify(current.status)) return;
    const next = clone(current);
    next.status = status;
    this.core.store.update(RS, next);
  }
}
