import type { ApiCore } from './api-core.ts';
import { clone, type KubeObject } from './kube-object.ts';
import { kubeMicroTime, kubeTime, randomHex } from './names.ts';

const MAX_EVENTS = 2000;

/** Writes core/v1 Events (Scheduled, Started, Killing, BackOff, …), aggregating repeats by count. */
export class EventRecorder {
  private readonly recent = new Map<string, { namespace: string; name: string }>();

  constructor(private readonly core: ApiCore) {}

  record(involved: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string, component: string, fieldPath?: string): void {
    const namespace = involved.metadata.namespace ?? 'default';
    if (!this.core.store.get('namespaces', undefined, namespace)) return;
    const aggregate = `${involved.metadata.uid}|${reason}|${message}|${fieldPath ?? ''}`;
    const now = Date.now();
    const previous = this.recent.get(aggregate);
    const existing = previous && this.core.store.get('events', previous.namespace, previous.name);
    if (existing) {
      const next = clone(existing);
      next.count = (next.count ?? 1) + 1;
      next.lastTimestamp = kubeTime(now);
      this.core.store.update('events', next);
      return;
    }
    const name = `${involved.metadata.name}.${randomHex(8)}`;
    const event: KubeObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace, uid: crypto.randomUUID(), creationTimestamp: kubeTime(now) },
      involvedObject: {
        kind: involved.kind,
        namespace: involved.metadata.namespace,
        name: involved.metadata.name,
        uid: involved.metadata.uid,
        apiVersion: involved.apiVersion,
        resourceVersion: involved.metadata.resourceVersion,
        ...(fieldPath ? { fieldPath } : {}),
      },
      reason,
      message,
      source: { component, ...(component === 'kubelet' ? { host: 'rebound-local' } : {}) },
      firstTimestamp: kubeTime(now),
      lastTimestamp: kubeTime(now),
      eventTime: null,
      count: 1,
      type,
      reportingComponent: component,
      reportingInstance: component === 'kubelet' ? 'rebound-local' : '',
    };
    // sub-second time for consumers that need it (the standard timestamps have second precision)
    event.metadata.annotations = { 'rebound.dev/event-time': kubeMicroTime(now) };
    this.core.store.create('events', event);
    this.recent.set(aggregate, { namespace, name });
    if (this.recent.size > MAX_EVENTS) {
      const [oldestKey, oldest] = this.recent.entries().next().value as [string, { namespace: string; name: string }];
      this.recent.delete(oldestKey);
      this.core.store.remove('events', oldest.namespace, oldest.name);
    }
  }
}
