/**
 * Where on the run clock the harness was late: per window, the highest load-driver send lag and
 * runner event-loop delay. Bounded: when a run outgrows MAX_WINDOWS the window width doubles and
 * neighbouring windows merge (a maximum merges exactly), so a long run costs the same as a short one.
 */
export const MAX_WINDOWS = 3600;

export interface HarnessWindowsSnapshot {
  readonly windowMs: number;
  readonly sendLagMaxMs: number[];
  readonly eventLoopDelayMaxMs: number[];
}

export class HarnessWindows {
  private windowMs: number;
  private readonly sendLag: number[] = [];
  private readonly loopDelay: number[] = [];

  constructor(windowMs = 1000, private readonly maxWindows = MAX_WINDOWS) {
    if (!(windowMs > 0) || !(maxWindows >= 2)) throw new RangeError(`windowMs must be > 0 and maxWindows ≥ 2, got ${windowMs}, ${maxWindows}`);
    this.windowMs = windowMs;
  }

  /** Send lag of a request, attributed to its scheduled time. */
  recordSendLag(scheduledMs: number, lagMs: number): void {
    this.record(this.sendLag, scheduledMs, lagMs);
  }

  /** An event-loop delay observed at `atMs` on the run clock. */
  recordLoopDelay(atMs: number, delayMs: number): void {
    this.record(this.loopDelay, atMs, delayMs);
  }

  snapshot(): HarnessWindowsSnapshot {
    const length = Math.max(this.sendLag.length, this.loopDelay.length);
    const filled = (values: number[]) => Array.from({ length }, (_, i) => round(values[i] ?? 0));
    return { windowMs: this.windowMs, sendLagMaxMs: filled(this.sendLag), eventLoopDelayMaxMs: filled(this.loopDelay) };
  }

  private record(into: number[], atMs: number, value: number): void {
    if (!(atMs >= 0) || !Number.isFinite(value)) return;
    let index = Math.floor(atMs / this.windowMs);
    while (index >= this.maxWindows) {
      this.coarsen();
      index = Math.floor(atMs / this.windowMs);
    }
    while (into.length <= index) into.push(0);
    if (value > into[index]!) into[index] = value;
  }

  private coarsen(): void {
    for (const values of [this.sendLag, this.loopDelay]) {
      const merged: number[] = [];
      for (let i = 0; i < values.length; i += 2) merged.push(Math.max(values[i]!, values[i + 1] ?? 0));
      values.splice(0, values.length, ...merged);
    }
    this.windowMs *= 2;
  }
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
