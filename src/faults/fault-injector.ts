import type { ResolvedFault } from '../experiment/resolved.ts';
import type { RunEvent } from '../timeline/events.ts';

/**
 * What the journal stores for one applied fault: enough to revert it from another process
 * after a crash (no closures). Written atomically BEFORE the fault is applied.
 */
export type RevertRecord =
  | { readonly kind: 'toxic'; readonly toxiproxyUrl: string; readonly proxy: string; readonly toxic: string }
  | { readonly kind: 'proxy-down'; readonly toxiproxyUrl: string; readonly proxy: string }
  /** Pod kills cannot be undone; the record lets a sweep log that the run ended mid-kill. */
  | { readonly kind: 'pod-kill'; readonly namespace: string; readonly selector: string };

export interface Revert {
  readonly record: RevertRecord;
  /** Idempotent: reverting an already-reverted fault succeeds. */
  run(): Promise<void>;
}

export interface FaultContext {
  readonly signal: AbortSignal;
  readonly now: () => number;
  readonly emit: (event: Omit<RunEvent, 'at'>) => void;
}

/**
 * Extension point: turns a fault spec into an applied fault. `plan` describes the revert
 * before anything changes (the runner journals it), then `apply` injects it.
 */
export interface FaultInjector<F extends ResolvedFault = ResolvedFault> {
  readonly kind: F['kind'];
  /** Human-readable target and description; used by --dry-run and the result. */
  describe(fault: F): { target: string; description: string };
  /** The revert, computed before applying so that it can be journaled first. */
  plan(fault: F): Revert;
  apply(fault: F, context: FaultContext): Promise<void>;
}
