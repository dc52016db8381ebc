import { Registry, type Metric } from 'prom-client';
import type { Workload } from './upstream-cluster.ts';

/**
 * Istio's standard request metrics, with Istio's label set (every label always present,
 * `unknown` where the plane cannot know) and Envoy's default histogram buckets.
 */
export const DURATION_BUCKETS_MS = [0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000];

/** Istio's label names, in its order (every sample carries all of them). */
export const LABELS = [
  'reporter',
  'source_workload',
  'source_workload_namespace',
  'source_principal',
  'source_app',
  'source_version',
  'source_canonical_service',
  'source_canonical_revision',
  'source_cluster',
  'destination_workload',
  'destination_workload_namespace',
  'destination_principal',
  'destination_app',
  'destination_version',
  'destination_service',
  'destination_service_name',
  'destination_service_namespace',
  'destination_canonical_service',
  'destination_canonical_revision',
  'destination_cluster',
  'request_protocol',
  'response_code',
  'grpc_response_status',
  'response_flags',
  'connection_security_policy',
] as const;

type Labels = Record<(typeof LABELS)[number], string>;

/** One request (reporter source) or one attempt (reporter destination). */
export interface RequestSample {
  readonly reporter: 'source' | 'destination';
  readonly destinationService: { readonly fqdn: string; readonly name: string; readonly namespace: string };
  /** Undefined when no upstream host answered (aborted by a fault, no healthy host, …). */
  readonly destination?: Workload;
  /** The local pod that sent the request; undefined for a client outside the plane's pods. */
  readonly source?: Workload;
  readonly responseCode: number;
  readonly responseFlags: readonly string[];
  readonly grpcStatus?: string;
  readonly durationMs: number;
}

export const LOCAL_CLUSTER_ID = 'Kubernetes';

/** Envoy prints response flags in the order of its flag bits (e.g. `UF,URX`, `DI,FI`). */
const ENVOY_FLAG_ORDER = ['LH', 'UH', 'UT', 'LR', 'UR', 'UF', 'UC', 'UO', 'NR', 'DI', 'FI', 'RL', 'UAEX', 'RLSE', 'DC', 'URX', 'SI', 'IH', 'DPE', 'UMSDR', 'RFCF', 'NFCF', 'DT', 'UPE', 'NC'];

/** `%RESPONSE_FLAGS%` as Envoy writes it: `-` for none, else unique flags in Envoy's order. */
export function responseFlagsLabel(flags: readonly string[]): string {
  if (flags.length === 0) return '-';
  return [...new Set(flags)].sort((a, b) => ENVOY_FLAG_ORDER.indexOf(a) - ENVOY_FLAG_ORDER.indexOf(b)).join(',');
}

/** One label set's running totals. */
interface Series {
  readonly labels: Labels;
  count: number;
  sum: number;
  /** Per bucket (not cumulative); the last slot is +Inf. */
  readonly buckets: number[];
}

interface MetricValue {
  readonly metricName?: string;
  readonly labels: Record<string, string | number>;
  readonly value: number;
}

/**
 * Requests are aggregated here under a short key (a Map lookup per request) and handed to
 * prom-client's registry as ready-made values at scrape time: prom-client's own
 * Counter/Histogram hash all 25 labels on every observation, which costs more than the rest
 * of the mesh's bookkeeping together.
 */
export class MeshMetrics {
  readonly registry = new Registry();
  private readonly series = new Map<string, Series>();

  constructor() {
    this.registry.registerMetric(this.metric('istio_requests_total', 'Requests through the mesh (Istio standard metric).', 'counter', () => this.counterValues()));
    this.registry.registerMetric(this.metric('istio_request_duration_milliseconds', 'Request duration in milliseconds (Istio standard metric).', 'histogram', () => this.histogramValues()));
  }

  /** Samples waiting for their source: a scrape waits for them, so it counts every finished request. */
  private readonly pending = new Set<Promise<void>>();

  /** Records the sample once `ready` settles (it is bounded by whoever made it). */
  recordWhen(ready: Promise<void>, sample: () => RequestSample): void {
    const recorded = ready.then(() => this.record(sample())).finally(() => this.pending.delete(recorded));
    this.pending.add(recorded);
  }

