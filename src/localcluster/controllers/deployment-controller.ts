import type { ApiCore } from '../api/api-core.ts';
import type { EventRecorder } from '../api/event-recorder.ts';
import { clone, controllerOf, type KubeObject } from '../api/kube-object.ts';
import { kubeTime, stableStringify, templateHash } from '../api/names.ts';
import type { StoreChange } from '../api/object-store.ts';
import { Controller } from './controller.ts';
import { splitKey } from './work-queue.ts';

const DEPLOY = 'deployments.apps';
const RS = 'replicasets.apps';
const REVISION = 'deployment.kubernetes.io/revision';

function scaledValue(value: unknown, total: number, roundUp: boolean): number {
  if (value === undefined || value === null) return roundUp ? Math.ceil(total * 0.25) : Math.floor(total * 0.25);
  const text = String(value);
  if (text.endsWith('%')) {
    const n = (Number(text.slice(0, -1)) / 100) * total;
    return roundUp ? Math.ceil(n) : Math.floor(n);
  }
  return Number(text);
}

/**
 * Deployment → ReplicaSets: one ReplicaSet per pod template (`<deploy>-<pod-template-hash>`);
 * old ReplicaSets scale down as the new one becomes available; status and the Available /
 * Progressing conditions are what `kubectl rollout status` reads.
 */
export class DeploymentController extends Controller {
  constructor(
    core: ApiCore,
    private readonly events: EventRecorder,
  ) {
    super(core, 'deployment-controller', DEPLOY);
  }

  protected onChange(change: StoreChange): void {
    if (change.resource === DEPLOY) this.enqueue(change.object.metadata.namespace, change.object.metadata.name);
    else if (change.resource === RS) {
      const owner = controllerOf(change.object);
      if (owner?.kind === 'Deployment') this.enqueue(change.object.metadata.namespace, owner.name);
    }
  }

