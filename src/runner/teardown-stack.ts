/**
 * One LIFO stack of teardowns for a run: each step registers what undoes it BEFORE it sets
 * anything up, and the stack unwinds in reverse order on every path (success, failure, abort,
 * signal, a throw from any step). Every teardown runs whatever the others do; each runs once.
 */
export interface TeardownOutcome {
  readonly name: string;
  readonly error?: unknown;
}

interface Entry {
  readonly name: string;
  readonly run: () => void | Promise<void>;
}

export class TeardownStack {
  private readonly entries: Entry[] = [];

  constructor(
    private readonly onOutcome: (outcome: TeardownOutcome) => void = () => undefined,
    /** Told before the first teardown of each unwind runs. */
    private readonly onUnwind: () => void = () => undefined,
  ) {}

  defer(name: string, run: () => void | Promise<void>): void {
    this.entries.push({ name, run });
  }

  /** A position to unwind back to later (everything deferred after it). */
  mark(): number {
    return this.entries.length;
  }

  /** Runs, last first, every teardown deferred since `mark` (default: all). */
  async unwind(mark = 0): Promise<TeardownOutcome[]> {
    const outcomes: TeardownOutcome[] = [];
    if (this.entries.length > mark) this.onUnwind();
    while (this.entries.length > mark) {
      const entry = this.entries.pop()!;
      let outcome: TeardownOutcome;
      try {
        await entry.run();
        outcome = { name: entry.name };
      } catch (error) {
        outcome = { name: entry.name, error };
      }
      outcomes.push(outcome);
      this.onOutcome(outcome);
    }
    return outcomes;
  }
}
