import type { Revert } from '../faults/fault-injector.ts';

export interface RevertOutcome {
  readonly id: string;
  readonly ok: boolean;
  readonly error?: unknown;
  /** Run-clock time the revert finished (or failed). */
  readonly atMs: number;
}

interface StackEntry {
  readonly id: string;
  readonly revert: Revert;
}

/**
 * Reverts registered before their effect, run last-in first-out. Every revert is attempted
 * whatever the others do; each runs at most once (a phase end and the final sweep may both
 * ask for it).
 */
export class RevertStack {
  private readonly entries: StackEntry[] = [];

  constructor(private readonly now: () => number = () => performance.now()) {}

  push(id: string, revert: Revert): void {
    this.entries.push({ id, revert });
  }

  get size(): number {
    return this.entries.length;
  }

  ids(): string[] {
    return this.entries.map((entry) => entry.id);
  }

  /**
   * Reverts the given entries (LIFO among them) and removes them from the stack; with
   * `keepFailed`, an entry whose revert failed stays for a later attempt (the final sweep).
   */
  async revert(ids: readonly string[], onOutcome?: (outcome: RevertOutcome) => void | Promise<void>, options: { keepFailed?: boolean } = {}): Promise<RevertOutcome[]> {
    const wanted = new Set(ids);
    const outcomes: RevertOutcome[] = [];
    for (let index = this.entries.length - 1; index >= 0; index--) {
      const entry = this.entries[index]!;
      if (!wanted.has(entry.id)) continue;
      let outcome: RevertOutcome;
      try {
        await entry.revert.run();
        outcome = { id: entry.id, ok: true, atMs: this.now() };
      } catch (error) {
        outcome = { id: entry.id, ok: false, error, atMs: this.now() };
      }
      if (outcome.ok || !options.keepFailed) this.entries.splice(this.entries.indexOf(entry), 1);
      outcomes.push(outcome);
      await onOutcome?.(outcome);
    }
    return outcomes;
  }

  /** Reverts everything still applied, LIFO. */
  revertAll(onOutcome?: (outcome: RevertOutcome) => void | Promise<void>): Promise<RevertOutcome[]> {
    return this.revert(this.ids(), onOutcome);
  }
}
