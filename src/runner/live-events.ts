/**
 * The run's events as they happen: stamped with wall time and the current phase, kept for the
 * result, and passed (redacted: secrets never reach a terminal or a live reporter) to the
 * reporter and the CLI's observer.
 */
import type { Reporter } from '../reporters/reporter.ts';
import type { RunEvent } from '../timeline/events.ts';

export type Emit = (event: Omit<RunEvent, 'at'>) => void;

export interface LiveEventsOptions {
  readonly toIso: (ms: number) => string;
  readonly reporter: Reporter;
  readonly onEvent?: (event: RunEvent) => void;
  readonly redact: <T>(value: T) => T;
  /** A reporter threw: the run still goes on, and its exit code becomes 4. */
  readonly onReporterError: (message: string) => void;
}

export class LiveEvents {
  readonly all: RunEvent[] = [];
  currentPhase: string | undefined;
  private readonly listeners: ((event: RunEvent) => void)[] = [];

  constructor(private readonly options: LiveEventsOptions) {}

  readonly emit: Emit = (event) => {
    const full: RunEvent = { ...(this.currentPhase && event.phase === undefined ? { phase: this.currentPhase } : {}), ...event, at: this.options.toIso(event.atMs) };
    this.all.push(full);
    const shown = this.options.redact(full);
    try {
      this.options.reporter.onEvent?.(shown);
    } catch (error) {
      this.options.onReporterError(`reporter failed on event ${full.kind}: ${error instanceof Error ? error.message : String(error)}`);
    }
    this.options.onEvent?.(shown);
    for (const listener of this.listeners) listener(full);
  };

  /** Internal subscribers (e.g. the pod-process recorder) see every event, unredacted. */
  subscribe(listener: (event: RunEvent) => void): () => void {
    this.listeners.push(listener);
    return () => {
      const index = this.listeners.indexOf(listener);
      if (index >= 0) this.listeners.splice(index, 1);
    };
  }
}
