/**
 * Rebound's own metrics while a run goes (`rebound run --metrics`), in the Prometheus text format
 * through prom-client, on a registry of their own (never the global one):
 *
 * | metric                               | type      | labels          | what                                                   |
 * |--------------------------------------|-----------|-----------------|--------------------------------------------------------|
 * | rebound_requests_total               | counter   | phase, outcome  | requests of the load; outcome `success` or a failure kind (http_status, timeout, connection_refused, connection_reset, dropped, other) |
 * | rebound_request_duration_seconds     | histogram | phase           | latency from the scheduled send (no coordinated omission) |
 * | rebound_phase                        | gauge     | phase           | 1 for the phase running now, 0 for the others          |
 * | rebound_active_faults                | gauge     |                 | faults applied and not yet reverted                    |
 * | rebound_fault_active                 | gauge     | fault, kind     | 1 while that fault is applied                          |
 * | rebound_success_ratio                | gauge     |                 | success ratio of the last second of completed requests (NaN before any) |
 * | rebound_pods_ready                   | gauge     | namespace       | Ready pods the run's pod watches see                   |
 * | rebound_run_info                     | gauge     | experiment      | 1 while the run goes                                   |
 *
 * `phase` is `none` outside every phase (before the first, during the drain).
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Sample } from '../load/sample.ts';
import { latencyMs } from '../load/sample.ts';
import type { LiveProgress, RunObserver } from '../runner/run-state.ts';
import type { RunEvent } from '../timeline/events.ts';

export const LATENCY_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const NO_PHASE = 'none';

export class RunMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'phase' | 'outcome'>;
  private readonly latency: Histogram<'phase'>;
  private readonly phase: Gauge<'phase'>;
  private readonly activeFaults: Gauge;
  private readonly faultActive: Gauge<'fault' | 'kind'>;
  private readonly successRatio: Gauge;
  private readonly podsReady: Gauge<'namespace'>;
  private readonly active = new Map<string, string>();
  private readonly ready = new Map<string, Set<string>>();

  constructor(experiment: { readonly name: string; readonly phases: readonly { readonly name: string }[] }) {
    const registers = [this.registry];
    this.requests = new Counter({ name: 'rebound_requests_total', help: 'Requests of the load by phase and outcome (success or the failure kind).', labelNames: ['phase', 'outcome'], registers });
    this.latency = new Histogram({ name: 'rebound_request_duration_seconds', help: 'Request latency from the scheduled send, by phase.', labelNames: ['phase'], buckets: LATENCY_BUCKETS_SECONDS, registers });
    this.phase = new Gauge({ name: 'rebound_phase', help: '1 for the phase running now, 0 for the others.', labelNames: ['phase'], registers });
    this.activeFaults = new Gauge({ name: 'rebound_active_faults', help: 'Faults applied and not yet reverted.', registers });
    this.faultActive = new Gauge({ name: 'rebound_fault_active', help: '1 while the fault is applied.', labelNames: ['fault', 'kind'], registers });
    this.successRatio = new Gauge({ name: 'rebound_success_ratio', help: 'Success ratio over the last second of completed requests.', registers });
    this.podsReady = new Gauge({ name: 'rebound_pods_ready', help: 'Ready pods seen by the run pod watches, by namespace.', labelNames: ['namespace'], registers });
    new Gauge({ name: 'rebound_run_info', help: 'The experiment being run.', labelNames: ['experiment'], registers }).set({ experiment: experiment.name }, 1);
    for (const { name } of experiment.phases) this.phase.set({ phase: name }, 0);
    this.activeFaults.set(0);
    this.successRatio.set(Number.NaN);
  }

  onSample(sample: Sample, phase: string | undefined): void {
    const labels = { phase: phase ?? NO_PHASE };
    this.requests.inc({ ...labels, outcome: sample.ok ? 'success' : (sample.failure ?? 'other') });
    if (sample.failure !== 'dropped') this.latency.observe(labels, Math.max(0, latencyMs(sample)) / 1000);
  }

  onEvent(event: RunEvent): void {
    switch (event.kind) {
      case 'phase-started':
        if (event.phase) this.phase.set({ phase: event.phase }, 1);
        break;
      case 'phase-ended':
        if (event.phase) this.phase.set({ phase: event.phase }, 0);
        break;
      case 'fault-applied':
        if (event.faultId) this.setFault(event.faultId, String(event.data?.kind ?? 'fault'), true);
        break;
      case 'fault-reverted':
        if (event.faultId) this.setFault(event.faultId, this.active.get(event.faultId) ?? String(event.data?.kind ?? 'fault'), false);
        break;
      case 'pod-ready':
      case 'pod-not-ready':
      case 'pod-deleted': {
        const namespace = event.data?.namespace;
        const pod = event.data?.pod;
        if (typeof namespace !== 'string' || typeof pod !== 'string') break;
        const set = this.ready.get(namespace) ?? new Set<string>();
        if (event.kind === 'pod-ready') set.add(pod);
        else set.delete(pod);
        this.ready.set(namespace, set);
        this.podsReady.set({ namespace }, set.size);
        break;
      }
      default:
        break;
    }
  }

  onProgress(progress: LiveProgress): void {
    this.successRatio.set(progress.successRatio ?? Number.NaN);
  }

  /** The observer hooks that feed these metrics. */
  observer(): Required<Pick<RunObserver, 'onSample' | 'onEvent' | 'onProgress'>> {
    return {
      onSample: (sample, phase) => this.onSample(sample, phase),
      onEvent: (event) => this.onEvent(event),
      onProgress: (progress) => this.onProgress(progress),
    };
  }

  private setFault(id: string, kind: string, applied: boolean): void {
    if (applied) this.active.set(id, kind);
    else this.active.delete(id);
    this.faultActive.set({ fault: id, kind }, applied ? 1 : 0);
    this.activeFaults.set(this.active.size);
  }
}

/** Both observers see every hook (a live line and the metrics, say). */
export function combineObservers(first: RunObserver, second: RunObserver): RunObserver {
  const hooks = ['onEvent', 'onProgress', 'onNote', 'onStep', 'onSample'] as const;
  const combined: Record<string, unknown> = {};
  for (const hook of hooks) {
    const a = first[hook] as ((...args: unknown[]) => void) | undefined;
    const b = second[hook] as ((...args: unknown[]) => void) | undefined;
    if (a && b) {
      combined[hook] = (...args: unknown[]) => {
        a.apply(first, args);
        b.apply(second, args);
      };
    } else if (a ?? b) combined[hook] = (a ?? b)!.bind(a ? first : second);
  }
  return combined as RunObserver;
}
