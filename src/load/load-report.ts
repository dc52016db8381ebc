import { DenseLatencyHistogram } from '../timeline/latency-histogram.ts';
import { Timeline, type LatencySummary } from '../timeline/timeline.ts';
import type { LoadSummary } from './load-driver.ts';
import type { FailureKind, Sample } from './sample.ts';

/** What `rebound load` reports (also its --json shape). Latencies in ms. */
export interface LoadReport {
  readonly url: string;
  readonly mode: 'open' | 'closed';
  /** Target rate per second (open mode only). */
  readonly targetRate?: number;
  readonly connections: number;
  readonly timeoutMs: number;
  /** Planned duration and how long scheduling actually ran. */
  readonly durationMs: number;
  readonly elapsedMs: number;
  /** Samples recorded (sent + dropped). */
  readonly requests: number;
  readonly scheduled: number;
  readonly sent: number;
  readonly dropped: number;
  readonly successes: number;
  readonly successRatio: number;
  /** Achieved rate per second: requests scheduled in the run / scheduling time. */
  readonly rate: number;
  readonly failures: Partial<Record<FailureKind, number>>;
  /** From the scheduled time (open model: what users feel; closed model equals serviceTime). */
  readonly latency: LatencySummary | null;
  /** From the send time. */
  readonly serviceTime: LatencySummary | null;
  readonly servedBy: Record<string, number>;
  readonly interrupted: boolean;
  /** First transport error seen, when any. */
  readonly firstError?: string;
}

/** Collects samples for a standalone load run: the timeline plus a run-wide service-time histogram. */
export class LoadRecorder {
  readonly timeline: Timeline;
  private readonly service = new DenseLatencyHistogram();

  constructor(bucketMs = 100) {
    this.timeline = new Timeline(bucketMs);
  }

  /** Bound sink, to pass as onSample. */
  readonly record = (sample: Sample): void => {
    this.timeline.record(sample);
    if (sample.failure !== 'dropped') this.service.recordUs((sample.endMs - sample.sentMs) * 1000);
  };

  report(base: {
    url: string;
    mode: 'open' | 'closed';
    targetRate?: number;
    connections: number;
    timeoutMs: number;
    durationMs: number;
    elapsedMs: number;
    summary: LoadSummary;
    interrupted: boolean;
  }): LoadReport {
    const all = this.timeline.summarize(0, Infinity);
    const extra = base.summary.extra ?? {};
    const elapsedS = Math.max(base.elapsedMs, 1) / 1000;
    const firstError = typeof extra.firstError === 'string' ? extra.firstError : undefined;
    return {
      url: base.url,
      mode: base.mode,
      ...(base.targetRate !== undefined ? { targetRate: base.targetRate } : {}),
      connections: base.connections,
      timeoutMs: base.timeoutMs,
      durationMs: base.durationMs,
      elapsedMs: round(base.elapsedMs, 1),
      requests: all.total,
      scheduled: base.summary.scheduled,
      sent: typeof extra.sent === 'number' ? extra.sent : all.total - base.summary.dropped,
      dropped: base.summary.dropped,
      successes: all.successes,
      successRatio: all.total === 0 ? 0 : round(all.successes / all.total, 6),
      rate: round(base.summary.scheduled / elapsedS, 2),
      failures: all.failuresByKind,
      latency: all.latency,
      serviceTime: summarize(this.service),
      servedBy: all.servedBy,
      interrupted: base.interrupted,
      ...(firstError !== undefined ? { firstError } : {}),
    };
  }
}

function summarize(histogram: DenseLatencyHistogram): LatencySummary | null {
  if (histogram.totalCount === 0) return null;
  const ms = (us: number) => Math.round(us) / 1000;
  const [p50, p90, p95, p99] = histogram.valuesAtPercentilesUs([50, 90, 95, 99]);
  return { p50: ms(p50!), p90: ms(p90!), p95: ms(p95!), p99: ms(p99!), max: ms(histogram.maxUs), mean: ms(histogram.meanUs) };
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
