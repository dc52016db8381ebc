import { clone, type KubeObject } from './kube-object.ts';

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One write, as watchers and controllers see it. `object` is the stored snapshot: never mutate it. */
export interface StoreChange {
  readonly type: ChangeType;
  /** resourceKey(group, plural). */
  readonly resource: string;
  readonly object: KubeObject;
  readonly previous?: KubeObject;
  readonly rv: number;
}

export type StoreListener = (change: StoreChange) => void;

function objectKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

/**
 * All objects, one global resourceVersion counter bumped on every write, and a bounded
 * history of changes so that watches can resume from a resourceVersion (or get 410 once it
 * has been compacted away). Listeners are called synchronously on every write, in order.
 */
export class ObjectStore {
  private rv = 1000;
  private readonly tables = new Map<string, Map<string, KubeObject>>();
  private readonly history: StoreChange[] = [];
  /** Every change with rv > compactedRv is still in history. */
  private compactedRv = 1000;
  private readonly listeners = new Set<StoreListener>();

  constructor(private readonly historyLimit = 10_000) {}

  currentRv(): string {
    return String(this.rv);
  }

  get(resource: string, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.tables.get(resource)?.get(objectKey(namespace, name));
  }

  list(resource: string, namespace?: string): KubeObject[] {
    const table = this.tables.get(resource);
    if (!table) return [];
    const out: KubeObject[] = [];
    for (const object of table.values()) if (namespace === undefined || object.metadata.namespace === namespace) out.push(object);
    return out;
  }

  /** Stores a copy of `object` (which must carry its final name) and returns the stored snapshot. */
  create(resource: string, object: KubeObject): KubeObject {
    const stored = clone(object);
    stored.metadata.resourceVersion = String(++this.rv);
    this.table(resource).set(objectKey(stored.metadata.namespace, stored.metadata.name!), stored);
    this.emit({ type: 'ADDED', resource, object: stored, rv: this.rv });
    return stored;
  }

  update(resource: string, object: KubeObject): KubeObject {
    const key = objectKey(object.metadata.namespace, object.metadata.name!);
    const previous = this.table(resource).get(key);
    if (!previous) throw new Error(`internal: update of missing ${resource} ${key}`);
    const stored = clone(object);
    stored.metadata.resourceVersion = String(++this.rv);
    this.table(resource).set(key, stored);
    this.emit({ type: 'MODIFIED', resource, object: stored, previous, rv: this.rv });
    return stored;
  }

  remove(resource: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const key = objectKey(namespace, name);
    const previous = this.tables.get(resource)?.get(key);
    if (!previous) return undefined;
    this.tables.get(resource)!.delete(key);
    const stored = clone(previous);
    stored.metadata.resourceVersion = String(++this.rv);
    this.emit({ type: 'DELETED', resource, object: stored, previous, rv: this.rv });
    return stored;
  }

  /** Changes to `resource` after `rv`, or 'expired' when some of them were compacted away. */
  changesSince(resource: string, rv: number): StoreChange[] | 'expired' {
    if (rv < this.compactedRv) return 'expired';
    const out: StoreChange[] = [];
    // history is sorted by rv; scan from the end back to the first change after rv
    let i = this.history.length;
    while (i > 0 && this.history[i - 1]!.rv > rv) i--;
    for (; i < this.history.length; i++) if (this.history[i]!.resource === resource) out.push(this.history[i]!);
    return out;
  }

  /** Forgets all history (as etcd compaction does); later watches from older versions get 410. */
  compact(): void {
    this.history.length = 0;
    this.compactedRv = this.rv;
  }

  subscribe(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private table(resource: string): Map<string, KubeObject> {
    let table = this.tables.get(resource);
    if (!table) this.tables.set(resource, (table = new Map()));
    return table;
  }

  private emit(change: StoreChange): void {
    this.history.push(change);
    if (this.history.length > this.historyLimit) {
      const dropped = this.history.splice(0, this.history.length - this.historyLimit);
      this.compactedRv = dropped[dropped.length - 1]!.rv;
    }
    for (const listener of [...this.listeners]) {
      try {
        listener(change);
      } catch (error) {
        // a faulty listener must not break the write path or the other listeners
        process.stderr.write(`rebound cluster: internal listener error: ${(error as Error)?.stack ?? String(error)}\n`);
      }
    }
  }
}
