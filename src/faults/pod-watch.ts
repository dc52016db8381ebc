/**
 * Watches the pods of one namespace (a Kubernetes WATCH through client-node, not polling) and
 * turns what it sees into run events. Pod kills register the pods they delete so that their
 * replacements are recognised and timed.
 *
 * Events and their `data` (read by the podsReady check and the reports):
 * - `pod-deleted` — emitted by the pod-kill injector when the API accepted the delete:
 *   `{ pod, namespace, labels, killed: true, gracePeriodSeconds? }`; emitted by this watch
 *   for pods that disappear without Rebound killing them: `{ pod, namespace, labels, killed: false }`.
 * - `pod-created` — a pod that did not exist when the watch started:
 *   `{ pod, namespace, labels, replaces? }` (`replaces` = the killed pod it stands in for).
 * - `pod-ready` — a pod's Ready condition became True: `{ pod, namespace, labels, replaces? }`;
 *   at the watch's start, one per pod already Ready, with `initial: true`.
 * - `pod-not-ready` — a pod's Ready condition went from True to something else (same data).
 *
 * `labels` is the pod's labels as a comma-joined `k=v` string in key order, e.g.
 * `app=payments,tier=backend`. Each event carries `faultId` when it concerns a killed pod or
 * its replacement.
 */
import { Watch, type V1Pod } from '@kubernetes/client-node';
import type { PodKillRecord } from '../result/result.ts';
import type { RunEvent } from '../timeline/events.ts';
import type { KubeAccess } from './kube.ts';
import { describeKubeError } from './kube-errors.ts';
import { isPodReady, labelString } from './pod-labels.ts';
import { InfraError } from '../errors.ts';

type Emit = (event: Omit<RunEvent, 'at'>) => void;

interface KnownPod {
  readonly name: string;
  readonly ownerUid?: string;
  readonly labels: string;
  ready: boolean;
  /** The killed pod this one replaces. */
  replaces?: string;
  faultId?: string;
  record?: MutableKillRecord;
}

type MutableKillRecord = { -readonly [K in keyof PodKillRecord]: PodKillRecord[K] };

interface PendingReplacement {
  readonly pod: string;
  readonly ownerUid?: string;
  readonly labels: string;
  readonly faultId: string;
  readonly record: MutableKillRecord;
}

const RESTART_DELAY_MS = 250;

function controllerUid(pod: V1Pod): string | undefined {
  const owners = pod.metadata?.ownerReferences ?? [];
  return (owners.find((owner) => owner.controller) ?? owners[0])?.uid;
}

export class PodWatch {
  private readonly known = new Map<string, KnownPod>();
  private readonly pending: PendingReplacement[] = [];
  private readonly records = new Map<string, MutableKillRecord[]>();
  private abort?: AbortController;
  private stopped = false;
  private resourceVersion?: string;
  private restartTimer?: NodeJS.Timeout;
  /** Last watch failure, reported once the run ends when it could not be re-established. */
  lastError?: string;

  private constructor(
    private readonly access: KubeAccess,
    readonly namespace: string,
    private readonly now: () => number,
    private readonly emit: Emit,
  ) {}

  /** Lists the namespace's pods, then watches from that list's resourceVersion. */
  static async start(access: KubeAccess, namespace: string, now: () => number, emit: Emit): Promise<PodWatch> {
    const watch = new PodWatch(access, namespace, now, emit);
    await watch.sync(true);
    await watch.watch();
    return watch;
  }

  /** Called by the pod-kill injector once the API accepted a delete; returns the record it fills. */
  noteKilled(pod: V1Pod, faultId: string, deletedMs: number): PodKillRecord {
    const name = pod.metadata?.name ?? '';
    const record: MutableKillRecord = { pod: name, deletedMs };
    const ownerUid = controllerUid(pod);
    this.pending.push({ pod: name, ownerUid, labels: labelString(pod.metadata?.labels), faultId, record });
    const list = this.records.get(faultId) ?? [];
    list.push(record);
    this.records.set(faultId, list);
    const known = this.known.get(pod.metadata?.uid ?? '');
    if (known) known.faultId = faultId;
    return record;
  }

  /** What each pod kill of a fault did, with replacement times when the watch saw them. */
  killRecords(faultId: string): PodKillRecord[] {
    return (this.records.get(faultId) ?? []).map((record) => ({ ...record }));
  }

  stop(): void {
    this.stopped = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.abort?.abort();
  }

