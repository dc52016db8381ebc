import type { V1Pod } from '@kubernetes/client-node';
import type { PodKillRecord } from '../result/result.ts';
import { GuardrailError, InfraError } from '../errors.ts';
import type { FaultContext, FaultInjector, FaultPreflight, Revert } from './fault-kind.ts';
import type { PodKillFault, PodKillRevertRecord } from './pod-kill-kind.ts';
import type { KubeAccess } from './kube.ts';
import { describeKubeError } from './kube-errors.ts';
import { labelString } from './pod-labels.ts';
import type { PodWatch } from './pod-watch.ts';

/** A kill was refused because it would exceed guardrails.maxPodsKilled. */
export class PodKillBudgetExceeded extends GuardrailError {
  override readonly name: string = 'PodKillBudgetExceeded';
  constructor(message: string) {
    super(message, 'maxPodsKilled');
  }
}

/** The blast-radius cap shared by every pod kill of a run. */
export class PodKillBudget {
  private used = 0;
  constructor(readonly max: number) {}

  get killed(): number {
    return this.used;
  }

  /** Reserves `count` kills or throws without reserving any. */
  take(count: number): void {
    if (this.used + count > this.max) {
      throw new PodKillBudgetExceeded(`killing ${count} more pod(s) would exceed guardrails.maxPodsKilled (${this.max}; ${this.used} killed so far)`);
    }
    this.used += count;
  }

  /** Gives back reservations whose delete did not happen. */
  release(count: number): void {
    this.used = Math.max(0, this.used - count);
  }
}

export interface PodKillOptions {
  readonly access: KubeAccess;
  readonly budget: PodKillBudget;
  /** The watch of the fault's namespace, when one runs (it times the replacements). */
  readonly watchFor: (namespace: string) => PodWatch | undefined;
  /** Called when a repeated kill fails (e.g. the budget is exhausted): the runner decides. */
  readonly onRepeatError: (fault: PodKillFault, error: unknown) => void;
  /** Randomness source (tests pass a seeded one). */
  readonly random?: () => number;
}

/** How many of `available` pods a fault kills at once. */
export function killCount(fault: Pick<PodKillFault, 'count' | 'percent'>, available: number): number {
  const wanted = fault.count ?? Math.ceil(((fault.percent ?? 0) / 100) * available);
  return Math.max(0, Math.min(wanted, available));
}

/** How many times a fault kills within its phase (1, or repeated every `everyMs`). */
export function killRounds(fault: Pick<PodKillFault, 'id' | 'everyMs'>, phaseDurationMs: number): number {
  if (!fault.everyMs) return 1;
  return 1 + Math.max(0, Math.ceil(phaseDurationMs / fault.everyMs) - 1);
}

