import type { ApiCore } from '../api/api-core.ts';
import type { StoreChange } from '../api/object-store.ts';
import { WorkQueue } from './work-queue.ts';

/**
 * A controller as kube-controller-manager runs them: store changes enqueue the key
 * (`namespace/name`) of the object they concern, and the work queue reconciles each key once per
 * turn of the event loop. At start every existing object of the controller's resource is queued.
 */
export abstract class Controller {
  private readonly queue: WorkQueue;
  private unsubscribe: (() => void) | undefined;

  constructor(
    protected readonly core: ApiCore,
    name: string,
    private readonly resource: string,
  ) {
    this.queue = new WorkQueue((key) => this.reconcile(key), name);
  }

  start(): void {
    this.unsubscribe = this.core.store.subscribe((change) => this.onChange(change));
    for (const object of this.core.store.list(this.resource)) this.enqueue(object.metadata.namespace, object.metadata.name);
  }

  stop(): void {
    this.unsubscribe?.();
    this.queue.stop();
  }

  protected enqueue(namespace: string | undefined, name: string | undefined): void {
    this.queue.add(`${namespace}/${name}`);
  }

  /** Which keys a change of any resource concerns. */
  protected abstract onChange(change: StoreChange): void;

  protected abstract reconcile(key: string): void;
}
