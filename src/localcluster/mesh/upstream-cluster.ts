import { Pool } from 'undici';
import type { KubeObject } from '../api/kube-object.ts';
import { ConnectionPool } from './connection-pool.ts';
import { createLoadBalancer, type BalancedHost, type LoadBalancer } from './load-balancer.ts';
import { OutlierDetector } from './outlier-detection.ts';
import type { Random } from './random.ts';
import type { TrafficPolicy } from './traffic-policy.ts';

/** What the metrics need to know about the pod behind a host. */
export interface Workload {
  readonly namespace: string;
  /** The Deployment's name for pods of a ReplicaSet, else the pod's name. */
  readonly workload: string;
  readonly app: string;
  readonly version: string;
  readonly canonicalService: string;
  readonly canonicalRevision: string;
}

export interface UpstreamHost extends BalancedHost {
  readonly key: string;
  readonly podName: string;
  readonly port: number;
  readonly workload: Workload;
}

export function workloadOf(pod: KubeObject): Workload {
  const labels = pod.metadata.labels ?? {};
  const owner = pod.metadata.ownerReferences?.find((ref) => ref.controller);
  const hash = labels['pod-template-hash'];
  let workload = pod.metadata.name ?? 'unknown';
  if (owner?.kind === 'ReplicaSet') workload = hash && owner.name.endsWith(`-${hash}`) ? owner.name.slice(0, -hash.length - 1) : owner.name;
  else if (owner) workload = owner.name;
  const app = labels['app.kubernetes.io/name'] ?? labels.app ?? 'unknown';
  const version = labels['app.kubernetes.io/version'] ?? labels.version ?? 'unknown';
  return {
    namespace: pod.metadata.namespace ?? 'unknown',
    workload,
    app,
    version,
    canonicalService: labels['service.istio.io/canonical-name'] ?? (app !== 'unknown' ? app : workload),
    canonicalRevision: labels['service.istio.io/canonical-revision'] ?? (version !== 'unknown' ? version : 'latest'),
  };
}

export interface ClusterEndpoint {
  readonly pod: KubeObject;
  readonly port: number;
}

/**
 * One Envoy cluster (`outbound|port|subset|fqdn`): its Ready endpoints, balancer, circuit
 * breakers, outlier detector and upstream connection agent. State lives as long as the
 * cluster's policy is unchanged.
 */
export class UpstreamCluster {
  readonly balancer: LoadBalancer;
  readonly pool: ConnectionPool;
  readonly outlier: OutlierDetector | undefined;
  /** One keep-alive connection pool per host port. */
  private readonly pools = new Map<number, Pool>();
  private readonly byKey = new Map<string, UpstreamHost>();
  private current: UpstreamHost[] = [];
  private generation = -1;

  constructor(
    readonly name: string,
    readonly policy: TrafficPolicy,
    private readonly endpoints: () => { generation: number; list: () => ClusterEndpoint[] },
    random: Random,
  ) {
    this.balancer = createLoadBalancer(policy.loadBalancer, random);
    this.pool = new ConnectionPool(policy.connectionPool);
    this.outlier = policy.outlierDetection ? new OutlierDetector(policy.outlierDetection, () => this.hosts().map((h) => h.key)) : undefined;
    this.outlier?.start();
  }

  hosts(): readonly UpstreamHost[] {
    const source = this.endpoints();
    if (source.generation === this.generation) return this.current;
    this.generation = source.generation;
    const next: UpstreamHost[] = [];
    for (const { pod, port } of source.list()) {
      const key = `${pod.metadata.name}:${port}`;
      let host = this.byKey.get(key);
      if (!host) {
        host = { key, podName: pod.metadata.name ?? '', port, workload: workloadOf(pod), activeRequests: 0 };
        this.byKey.set(key, host);
      }
      next.push(host);
    }
    for (const key of this.byKey.keys()) if (!next.some((h) => h.key === key)) this.byKey.delete(key);
    // a pod that left takes its connections with it, once their requests are done
    for (const [port, pool] of this.pools) {
      if (next.some((h) => h.port === port)) continue;
      this.pools.delete(port);
      void pool.close().catch(() => {});
    }
    this.current = next;
    return next;
  }

  /**
   * Hosts to balance over: not ejected, unless fewer than the panic threshold are healthy
   * (Istio's minHealthPercent, default 0 = never panic), in which case all of them.
   */
  eligibleHosts(): readonly UpstreamHost[] {
    const all = this.hosts();
    if (!this.outlier || this.outlier.ejectedCount() === 0) return all;
    const healthy = all.filter((h) => !this.outlier!.isEjected(h.key));
    const threshold = this.policy.outlierDetection?.panicThresholdPercent ?? 0;
    if (all.length > 0 && (100 * healthy.length) / all.length < threshold) return all;
    return healthy;
  }

  /** The connection pool of a host: HTTP/1.1, no pipelining, the cluster's connect timeout and requests per connection. */
  hostConnections(port: number): Pool {
    let pool = this.pools.get(port);
    if (!pool) {
      const limits = this.policy.connectionPool;
      pool = new Pool(`http://127.0.0.1:${port}`, {
        pipelining: 1,
        connectTimeout: limits.connectTimeoutMs,
        // Envoy has no response timeouts of its own here; the route's timeouts apply
        headersTimeout: 0,
        bodyTimeout: 0,
        ...(limits.maxRequestsPerConnection > 0 ? { maxRequestsPerClient: limits.maxRequestsPerConnection } : {}),
      });
      this.pools.set(port, pool);
    }
    return pool;
  }

  /** `drain`: requests in flight finish first (a policy change); otherwise connections are cut (shutdown). */
  close(drain = false): void {
    this.outlier?.stop();
    for (const pool of this.pools.values()) void (drain ? pool.close() : pool.destroy()).catch(() => {});
    this.pools.clear();
  }
}