  protected reconcile(key: string): void {
    const [namespace, name] = splitKey(key);
    const deployment = this.core.store.get(DEPLOY, namespace, name);
    if (!deployment || deployment.metadata.deletionTimestamp) return;
    const rsType = this.core.registry.lookup('apps', 'v1', 'replicasets')!;
    const desired = Number(deployment.spec?.replicas ?? 1);
    const template = deployment.spec.template ?? {};
    const hash = templateHash(template);
    const owned = this.core.store.list(RS, namespace).filter((rs) => controllerOf(rs)?.uid === deployment.metadata.uid);
    let newRs = owned.find((rs) => rs.metadata.labels?.['pod-template-hash'] === hash);
    const maxRevision = Math.max(0, ...owned.map((rs) => Number(rs.metadata.annotations?.[REVISION] ?? 0)));
    let progressingReason = 'ReplicaSetUpdated';
    if (!newRs) {
      const labels = { ...(template.metadata?.labels ?? {}), 'pod-template-hash': hash };
      const rsName = `${name}-${hash}`;
      newRs = this.core.create(rsType, namespace, {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name: rsName,
          namespace,
          labels,
          annotations: { [REVISION]: String(maxRevision + 1), 'deployment.kubernetes.io/desired-replicas': String(desired), 'deployment.kubernetes.io/max-replicas': String(desired) },
          ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name, uid: deployment.metadata.uid!, controller: true, blockOwnerDeletion: true }],
        },
        spec: {
          replicas: desired,
          selector: { ...clone(deployment.spec.selector), matchLabels: { ...(deployment.spec.selector?.matchLabels ?? {}), 'pod-template-hash': hash } },
          template: { ...clone(template), metadata: { ...clone(template.metadata ?? {}), labels } },
        },
      });
      progressingReason = 'NewReplicaSetCreated';
      this.events.record(deployment, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${newRs.metadata.name} from 0 to ${desired}`, 'deployment-controller');
    } else if (Number(newRs.spec?.replicas) !== desired) {
      const from = Number(newRs.spec?.replicas);
      newRs = this.scale(newRs, desired);
      this.events.record(deployment, 'Normal', 'ScalingReplicaSet', `Scaled ${desired > from ? 'up' : 'down'} replica set ${newRs.metadata.name} from ${from} to ${desired}`, 'deployment-controller');
    }
    const recreate = deployment.spec.strategy?.type === 'Recreate';
    const newAvailable = Number(newRs.status?.availableReplicas ?? 0);
    for (const old of owned) {
      if (old.metadata.uid === newRs.metadata.uid) continue;
      const current = Number(old.spec?.replicas ?? 0);
      const target = recreate ? 0 : Math.max(0, Math.min(current, desired - newAvailable));
      if (target < current) {
        this.scale(old, target);
        this.events.record(deployment, 'Normal', 'ScalingReplicaSet', `Scaled down replica set ${old.metadata.name} from ${current} to ${target}`, 'deployment-controller');
      }
    }
    this.updateStatus(deployment, newRs, owned, desired, progressingReason);
  }

  private scale(rs: KubeObject, replicas: number): KubeObject {
    const next = clone(rs);
    next.spec.replicas = replicas;
    next.metadata.generation = (rs.metadata.generation ?? 1) + 1;
    return this.core.store.update(RS, next);
  }

  private updateStatus(deployment: KubeObject, newRs: KubeObject, owned: KubeObject[], desired: number, progressingReason: string): void {
    const all = [newRs, ...owned.filter((rs) => rs.metadata.uid !== newRs.metadata.uid)].map((rs) => this.core.store.get(RS, rs.metadata.namespace, rs.metadata.name!) ?? rs);
    const sum = (field: string) => all.reduce((n, rs) => n + Number(rs.status?.[field] ?? 0), 0);
    const replicas = sum('replicas');
    const updated = Number(all[0]!.status?.replicas ?? 0);
    const ready = sum('readyReplicas');
    const available = sum('availableReplicas');
    const maxUnavailable = scaledValue(deployment.spec.strategy?.rollingUpdate?.maxUnavailable, desired, false);
    const isAvailable = available >= desired - maxUnavailable;
    const newAvailable = Number(all[0]!.status?.availableReplicas ?? 0);
    const complete = updated === desired && replicas === desired && newAvailable >= desired;
    const now = kubeTime();
    const previous: any[] = deployment.status?.conditions ?? [];
    const condition = (type: string, status: string, reason: string, message: string) => {
      const old = previous.find((c) => c.type === type);
      const sameStatus = old?.status === status;
      const sameAll = sameStatus && old.reason === reason && old.message === message;
      return { type, status, lastUpdateTime: sameAll ? old.lastUpdateTime : now, lastTransitionTime: sameStatus ? old.lastTransitionTime : now, reason, message };
    };
    const rsName = newRs.metadata.name;
    const status = {
      observedGeneration: deployment.metadata.generation ?? 1,
      replicas,
      updatedReplicas: updated,
      readyReplicas: ready,
      availableReplicas: available,
      ...(desired - available > 0 ? { unavailableReplicas: desired - available } : {}),
      conditions: [
        isAvailable
          ? condition('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.')
          : condition('Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.'),
        complete
          ? condition('Progressing', 'True', 'NewReplicaSetAvailable', `ReplicaSet "${rsName}" has successfully progressed.`)
          : condition('Progressing', 'True', progressingReason, progressingReason === 'NewReplicaSetCreated' ? `Created new replica set "${rsName}"` : `ReplicaSet "${rsName}" is progressing.`),
      ],
    };
    const current = this.core.store.get(DEPLOY, deployment.metadata.namespace, deployment.metadata.name!)!;
    const comparable = (s: any) => stableStringify({ ...s, conditions: (s?.conditions ?? []).map((c: any) => ({ ...c, lastUpdateTime: undefined, lastTransitionTime: undefined })) });
    if (comparable(status) === comparable(current.status)) return;
    const next = clone(current);
    next.status = status;
    this.core.store.update(DEPLOY, next);
  }
}
