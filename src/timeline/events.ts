/** Things that happened during a run, on the run clock. */
export const EVENT_KINDS = [
  'run-started',
  'phase-started',
  'phase-ended',
  'fault-applied',
  'fault-reverted',
  'fault-revert-failed',
  'pod-deleted',
  'pod-created',
  'pod-ready',
  'pod-not-ready',
  'guardrail-tripped',
  'load-started',
  'load-stopped',
  'interrupted',
  'note',
] as const;

export type RunEventKind = (typeof EVENT_KINDS)[number];

export interface RunEvent {
  readonly kind: RunEventKind;
  /** Run-clock milliseconds. */
  readonly atMs: number;
  /** ISO wall time, for display only. */
  readonly at: string;
  readonly message: string;
  /** Phase active at the time, when any. */
  readonly phase?: string;
  /** Fault id this event is about, when any. */
  readonly faultId?: string;
  /** Small JSON-serialisable details (pod name, toxic, …). */
  readonly data?: Record<string, string | number | boolean | null>;
}