  private async sync(initial: boolean): Promise<void> {
    let list;
    try {
      list = await this.access.core.listNamespacedPod({ namespace: this.namespace });
    } catch (error) {
      throw new InfraError(`cannot list pods in namespace ${this.namespace} on ${this.access.server}: ${describeKubeError(error)}`);
    }
    this.resourceVersion = list.metadata?.resourceVersion;
    const seen = new Set<string>();
    for (const pod of list.items) {
      const uid = pod.metadata?.uid ?? '';
      seen.add(uid);
      if (initial) {
        const known: KnownPod = { name: pod.metadata?.name ?? '', ownerUid: controllerUid(pod), labels: labelString(pod.metadata?.labels), ready: isPodReady(pod) && !pod.metadata?.deletionTimestamp };
        this.known.set(uid, known);
        // The Ready pods at the start are the baseline the podsReady check counts from.
        if (known.ready) {
          this.emit({ kind: 'pod-ready', atMs: this.now(), message: `pod ${known.name} ready (at start)`, data: { ...this.podData(known), initial: true } });
        }
      } else {
        this.onChange('MODIFIED', pod);
      }
    }
    if (!initial) {
      for (const [uid, known] of this.known) if (!seen.has(uid)) this.onDeleted(uid, known);
    }
  }

  private async watch(): Promise<void> {
    const watcher = new Watch(this.access.config);
    const params: Record<string, string | boolean> = { allowWatchBookmarks: true };
    if (this.resourceVersion) params.resourceVersion = this.resourceVersion;
    this.abort = await watcher.watch(
      `/api/v1/namespaces/${encodeURIComponent(this.namespace)}/pods`,
      params,
      (type, object: V1Pod) => {
        if (object?.metadata?.resourceVersion) this.resourceVersion = object.metadata.resourceVersion;
        if (type === 'BOOKMARK' || type === 'ERROR') return;
        if (type === 'DELETED') {
          const uid = object.metadata?.uid ?? '';
          const known = this.known.get(uid);
          if (known) this.onDeleted(uid, known);
          return;
        }
        this.onChange(type, object);
      },
      (error: unknown) => {
        if (this.stopped) return;
        if (error) this.lastError = describeKubeError(error);
        // The server closed the watch (timeout or error): list again and watch from there.
        this.restartTimer = setTimeout(() => {
          this.sync(false)
            .then(() => (this.stopped ? undefined : this.watch()))
            // Re-established: the events in between were recovered by the fresh list.
            .then(() => (this.lastError = undefined))
            .catch((restartError: unknown) => {
              this.lastError = restartError instanceof Error ? restartError.message : String(restartError);
            });
        }, RESTART_DELAY_MS);
      },
    );
  }

  private onChange(_type: string, pod: V1Pod): void {
    const uid = pod.metadata?.uid ?? '';
    const name = pod.metadata?.name ?? '';
    let known = this.known.get(uid);
    const at = this.now();
    if (!known) {
      known = { name, ownerUid: controllerUid(pod), labels: labelString(pod.metadata?.labels), ready: false };
      this.known.set(uid, known);
      const replaced = this.takeReplacementFor(known);
      if (replaced) {
        known.replaces = replaced.pod;
        known.faultId = replaced.faultId;
        known.record = replaced.record;
        replaced.record.replacement = name;
        replaced.record.replacementCreatedMs = at;
      }
      this.emit({
        kind: 'pod-created',
        atMs: at,
        message: `pod ${name} created${known.replaces ? ` (replaces ${known.replaces})` : ''}`,
        faultId: known.faultId,
        data: this.podData(known),
      });
    }
    const ready = isPodReady(pod) && !pod.metadata?.deletionTimestamp;
    if (ready && !known.ready) {
      known.ready = true;
      if (known.record && known.record.replacementReadyMs === undefined) known.record.replacementReadyMs = at;
      this.emit({ kind: 'pod-ready', atMs: at, message: `pod ${name} ready`, faultId: known.faultId, data: this.podData(known) });
    } else if (!ready && known.ready) {
      known.ready = false;
      this.emit({ kind: 'pod-not-ready', atMs: at, message: `pod ${name} not ready`, faultId: known.faultId, data: this.podData(known) });
    }
  }

  private onDeleted(uid: string, known: KnownPod): void {
    this.known.delete(uid);
    // Pods Rebound killed already have their pod-deleted event (from the injector).
    const killed = this.pending.some((entry) => entry.pod === known.name) || [...this.records.values()].some((list) => list.some((record) => record.pod === known.name));
    if (killed) return;
    this.emit({
      kind: 'pod-deleted',
      atMs: this.now(),
      message: `pod ${known.name} deleted`,
      data: { ...this.podData(known), killed: false },
    });
  }

  /** The oldest killed pod the new one can stand in for: same controller, else same labels. */
  private takeReplacementFor(pod: KnownPod): PendingReplacement | undefined {
    const index = this.pending.findIndex((entry) =>
      entry.ownerUid !== undefined && pod.ownerUid !== undefined ? entry.ownerUid === pod.ownerUid : entry.labels === pod.labels || entry.pod === pod.name,
    );
    if (index < 0) return undefined;
    return this.pending.splice(index, 1)[0];
  }

  private podData(pod: KnownPod): Record<string, string> {
    const data: Record<string, string> = { pod: pod.name, namespace: this.namespace, labels: pod.labels };
    if (pod.replaces) data.replaces = pod.replaces;
    return data;
  }
}
