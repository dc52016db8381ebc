/** Opening `target.prometheus`: connect to a URL, or start the embedded server; either way check that it answers. */
import { InfraError } from '../errors.ts';
import type { PrometheusTarget } from '../experiment/resolved.ts';
import type { KubeAccess } from '../faults/kube.ts';
import type { JournalProcess } from '../runner/journal.ts';
import { findPrometheusBinary } from './binary.ts';
import { PrometheusClient } from './client.ts';
import type { ScrapeTarget } from './config.ts';
import { EmbeddedPrometheus } from './server.ts';
import { listPodScrapeTargets, PodTargetRefresher } from './targets.ts';

export interface PrometheusConnection {
  readonly client: PrometheusClient;
  readonly url: string;
  readonly embedded: boolean;
  readonly version: string;
  /** The embedded server's, `target.prometheus.scrapeInterval`, or the server's global scrape_interval. */
  readonly scrapeIntervalMs: number;
  /** What the embedded server scrapes, one line each (empty for a URL). */
  readonly scrapes: readonly string[];
}

export interface OpenPrometheusDeps {
  /** The local plane (its annotated pods are scraped by the embedded server). */
  readonly localPlane?: { readonly access: KubeAccess; readonly namespace: string };
  /** Fixed targets: Rebound's --metrics endpoint, the mesh metrics endpoint. */
  readonly scrapeTargets: readonly ScrapeTarget[];
  readonly onSpawn?: (record: JournalProcess) => Promise<void>;
  readonly signal?: AbortSignal;
  readonly env?: NodeJS.ProcessEnv;
}

export async function openPrometheus(target: PrometheusTarget, deps: OpenPrometheusDeps): Promise<{ connection: PrometheusConnection; close: () => Promise<void> }> {
  if (target.mode === 'url') {
    const client = new PrometheusClient(target.url, { headers: target.headers });
    const version = await answers(client, deps.signal, `Prometheus at ${target.url}`);
    const scrapeIntervalMs = target.scrapeIntervalMs ?? (await client.scrapeIntervalMs(deps.signal)) ?? 60_000;
    return { connection: { client, url: target.url, embedded: false, version, scrapeIntervalMs, scrapes: [] }, close: async () => undefined };
  }
  // Before anything starts: a missing binary is exit 4 with how to install it.
  const binary = findPrometheusBinary(target.binary, deps.env);
  const server = await EmbeddedPrometheus.start({
    binary,
    scrapeIntervalMs: target.scrapeIntervalMs,
    targets: deps.scrapeTargets,
    ...(deps.onSpawn ? { onSpawn: deps.onSpawn } : {}),
    ...(deps.signal ? { signal: deps.signal } : {}),
  });
  let refresher: PodTargetRefresher | undefined;
  const close = async () => {
    await refresher?.stop();
    await server.stop();
  };
  try {
    const client = server.client();
    const version = await answers(client, deps.signal, `the embedded Prometheus (${binary})`);
    const scrapes = deps.scrapeTargets.map((t) => `${t.job}: http://${t.address}${t.metricsPath ?? '/metrics'}`);
    const plane = deps.localPlane;
    if (plane) {
      refresher = new PodTargetRefresher(server, () => listPodScrapeTargets(plane.access, plane.namespace), Math.max(500, target.scrapeIntervalMs));
      await refresher.start();
      scrapes.push(`kubernetes-pods: pods of namespace ${plane.namespace} annotated prometheus.io/scrape: "true"`);
    }
    // Discovery hands targets to the scrapers in 5-second batches: the run starts once they are scraped.
    const missing = await server.waitForTargets(deps.scrapeTargets.length + server.podTargets, 20_000, deps.signal);
    if (missing.length > 0 && !deps.signal?.aborted) throw new InfraError(`the embedded Prometheus did not scrape its targets within 20 s: ${missing.join(', ')}`);
    return { connection: { client, url: server.url, embedded: true, version, scrapeIntervalMs: target.scrapeIntervalMs, scrapes }, close };
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}

async function answers(client: PrometheusClient, signal: AbortSignal | undefined, what: string): Promise<string> {
  try {
    return (await client.buildInfo(signal)).version;
  } catch (error) {
    throw new InfraError(`${what} does not answer: ${error instanceof Error ? error.message : String(error)}`, 'check target.prometheus.url (and its headers), or use "embedded: true"');
  }
}
