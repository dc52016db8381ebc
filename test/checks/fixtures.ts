/** Hand-built runs for check tests: a real Timeline fed with synthetic Samples, plus phases, faults, events. */
import type { CheckContext } from '../../src/checks/check-kind.ts';
import type { CheckSpec, ResolvedCheck } from '../../src/experiment/resolved.ts';
import type { FailureKind, Sample } from '../../src/load/sample.ts';
import type { FaultResult, PhaseResult } from '../../src/result/result.ts';
import type { RunEvent } from '../../src/timeline/events.ts';
import { Timeline } from '../../src/timeline/timeline.ts';

export const BUCKET_MS = 100;

export interface Traffic {
  /** Requests per bucket. */
  readonly perBucket?: number;
  /** Is the request scheduled at `t` (run-clock ms) a success? */
  readonly ok?: (t: number) => boolean;
  readonly latencyMs?: (t: number) => number;
  readonly servedBy?: (t: number, i: number) => string | undefined;
  readonly failure?: FailureKind;
}

/** Records requests spread evenly over [fromMs, toMs). */
export function feed(timeline: Timeline, fromMs: number, toMs: number, traffic: Traffic = {}): void {
  const perBucket = traffic.perBucket ?? 10;
  const step = BUCKET_MS / perBucket;
  let i = 0;
  for (let t = fromMs; t < toMs - 1e-9; t += step, i++) {
    const ok = traffic.ok ? traffic.ok(t) : true;
    const latency = traffic.latencyMs ? traffic.latencyMs(t) : 5;
    const servedBy = traffic.servedBy?.(t, i);
    const sample: Sample = {
      scheduledMs: t,
      sentMs: t,
      endMs: t + latency,
      ok,
      ...(ok ? { status: 200 } : { failure: traffic.failure ?? 'connection_refused' }),
      ...(servedBy !== undefined ? { servedBy } : {}),
    };
    timeline.record(sample);
  }
}

export function phase(name: string, startMs: number, endMs: number): PhaseResult {
  return {
    name,
    startMs,
    endMs,
    startedAt: new Date(startMs).toISOString(),
    endedAt: new Date(endMs).toISOString(),
    total: 0,
    successes: 0,
    failures: 0,
    failuresByKind: {},
    successRatio: null,
    latency: null,
    servedBy: {},
    faults: [],
  };
}

/** baseline [0,10s) · outage [10s,20s) · recovery [20s,30s). */
export const THREE_PHASES = [phase('baseline', 0, 10_000), phase('outage', 10_000, 20_000), phase('recovery', 20_000, 30_000)];

export function fault(partial: Partial<FaultResult> & Pick<FaultResult, 'id' | 'phase'>): FaultResult {
  return { kind: 'proxy-down', target: 'proxy payments-primary', description: 'proxy down', ...partial };
}

export function context(timeline: Timeline, extra: Partial<CheckContext> = {}): CheckContext {
  return { timeline, phases: THREE_PHASES, faults: [], events: [], loadEndMs: 30_000, runStartEpochMs: 0, signal: new AbortController().signal, ...extra };
}

export function check<S extends CheckSpec>(spec: S, extra: Partial<ResolvedCheck> = {}): ResolvedCheck & { spec: S } {
  return { name: `${spec.kind} check`, strict: true, minSamples: 20, ...extra, spec } as ResolvedCheck & { spec: S };
}

export function podEvent(kind: 'pod-created' | 'pod-ready' | 'pod-not-ready' | 'pod-deleted', atMs: number, pod: string, labels = 'app=payments', namespace = 'shop'): RunEvent {
  return { kind, atMs, at: new Date(atMs).toISOString(), message: `${kind} ${pod}`, data: { pod, namespace, labels } };
}
