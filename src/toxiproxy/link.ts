import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { END, Stage, type Item, type StageHost } from './stage.ts';
import type { Toxic } from './toxic.ts';
import type { Direction } from './toxics/toxic-type.ts';

/** Toxiproxy reads with io.Copy's 32 KiB buffer: toxics never see larger chunks. */
const MAX_CHUNK = 32 * 1024;
/** Bytes queued inside the toxic chain before the source socket is paused, and resumed. */
const CHAIN_HIGH_WATER = 512 * 1024;
const CHAIN_LOW_WATER = 128 * 1024;

type PauseReason = 'destination' | 'chain' | 'borrowed';

/** Where the source's bytes come from: 'data' events, or a reused read buffer (net's `onread`). */
export type SourceReads = 'events' | 'borrowed-buffer';

/**
 * One direction of a proxied connection: bytes read from `source` go through the toxics of
 * that direction, in the order they were added, and are written to `destination`.
 * With no toxic the bytes go straight from source to destination (no queue, no timestamp,
 * no copy), with the same backpressure as `pipe`. The end of the source, or a toxic closing
 * the stream, closes the destination through `closeDestination`.
 */
export class Link implements StageHost {
  private stages: Stage[] = [];
  private inputEnded = false;
  private outputEnded = false;
  private queued = 0;
  private readonly pauses = new Set<PauseReason>();
  private readonly teardown = new AbortController();
  readonly closed: AbortSignal = this.teardown.signal;

  constructor(
    readonly direction: Direction,
    private readonly source: Socket,
    private readonly destination: Socket,
    toxics: readonly Toxic[],
    private readonly closeDestination: (socket: Socket) => void,
    reads: SourceReads = 'events',
  ) {
    for (const toxic of toxics) this.stages.push(new Stage(this, toxic));
    if (reads === 'events') source.on('data', this.onData);
    source.on('end', this.onSourceEnd);
    source.on('close', this.onSourceEnd);
    destination.on('drain', this.onDrain);
  }

  addToxic(toxic: Toxic): void {
    if (this.outputEnded || this.closed.aborted) return;
    this.stages.push(new Stage(this, toxic));
  }

  updateToxic(toxic: Toxic): void {
    this.stageOf(toxic.name)?.update(toxic);
  }

  removeToxic(name: string): void {
    this.stageOf(name)?.retire();
  }

  /** The connection is gone: stop every toxic's timers and let go of the sockets. */
  destroy(): void {
    if (this.closed.aborted) return;
    this.teardown.abort();
    for (const stage of this.stages) stage.destroy();
    this.source.off('data', this.onData);
    this.source.off('end', this.onSourceEnd);
    this.source.off('close', this.onSourceEnd);
    this.destination.off('drain', this.onDrain);
  }

  forward(stage: Stage, item: Item): void {
    const next = this.stages[this.stages.indexOf(stage) + 1];
    if (!next) return this.write(item);
    if (item !== END) {
      this.queued += item.data.length;
      this.checkChainPressure();
      next.push({ data: item.data, at: performance.now() });
    } else {
      next.push(END);
    }
  }

  released(bytes: number): void {
    this.queued -= bytes;
    if (this.queued < CHAIN_LOW_WATER) this.resume('chain');
  }

  retired(stage: Stage): void {
    const index = this.stages.indexOf(stage);
    if (index >= 0) this.stages.splice(index, 1);
  }

  private stageOf(name: string): Stage | undefined {
    return this.stages.find((s) => !s.removed && s.toxic.name === name);
  }

  /**
   * For a source created with net's `onread`: the bytes live in a buffer the socket reuses
   * for its next read. The fast path writes them straight from there and, if the write
   * could not complete at once, stops reading until it has (so the buffer is never
   * overwritten while queued); toxics get a copy.
   */
  readonly receiveBorrowed = (length: number, buffer: Buffer): boolean => {
    const view = buffer.subarray(0, length);
    if (this.stages.length > 0) {
      this.onData(Buffer.from(view));
      return true;
    }
    if (this.outputEnded || this.destination.destroyed) return true;
    this.destination.write(view, this.onBorrowedWritten);
    if (this.destination.writableLength > 0) this.pause('borrowed');
    return true;
  };

  private readonly onBorrowedWritten = (): void => {
    if (this.destination.writableLength === 0) this.resume('borrowed');
  };

  private readonly onData = (data: Buffer): void => {
    if (this.stages.length === 0) {
      // The fast path: straight to the destination, backpressure as in pipe().
      if (!this.outputEnded && !this.destination.write(data)) this.pause('destination');
      return;
    }
    if (this.inputEnded) return;
    const at = performance.now();
    for (let offset = 0; offset < data.length; offset += MAX_CHUNK) {
      const piece = data.length <= MAX_CHUNK ? data : data.subarray(offset, offset + MAX_CHUNK);
      this.queued += piece.length;
      this.stages[0]!.push({ data: piece, at });
    }
    this.checkChainPressure();
  };

  private readonly onSourceEnd = (): void => {
    if (this.inputEnded) return;
    this.inputEnded = true;
    const first = this.stages[0];
    if (first) first.push(END);
    else this.write(END);
  };

  private readonly onDrain = (): void => this.resume('destination');

  private write(item: Item | Buffer): void {
    if (this.outputEnded) return;
    if (item === END) {
      this.outputEnded = true;
      this.closeDestination(this.destination);
      return;
    }
    const data = Buffer.isBuffer(item) ? item : item.data;
    if (this.destination.destroyed) return;
    if (!this.destination.write(data)) this.pause('destination');
  }

  private checkChainPressure(): void {
    if (this.queued > CHAIN_HIGH_WATER) this.pause('chain');
  }

  private pause(reason: PauseReason): void {
    if (this.pauses.has(reason)) return;
    this.pauses.add(reason);
    this.source.pause();
  }

  private resume(reason: PauseReason): void {
    if (!this.pauses.delete(reason) || this.pauses.size > 0) return;
    if (!this.closed.aborted) this.source.resume();
  }
}
