/** `upstream` = client → server, `downstream` = server → client (Toxiproxy's stream). */
export type Direction = 'upstream' | 'downstream';

/** One numeric attribute of a toxic type, with the Go type Toxiproxy decodes it into. */
export interface AttributeSpec {
  readonly name: string;
  readonly goType: 'int' | 'int64';
}

/**
 * What a running toxic may do on one link (one connection, one direction). Emitted data
 * goes to the next toxic in the chain or to the destination socket.
 */
export interface StageContext {
  emit(data: Buffer): void;
  /** Ends this direction: data after this point is dropped, the destination is closed. */
  close(): void;
  /** Resolves true after `ms`, or false at once when the toxic is updated, removed or the link closes. */
  sleep(ms: number): Promise<boolean>;
  /** Like sleep, but only the link closing cuts it short (Toxiproxy cannot interrupt reset_peer's wait). */
  sleepUninterruptible(ms: number): Promise<boolean>;
  /** Per-connection, per-direction state that survives updates of the toxic (limit_data's byte count). */
  readonly state: unknown;
}

/** Returned by onEnd when an interrupted toxic has not dealt with the end of stream yet. */
export const REQUEUE_END = 'requeue-end';

/**
 * A toxic acting on one link. Items reach it one at a time and in order: while a promise
 * returned by onData/onEnd is pending, later chunks wait.
 */
export interface ToxicRunner {
  start?(): void;
  onData(data: Buffer, arrivedAt: number): void | Promise<void>;
  /** Default: close. */
  onEnd?(): void | Promise<void | typeof REQUEUE_END>;
  /** Timers must be cleared here. `removed` is Toxiproxy's Cleanup hook (timeout closes its connections). */
  stop?(reason: 'updated' | 'removed' | 'closed'): void;
}

export interface ToxicType {
  readonly type: string;
  /** The Go struct Toxiproxy decodes attributes into, for identical error messages. */
  readonly goStruct: string;
  readonly attributes: readonly AttributeSpec[];
  newState?(): unknown;
  createRunner(attributes: Readonly<Record<string, number>>, ctx: StageContext): ToxicRunner;
}

export function passthrough(ctx: StageContext): ToxicRunner {
  return { onData: (data) => ctx.emit(data) };
}

/** setTimeout's ceiling: a larger delay would fire after 1 ms, so longer waits are capped or re-armed. */
export const MAX_TIMER_MS = 2_147_483_647;