  record(sample: RequestSample): void {
    const d = sample.destination;
    const flags = responseFlagsLabel(sample.responseFlags);
    const src = sample.source;
    const key = `${src ? `${src.namespace}/${src.workload}/${src.app}/${src.version}/${src.canonicalService}/${src.canonicalRevision}` : ''}|${sample.reporter}|${sample.destinationService.fqdn}|${d ? `${d.namespace}/${d.workload}/${d.app}/${d.version}/${d.canonicalService}/${d.canonicalRevision}` : ''}|${sample.responseCode}|${flags}|${sample.grpcStatus ?? ''}`;
    let series = this.series.get(key);
    if (!series) {
      series = { labels: labelsOf(sample, flags), count: 0, sum: 0, buckets: new Array(DURATION_BUCKETS_MS.length + 1).fill(0) };
      this.series.set(key, series);
    }
    series.count++;
    series.sum += sample.durationMs;
    let bucket = 0;
    while (bucket < DURATION_BUCKETS_MS.length && sample.durationMs > DURATION_BUCKETS_MS[bucket]!) bucket++;
    series.buckets[bucket]!++;
  }

  /** Prometheus text exposition. */
  async exposition(): Promise<string> {
    await Promise.all(this.pending);
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private counterValues(): MetricValue[] {
    return [...this.series.values()].map((s) => ({ labels: s.labels, value: s.count }));
  }

  private histogramValues(): MetricValue[] {
    const name = 'istio_request_duration_milliseconds';
    const out: MetricValue[] = [];
    for (const s of this.series.values()) {
      let cumulative = 0;
      DURATION_BUCKETS_MS.forEach((le, i) => {
        cumulative += s.buckets[i]!;
        out.push({ metricName: `${name}_bucket`, labels: { ...s.labels, le }, value: cumulative });
      });
      out.push({ metricName: `${name}_bucket`, labels: { ...s.labels, le: '+Inf' }, value: s.count });
      out.push({ metricName: `${name}_sum`, labels: s.labels, value: s.sum });
      out.push({ metricName: `${name}_count`, labels: s.labels, value: s.count });
    }
    return out;
  }

  /** A metric in the shape prom-client's registry formats (what its own metrics' get() return). */
  private metric(name: string, help: string, type: 'counter' | 'histogram', values: () => MetricValue[]): Metric {
    const metric = { name, help, type, aggregator: 'sum', get: async () => ({ name, help, type, aggregator: 'sum', values: values() }), reset: () => this.series.clear() };
    return metric as unknown as Metric;
  }
}

function labelsOf(sample: RequestSample, flags: string): Labels {
  const d = sample.destination;
  const src = sample.source;
  return {
    reporter: sample.reporter,
    source_workload: src?.workload ?? 'unknown',
    source_workload_namespace: src?.namespace ?? 'unknown',
    // no mTLS on the local plane, so no SPIFFE identity
    source_principal: 'unknown',
    source_app: src?.app ?? 'unknown',
    source_version: src?.version ?? 'unknown',
    source_canonical_service: src?.canonicalService ?? 'unknown',
    source_canonical_revision: src?.canonicalRevision ?? 'latest',
    source_cluster: src ? LOCAL_CLUSTER_ID : 'unknown',
    destination_workload: d?.workload ?? 'unknown',
    destination_workload_namespace: d?.namespace ?? 'unknown',
    destination_principal: 'unknown',
    destination_app: d?.app ?? 'unknown',
    destination_version: d?.version ?? 'unknown',
    destination_service: sample.destinationService.fqdn,
    destination_service_name: sample.destinationService.name,
    destination_service_namespace: d ? sample.destinationService.namespace : 'unknown',
    destination_canonical_service: d?.canonicalService ?? 'unknown',
    destination_canonical_revision: d?.canonicalRevision ?? 'latest',
    destination_cluster: d ? LOCAL_CLUSTER_ID : 'unknown',
    request_protocol: sample.grpcStatus === undefined ? 'http' : 'grpc',
    response_code: String(sample.responseCode),
    grpc_response_status: sample.grpcStatus ?? '',
    response_flags: flags,
    connection_security_policy: sample.reporter === 'source' ? 'unknown' : 'none',
  };
}
