/**
 * The embedded Prometheus's configuration: one static job per fixed scrape target (Rebound's own
 * `--metrics` endpoint, the local plane's mesh metrics endpoint) and one `kubernetes-pods` job fed
 * by a file (file_sd) that Rebound rewrites whenever the annotated pods change (a killed pod's
 * replacement gets another loopback port).
 */
import { stringify } from 'yaml';
import { promDuration } from './duration.ts';

export interface ScrapeTarget {
  /** The `job` label. */
  readonly job: string;
  /** host:port (loopback). */
  readonly address: string;
  /** Default /metrics. */
  readonly metricsPath?: string;
  /** Extra target labels (e.g. namespace, pod). */
  readonly labels?: Readonly<Record<string, string>>;
}

export interface ScrapeConfigOptions {
  readonly scrapeIntervalMs: number;
  /** Fixed targets, one static job each (jobs of the same name are merged). */
  readonly targets: readonly ScrapeTarget[];
  /** The file_sd file of the pods job; absent: no pods job. */
  readonly podsFile?: string;
}

/** prometheus.yml as text. */
export function scrapeConfigYaml(options: ScrapeConfigOptions): string {
  const interval = promDuration(options.scrapeIntervalMs);
  // scrape_timeout must not exceed the interval.
  const timeout = promDuration(Math.min(options.scrapeIntervalMs, 10_000));
  const jobs = new Map<string, { metricsPath: string; groups: { targets: string[]; labels?: Record<string, string> }[] }>();
  for (const target of options.targets) {
    const key = `${target.job}\u0000${target.metricsPath ?? '/metrics'}`;
    const job = jobs.get(key) ?? { metricsPath: target.metricsPath ?? '/metrics', groups: [] };
    job.groups.push({ targets: [target.address], ...(target.labels && Object.keys(target.labels).length > 0 ? { labels: { ...target.labels } } : {}) });
    jobs.set(key, job);
  }
  const names = new Map<string, number>();
  const scrapeConfigs: Record<string, unknown>[] = [];
  for (const [key, job] of jobs) {
    const base = key.split('\u0000')[0]!;
    const n = (names.get(base) ?? 0) + 1;
    names.set(base, n);
    scrapeConfigs.push({
      job_name: n === 1 ? base : `${base}-${n}`,
      metrics_path: job.metricsPath,
      static_configs: job.groups,
      // Keep the job label the target asked for even when the job name had to be made unique.
      ...(n === 1 ? {} : { relabel_configs: [{ target_label: 'job', replacement: base }] }),
    });
  }
  if (options.podsFile !== undefined) {
    scrapeConfigs.push({ job_name: 'kubernetes-pods', file_sd_configs: [{ files: [options.podsFile], refresh_interval: interval }] });
  }
  return stringify({ global: { scrape_interval: interval, scrape_timeout: timeout, evaluation_interval: interval }, scrape_configs: scrapeConfigs });
}

/** A file_sd document: each target's metrics path and labels travel as target labels. */
export function fileSdJson(targets: readonly ScrapeTarget[]): string {
  const groups = targets.map((target) => ({
    targets: [target.address],
    labels: { job: target.job, __metrics_path__: target.metricsPath ?? '/metrics', ...(target.labels ?? {}) },
  }));
  return `${JSON.stringify(groups, null, 2)}\n`;
}
