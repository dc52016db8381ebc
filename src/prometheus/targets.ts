/**
 * What the embedded Prometheus scrapes besides fixed endpoints: the local plane's pods that carry
 * the usual `prometheus.io/scrape: "true"`, `prometheus.io/port`, `prometheus.io/path` annotations
 * (read through the Kubernetes API; each local pod is reached on its loopback port, annotation
 * `rebound.dev/local-port`), Rebound's own `--metrics` endpoint, and the local plane's mesh
 * metrics endpoint when it exposes one.
 */
import type { V1Pod } from '@kubernetes/client-node';
import type { KubeAccess } from '../faults/kube.ts';
import { POD_LOCAL_PORT_ANNOTATION, resolvePodPort } from '../localcluster/kubelet/port-mapping.ts';
import type { ScrapeTarget } from './config.ts';
import { delay, type EmbeddedPrometheus } from './server.ts';

export const SCRAPE_ANNOTATION = 'prometheus.io/scrape';
export const PORT_ANNOTATION = 'prometheus.io/port';
export const PATH_ANNOTATION = 'prometheus.io/path';

/** Rebound's own metrics endpoint (`rebound run --metrics`), job `rebound`. */
export function reboundScrapeTarget(address: string): ScrapeTarget {
  return { job: 'rebound', address };
}

/**
 * The mesh metrics endpoint of the local plane (istio_requests_total, …), when it exposes one:
 * a URL like `http://127.0.0.1:PORT/stats/prometheus`. Job `istio-mesh`, as a real cluster's
 * Prometheus would label Envoy's stats.
 */
export function meshScrapeTarget(url: string | undefined): ScrapeTarget | undefined {
  if (url === undefined) return undefined;
  const parsed = new URL(url);
  return { job: 'istio-mesh', address: parsed.host, metricsPath: parsed.pathname === '/' ? '/metrics' : parsed.pathname };
}

/** The scrape target of one local-plane pod, when it asks to be scraped and is running. */
export function podScrapeTarget(pod: V1Pod): ScrapeTarget | undefined {
  const annotations = pod.metadata?.annotations ?? {};
  if (annotations[SCRAPE_ANNOTATION] !== 'true') return undefined;
  if (pod.metadata?.deletionTimestamp || pod.status?.phase !== 'Running') return undefined;
  const local = Number(annotations[POD_LOCAL_PORT_ANNOTATION]);
  const localPort = Number.isInteger(local) && local > 0 ? local : undefined;
  const port = resolvePodPort(pod.spec, localPort, annotations[PORT_ANNOTATION]);
  if (port === undefined) return undefined;
  const name = pod.metadata?.name ?? 'unknown';
  const namespace = pod.metadata?.namespace ?? 'default';
  const app = pod.metadata?.labels?.app;
  return {
    job: 'kubernetes-pods',
    address: `127.0.0.1:${port}`,
    metricsPath: annotations[PATH_ANNOTATION] || '/metrics',
    labels: { namespace, pod: name, ...(app !== undefined ? { app } : {}) },
  };
}

export async function listPodScrapeTargets(access: KubeAccess, namespace: string): Promise<ScrapeTarget[]> {
  const list = await access.core.listNamespacedPod({ namespace });
  return list.items
    .map(podScrapeTarget)
    .filter((t): t is ScrapeTarget => t !== undefined)
    .sort((a, b) => a.address.localeCompare(b.address));
}

/**
 * Keeps the embedded Prometheus's pods job in step with the plane (a killed pod's replacement has
 * another port): lists the annotated pods every `everyMs` until stopped. Errors are kept, not thrown.
 */
export class PodTargetRefresher {
  lastError: string | undefined;
  private readonly controller = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(
    private readonly server: EmbeddedPrometheus,
    private readonly list: () => Promise<ScrapeTarget[]>,
    private readonly everyMs: number,
  ) {}

  /** One refresh now (awaited), then the periodic ones. */
  async start(): Promise<void> {
    await this.refresh();
    const signal = this.controller.signal;
    this.loop = (async () => {
      while (!signal.aborted) {
        await delay(this.everyMs, signal);
        if (!signal.aborted) await this.refresh();
      }
    })();
  }

  async stop(): Promise<void> {
    this.controller.abort();
    await this.loop;
  }

  private async refresh(): Promise<void> {
    try {
      await this.server.setPodTargets(await this.list());
      this.lastError = undefined;
    } catch (error) {
      this.lastError = error instanceof Error ? error.message : String(error);
    }
  }
}