/** Chooses the victims: the oldest first, or a random sample. */
export function pickPods(pods: readonly V1Pod[], count: number, pick: 'random' | 'oldest', random: () => number = Math.random): V1Pod[] {
  const candidates = [...pods];
  if (pick === 'oldest') {
    candidates.sort((a, b) => created(a) - created(b) || (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
    return candidates.slice(0, count);
  }
  for (let i = candidates.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [candidates[i], candidates[j]] = [candidates[j]!, candidates[i]!];
  }
  return candidates.slice(0, count);
}

function created(pod: V1Pod): number {
  const stamp = pod.metadata?.creationTimestamp;
  return stamp ? new Date(stamp).getTime() : 0;
}

/**
 * Deletes pods matching the fault's selector in the fault's namespace (the only pods it may
 * touch), with its grace period; `everyMs` repeats the kill until the phase ends (the revert
 * stops the repetition; a kill cannot be undone).
 */
export class PodKillInjector implements FaultInjector<PodKillFault, PodKillRevertRecord> {
  private readonly repeats = new Map<string, NodeJS.Timeout>();
  private readonly stoppedFaults = new Set<string>();
  private readonly ownRecords = new Map<string, PodKillRecord[]>();

  constructor(private readonly options: PodKillOptions) {}

  async preflight(fault: PodKillFault, phaseMs: number): Promise<FaultPreflight> {
    const pods = await this.candidates(fault);
    if (pods.length === 0) return { touches: [], problems: [`fault ${fault.id}: no pod matches selector ${fault.selector} in namespace ${fault.namespace}`] };
    const perKill = killCount(fault, pods.length);
    const kills = killRounds(fault, phaseMs);
    const matching = pods.map((pod) => pod.metadata?.name ?? '?');
    const wouldPick = fault.pick === 'oldest' ? pickPods(pods, perKill, 'oldest').map((pod) => pod.metadata?.name ?? '?') : undefined;
    return {
      touches: [`pods matching now: ${matching.join(', ')}`, `kills ${perKill} pod(s) ${kills === 1 ? 'once' : `${kills} times`}${wouldPick ? `; would pick ${wouldPick.join(', ')}` : ''}`],
      problems: [],
      podKills: perKill * kills,
      details: { pods: { matching, perKill, kills, ...(wouldPick ? { wouldPick } : {}) } },
    };
  }

  async plan(fault: PodKillFault): Promise<Revert<PodKillRevertRecord>> {
    return {
      record: { kind: 'pod-kill', namespace: fault.namespace, selector: fault.selector },
      run: async () => {
        this.stoppedFaults.add(fault.id);
        const timer = this.repeats.get(fault.id);
        if (timer) clearTimeout(timer);
        this.repeats.delete(fault.id);
      },
    };
  }

  async apply(fault: PodKillFault, context: FaultContext): Promise<void> {
    this.stoppedFaults.delete(fault.id);
    await this.killOnce(fault, context, false);
    if (fault.everyMs) this.scheduleRepeat(fault, context);
  }

  /** Pods killed by a fault so far, with replacement times from the watch when it runs. */
  records(faultId: string): PodKillRecord[] {
    return this.ownRecords.get(faultId)?.map((record) => ({ ...record })) ?? [];
  }

  resultFields(fault: PodKillFault): { pods: PodKillRecord[] } {
    return { pods: this.records(fault.id) };
  }

  /** The pods a kill would touch now (for --dry-run and preflight). */
  async candidates(fault: PodKillFault): Promise<V1Pod[]> {
    try {
      const list = await this.options.access.core.listNamespacedPod({ namespace: fault.namespace, labelSelector: fault.selector });
      return list.items.filter((pod) => !pod.metadata?.deletionTimestamp);
    } catch (error) {
      throw new InfraError(`cannot list pods ${fault.selector} in namespace ${fault.namespace} on ${this.options.access.server}: ${describeKubeError(error)}`);
    }
  }

  private scheduleRepeat(fault: PodKillFault, context: FaultContext): void {
    if (this.stoppedFaults.has(fault.id) || context.signal.aborted) return;
    const timer = setTimeout(() => {
      this.repeats.delete(fault.id);
      if (this.stoppedFaults.has(fault.id) || context.signal.aborted) return;
      this.killOnce(fault, context, true).then(
        () => this.scheduleRepeat(fault, context),
        (error: unknown) => this.options.onRepeatError(fault, error),
      );
    }, fault.everyMs);
    timer.unref?.();
    this.repeats.set(fault.id, timer);
  }

  private async killOnce(fault: PodKillFault, context: FaultContext, repeat: boolean): Promise<void> {
    const pods = await this.candidates(fault);
    const count = killCount(fault, pods.length);
    if (count === 0 && repeat) {
      // Every matching pod is already gone (replacements not created yet): skip this round.
      context.emit({ kind: 'note', atMs: context.now(), message: `pod kill ${fault.id}: no pod matches ${fault.selector} in ${fault.namespace} right now; round skipped`, faultId: fault.id, phase: fault.phase });
      return;
    }
    if (count === 0) {
      throw new InfraError(`no pod matches ${fault.selector} in namespace ${fault.namespace}; nothing to kill`);
    }
    const victims = pickPods(pods, count, fault.pick, this.options.random);
    this.options.budget.take(victims.length);
    let deleted = 0;
    try {
      for (const pod of victims) {
        const name = pod.metadata?.name ?? '';
        try {
          await this.options.access.core.deleteNamespacedPod({
            name,
            namespace: fault.namespace,
            ...(fault.gracePeriodSeconds === undefined ? {} : { gracePeriodSeconds: fault.gracePeriodSeconds }),
          });
        } catch (error) {
          if ((error as { code?: unknown }).code === 404) continue; // already gone: not killed by us
          throw new InfraError(`cannot delete pod ${name} in namespace ${fault.namespace}: ${describeKubeError(error)}`);
        }
        deleted++;
        const at = context.now();
        const watch = this.options.watchFor(fault.namespace);
        const record = watch ? watch.noteKilled(pod, fault.id, at) : { pod: name, deletedMs: at };
        const list = this.ownRecords.get(fault.id) ?? [];
        list.push(record);
        this.ownRecords.set(fault.id, list);
        context.emit({
          kind: 'pod-deleted',
          atMs: at,
          message: `pod ${name} killed${fault.gracePeriodSeconds === 0 ? ' (forced)' : ''}`,
          faultId: fault.id,
          phase: fault.phase,
          data: {
            pod: name,
            namespace: fault.namespace,
            labels: labelString(pod.metadata?.labels),
            killed: true,
            ...(fault.gracePeriodSeconds === undefined ? {} : { gracePeriodSeconds: fault.gracePeriodSeconds }),
          },
        });
      }
    } finally {
      this.options.budget.release(victims.length - deleted);
    }
  }
}
