import { performance } from 'node:perf_hooks';
import type { Toxic } from './toxic.ts';
import { MAX_TIMER_MS, passthrough, REQUEUE_END, type StageContext, type ToxicRunner } from './toxics/toxic-type.ts';

export const END = Symbol('end of stream');
export interface Chunk {
  readonly data: Buffer;
  /** performance.now() when the chunk was read from the source socket. */
  readonly at: number;
}
export type Item = Chunk | typeof END;

/** What a stage needs from its link. */
export interface StageHost {
  /** Hands an item to whatever follows `stage`: the next stage or the destination socket. */
  forward(stage: Stage, item: Item): void;
  /** Bytes left the stage's queue (for the link's backpressure). */
  released(bytes: number): void;
  /** A removed toxic's stage has drained and can be unlinked. */
  retired(stage: Stage): void;
  /** Aborted when the connection closes: cuts every sleep, even uninterruptible ones. */
  readonly closed: AbortSignal;
}

/**
 * One toxic running on one link: a FIFO of chunks handled one at a time by the toxic's
 * runner. The toxicity draw is made each time a runner starts (connection open, toxic
 * update), per connection, per direction, per toxic, as Toxiproxy's ToxicStub.Run does.
 */
export class Stage {
  private queue: Item[] = [];
  private head = 0;
  private busy = false;
  private ended = false;
  private isRetired = false;
  private runner!: ToxicRunner;
  private interrupt!: AbortController;
  readonly state: unknown;

  constructor(
    private readonly host: StageHost,
    private toxicValue: Toxic,
  ) {
    this.state = toxicValue.kind.newState?.();
    this.startRunner();
  }

  get toxic(): Toxic {
    return this.toxicValue;
  }

  /** Its toxic was removed; it only drains what it still holds. */
  get removed(): boolean {
    return this.isRetired;
  }

  get idle(): boolean {
    return !this.busy && this.head >= this.queue.length;
  }

  push(item: Item): void {
    if (this.ended || this.host.closed.aborted) {
      if (item !== END) this.host.released(item.data.length);
      return;
    }
    this.queue.push(item);
    this.pump();
  }

  update(toxic: Toxic): void {
    if (this.ended) return;
    this.stopRunner('updated');
    this.toxicValue = toxic;
    this.startRunner();
    this.pump();
  }

  /** The toxic was removed: let queued data through untouched, then leave the chain. */
  retire(): void {
    this.stopRunner('removed');
    this.isRetired = true;
    this.runner = passthrough(this.context(this.interrupt.signal));
    this.pump();
  }

  /** The connection is gone: stop timers, drop data. */
  destroy(): void {
    this.stopRunner('closed');
    this.dropQueue();
    this.ended = true;
  }

  private startRunner(): void {
    this.interrupt = new AbortController();
    const ctx = this.context(this.interrupt.signal);
    const active = Math.random() < this.toxicValue.toxicity;
    this.runner = active ? this.toxicValue.kind.createRunner(this.toxicValue.attributes, ctx) : passthrough(ctx);
    this.runner.start?.();
  }

  private stopRunner(reason: 'updated' | 'removed' | 'closed'): void {
    this.interrupt.abort();
    this.runner.stop?.(reason);
  }

  private context(interrupt: AbortSignal): StageContext {
    return {
      emit: (data) => {
        if (!this.ended && data.length > 0) this.host.forward(this, { data, at: 0 });
      },
      close: () => this.endOutput(),
      sleep: (ms) => sleep(ms, [interrupt, this.host.closed]),
      sleepUninterruptible: (ms) => sleep(ms, [this.host.closed]),
      state: this.state,
    };
  }

  private endOutput(): void {
    if (this.ended) return;
    this.ended = true;
    this.dropQueue();
    this.stopRunner('closed');
    this.host.forward(this, END);
  }

  private dropQueue(): void {
    for (let i = this.head; i < this.queue.length; i++) {
      const item = this.queue[i]!;
      if (item !== END) this.host.released(item.data.length);
    }
    this.queue = [];
    this.head = 0;
  }

  private pump(): void {
    while (!this.busy && this.head < this.queue.length && !this.ended) {
      const item = this.queue[this.head++]!;
      let result: void | Promise<void | typeof REQUEUE_END>;
      if (item !== END) this.host.released(item.data.length);
      try {
        if (item === END) result = this.runner.onEnd ? this.runner.onEnd() : this.endOutput();
        else result = this.runner.onData(item.data, item.at);
      } catch {
        // A toxic must never take the process down with it: end this direction instead.
        this.endOutput();
        return;
      }
      if (result instanceof Promise) {
        this.busy = true;
        result.then(
          (outcome) => {
            this.busy = false;
            if (outcome === REQUEUE_END && !this.ended) this.queue.splice(this.head, 0, END);
            this.pump();
          },
          () => {
            this.busy = false;
            this.endOutput();
          },
        );
        return;
      }
    }
    if (this.head >= this.queue.length) {
      this.queue = [];
      this.head = 0;
    }
    if (this.isRetired && this.idle && !this.ended) this.host.retired(this);
  }
}

/**
 * Resolves true after `ms`, false as soon as any signal aborts. Never leaves a timer behind.
 * Node's timers run on the loop's cached clock and may fire up to a millisecond early;
 * a toxic must never be shorter than asked, so an early timer is re-armed for the rest.
 */
function sleep(ms: number, signals: AbortSignal[]): Promise<boolean> {
  if (signals.some((s) => s.aborted)) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  const deadline = performance.now() + ms;
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout;
    const finish = (slept: boolean): void => {
      clearTimeout(timer);
      for (const s of signals) s.removeEventListener('abort', onAbort);
      resolve(slept);
    };
    const onAbort = (): void => finish(false);
    const arm = (wait: number): void => {
      timer = setTimeout(() => {
        const left = deadline - performance.now();
        if (left > 0) arm(Math.ceil(left));
        else finish(true);
      }, Math.min(wait, MAX_TIMER_MS));
    };
    arm(ms);
    for (const s of signals) s.addEventListener('abort', onAbort, { once: true });
  });
}
