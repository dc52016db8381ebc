/**
 * The faults of one run through their kinds: each revert journaled BEFORE its fault is applied,
 * reverts run last-in first-out (at its phase's end, and whatever is left at the end of the run),
 * and what happened to each fault kept for the result.
 */
import { GuardrailError } from '../errors.ts';
import type { ResolvedExperiment, ResolvedFault } from '../experiment/resolved.ts';
import type { FaultContext, FaultInjector, FaultServices, Revert } from '../faults/fault-kind.ts';
import { faultKindOf } from '../plugins/registry.ts';
import type { FaultResult } from '../result/result.ts';
import type { Journal } from './journal.ts';
import type { Emit } from './live-events.ts';

interface FaultRecord {
  readonly fault: ResolvedFault;
  readonly target: string;
  readonly description: string;
  appliedMs?: number;
  revertedMs?: number;
  applyError?: string;
  revertError?: string;
}

export interface AppliedFaultsOptions {
  readonly experiment: ResolvedExperiment;
  readonly journal: Journal;
  readonly now: () => number;
  readonly emit: Emit;
  readonly signal: AbortSignal;
  /** A fault crossed a guardrail (e.g. maxPodsKilled): the run aborts with exit 3. */
  readonly onGuardrail: (reason: string) => void;
  /** The harness could not apply a fault or write the journal: the run ends in error. */
  readonly onError: (kind: string, error: unknown) => void;
}

export function describeFault(fault: ResolvedFault): { target: string; description: string } {
  return faultKindOf(fault.kind)?.describe(fault) ?? { target: fault.kind, description: fault.kind };
}

export class AppliedFaults {
  private readonly records = new Map<string, FaultRecord>();
  private readonly injectors = new Map<string, FaultInjector>();
  /** Applied (or being applied) faults' reverts, in apply order. */
  private readonly reverts: { readonly id: string; readonly revert: Revert }[] = [];
  readonly active = new Set<string>();

  constructor(private readonly options: AppliedFaultsOptions) {
    for (const phase of options.experiment.phases) {
      for (const fault of phase.faults) this.records.set(fault.id, { fault, ...describeFault(fault) });
    }
  }

  /** Binds each fault kind the experiment uses to the opened target (once per kind). */
  open(services: Omit<FaultServices, 'onAsyncError'>): void {
    for (const { fault } of this.records.values()) {
      const kind = faultKindOf(fault.kind);
      if (!kind) throw new Error(`no fault kind ${fault.kind} is registered`);
      if (this.injectors.has(kind.key)) continue;
      this.injectors.set(kind.key, kind.open({ ...services, onAsyncError: (failed, error) => this.failed(failed, error) }));
    }
  }

  injectorFor = (fault: ResolvedFault): FaultInjector => {
    const injector = this.injectors.get(faultKindOf(fault.kind)?.key ?? '');
    if (!injector) throw new Error(`fault kind ${fault.kind} was not opened for this run`);
    return injector;
  };

  get pending(): number {
    return this.reverts.length;
  }

  async apply(fault: ResolvedFault): Promise<void> {
    const record = this.records.get(fault.id)!;
    const injector = this.injectorFor(fault);
    const context: FaultContext = { signal: this.options.signal, now: this.options.now, emit: this.options.emit };
    let revert: Revert;
    try {
      revert = await injector.plan(fault);
      await this.options.journal.add(fault.id, record.description, revert.record);
    } catch (error) {
      this.options.onError('journal', error);
      return;
    }
    this.reverts.push({ id: fault.id, revert });
    try {
      await injector.apply(fault, context);
      record.appliedMs = this.options.now();
      this.active.add(fault.id);
      this.options.emit({ kind: 'fault-applied', atMs: record.appliedMs, message: record.description, faultId: fault.id, data: { target: record.target, kind: fault.kind } });
    } catch (error) {
      this.options.emit({ kind: 'note', atMs: this.options.now(), message: `fault ${fault.id} could not be applied: ${message(error)}`, faultId: fault.id });
      this.failed(fault, error);
    }
  }

  /**
   * Reverts the given faults (all when omitted), last applied first. With `keepFailed`, a revert
   * that fails stays for the run's final attempt.
   */
  async revert(ids?: readonly string[], options: { keepFailed?: boolean } = {}): Promise<void> {
    const wanted = ids ? new Set(ids) : undefined;
    for (let index = this.reverts.length - 1; index >= 0; index--) {
      const entry = this.reverts[index]!;
      if (wanted && !wanted.has(entry.id)) continue;
      const record = this.records.get(entry.id)!;
      this.active.delete(entry.id);
      try {
        await entry.revert.run();
      } catch (error) {
        record.revertError = message(error);
        this.options.emit({ kind: 'fault-revert-failed', atMs: this.options.now(), message: `could not revert ${record.description}: ${record.revertError}`, faultId: entry.id });
        if (!options.keepFailed) this.reverts.splice(index, 1);
        continue;
      }
      this.reverts.splice(index, 1);
      record.revertError = undefined;
      // Only what was applied is reported as reverted; the journal entry goes either way.
      if (record.appliedMs !== undefined) {
        record.revertedMs = this.options.now();
        this.options.emit({ kind: 'fault-reverted', atMs: record.revertedMs, message: `reverted ${record.description}`, faultId: entry.id, data: { target: record.target, kind: record.fault.kind } });
      }
      try {
        await this.options.journal.remove(entry.id);
      } catch (error) {
        this.options.onError('journal', error);
      }
    }
  }

  results(toIso: (ms: number) => string): FaultResult[] {
    return [...this.records.values()].map((record) => ({
      id: record.fault.id,
      kind: record.fault.kind,
      phase: record.fault.phase,
      target: record.target,
      description: record.description,
      ...(record.appliedMs !== undefined ? { appliedMs: record.appliedMs, appliedAt: toIso(record.appliedMs) } : {}),
      ...(record.revertedMs !== undefined ? { revertedMs: record.revertedMs, revertedAt: toIso(record.revertedMs) } : {}),
      ...(record.applyError !== undefined ? { applyError: record.applyError } : {}),
      ...(record.revertError !== undefined ? { revertError: record.revertError } : {}),
      ...(this.injectors.size > 0 ? this.injectorFor(record.fault).resultFields?.(record.fault) : {}),
    }));
  }

  private failed(fault: ResolvedFault, error: unknown): void {
    const record = this.records.get(fault.id);
    if (record && record.applyError === undefined) record.applyError = message(error);
    if (error instanceof GuardrailError) {
      this.options.emit({ kind: 'guardrail-tripped', atMs: this.options.now(), message: error.message, faultId: fault.id, data: { guardrail: error.guardrail } });
      this.options.onGuardrail(error.message);
    } else {
      this.options.onError('fault-apply', new Error(`fault ${fault.id}: ${message(error)}`));
    }
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
