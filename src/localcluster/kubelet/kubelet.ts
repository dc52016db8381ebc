import { NODE_NAME } from '../api/api-core.ts';
import type { StoreChange } from '../api/object-store.ts';
import { OrphanGuard } from './orphan-guard.ts';
import { PodRuntime, type KubeletContext } from './pod-runtime.ts';

/** Runs every pod bound to the local node as processes; reacts to creates, graceful and forced deletes. */
export class Kubelet {
  private readonly runtimes = new Map<string, PodRuntime>();
  private unsubscribe: (() => void) | undefined;

  private readonly ctx: KubeletContext & { readonly orphanGuard: OrphanGuard };

  constructor(ctx: KubeletContext) {
    this.ctx = { ...ctx, orphanGuard: ctx.orphanGuard ?? new OrphanGuard() };
  }

  start(): void {
    this.unsubscribe = this.ctx.core.store.subscribe((change) => this.onChange(change));
    for (const pod of this.ctx.core.store.list('pods')) this.onChange({ type: 'ADDED', resource: 'pods', object: pod, rv: 0 });
  }

  private onChange(change: StoreChange): void {
    if (change.resource !== 'pods') return;
    const pod = change.object;
    const uid = pod.metadata.uid!;
    const runtime = this.runtimes.get(uid);
    if (change.type === 'DELETED') {
      if (runtime) {
        runtime.forceKill();
        void runtime.finished.then(() => this.runtimes.delete(uid));
      }
      return;
    }
    if (!runtime) {
      if (change.type !== 'ADDED' || (pod.spec?.nodeName && pod.spec.nodeName !== NODE_NAME) || pod.metadata.deletionTimestamp) return;
      const created = new PodRuntime(this.ctx, pod);
      this.runtimes.set(uid, created);
      created.start().catch((error) => {
        process.stderr.write(`rebound cluster: could not start pod ${created.namespace}/${created.name}: ${(error as Error).message}\n`);
      });
      return;
    }
    if (pod.metadata.deletionTimestamp) runtime.terminate(Number(pod.metadata.deletionGracePeriodSeconds ?? 30));
  }

  podLog(namespace: string, name: string, options: { container?: string; tailLines?: number; previous?: boolean }): string {
    const runtime = [...this.runtimes.values()].find((r) => r.namespace === namespace && r.name === name);
    if (!runtime) return '';
    const lines = runtime.logs(options.container, Boolean(options.previous), options.tailLines);
    return lines.length ? `${lines.join('\n')}\n` : '';
  }

  /** The pod's running process-group ids (test and diagnostics hook). */
  podPids(namespace: string, name: string): number[] {
    return [...this.runtimes.values()].filter((r) => r.namespace === namespace && r.name === name).flatMap((r) => r.pids());
  }

  allPids(): number[] {
    return [...this.runtimes.values()].flatMap((r) => r.pids());
  }

  /** Stops watching and terminates every pod: SIGTERM, then SIGKILL after min(grace, capMs). */
  async shutdown(capMs = 2000): Promise<void> {
    this.unsubscribe?.();
    await Promise.all([...this.runtimes.values()].map((r) => r.shutdown(capMs)));
    this.runtimes.clear();
    this.ctx.orphanGuard.close();
  }
}
