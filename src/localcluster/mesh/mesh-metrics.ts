import { Counter, Histogram, Registry } from 'prom-client';
import type { Workload } from './upstream-cluster.ts';

/**
 * Istio's standard request metrics, with Istio's label set (every label always present,
 * `unknown` where the plane cannot know) and Envoy's default histogram buckets.
 */
export const DURATION_BUCKETS_MS = [0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000];

const LABELS = [
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
  readonly responseCode: number;
  readonly responseFlags: readonly string[];
  readonly grpcStatus?: string;
  readonly durationMs: number;
}

export const LOCAL_CLUSTER_ID = 'Kubernetes';

export class MeshMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<(typeof LABELS)[number]>;
  private readonly durations: Histogram<(typeof LABELS)[number]>;

  constructor() {
    this.requests = new Counter({ name: 'istio_requests_total', help: 'Requests through the mesh (Istio standard metric).', labelNames: LABELS, registers: [this.registry] });
    this.durations = new Histogram({ name: 'istio_request_duration_milliseconds', help: 'Request duration in milliseconds (Istio standard metric).', labelNames: LABELS, buckets: DURATION_BUCKETS_MS, registers: [this.registry] });
  }

  record(sample: RequestSample): void {
    const d = sample.destination;
    const labels: Labels = {
      reporter: sample.reporter,
      // the plane cannot tell which local process opened a loopback connection
      source_workload: 'unknown',
      source_workload_namespace: 'unknown',
      source_principal: 'unknown',
      source_app: 'unknown',
      source_version: 'unknown',
      source_canonical_service: 'unknown',
      source_canonical_revision: 'latest',
      source_cluster: 'unknown',
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
      response_flags: sample.responseFlags.length === 0 ? '-' : sample.responseFlags.join(','),
      connection_security_policy: sample.reporter === 'source' ? 'unknown' : 'none',
    };
    this.requests.inc(labels);
    this.durations.observe(labels, sample.durationMs);
  }

  /** Prometheus text exposition. */
  exposition(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
