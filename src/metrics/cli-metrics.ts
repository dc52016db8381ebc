/** What `rebound run --metrics` sets up: the metrics, their loopback endpoint, and the scrape target for an embedded Prometheus. */
import type { ScrapeTarget } from '../prometheus/config.ts';
import { reboundScrapeTarget } from '../prometheus/targets.ts';
import type { RunObserver } from '../runner/run-state.ts';
import { startMetricsServer, type MetricsAddress } from './metrics-server.ts';
import { RunMetrics } from './run-metrics.ts';

export interface RunMetricsEndpoint {
  readonly url: string;
  readonly observer: RunObserver;
  readonly scrapeTargets: readonly ScrapeTarget[];
  close(): Promise<void>;
}

export async function startRunMetrics(at: MetricsAddress, experiment: { readonly name: string; readonly phases: readonly { readonly name: string }[] }): Promise<RunMetricsEndpoint> {
  const metrics = new RunMetrics(experiment);
  const server = await startMetricsServer(metrics.registry, at);
  return { url: server.url, observer: metrics.observer(), scrapeTargets: [reboundScrapeTarget(server.address)], close: () => server.close() };
}
