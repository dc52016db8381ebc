/**
 * The embedded Prometheus: the real `prometheus` binary on a loopback port, with a generated
 * configuration and a temporary storage directory. Spawned detached (its own process group) and
 * handed to `onSpawn` — the journal — BEFORE it is waited on, so that `rebound cleanup` kills it
 * after a crash, as for the embedded Toxiproxy (src/runner/infra-process.ts).
 *
 * Wait strategy: `/-/ready` answers 200, or a startup timeout / early exit / abort that names the
 * binary, the timeout and the last lines it wrote to stderr.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { collectStderrTail, lastOutput, waitForChildExit } from '../util/child-exit.ts';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InfraError } from '../errors.ts';
import type { JournalProcess } from '../runner/journal.ts';
import { killProcessGroup } from '../runner/process-groups.ts';
import { processStartTime } from '../runner/process-identity.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';
import { freeLoopbackPort } from '../util/loopback-port.ts';
import { PrometheusClient } from './client.ts';
import { fileSdJson, scrapeConfigYaml, type ScrapeTarget } from './config.ts';

const STDERR_LINES = 20;
const ROLE = 'prometheus';

export interface EmbeddedPrometheusOptions {
  readonly binary: string;
  readonly scrapeIntervalMs: number;
  /** Fixed targets (Rebound's --metrics endpoint, the mesh metrics endpoint). */
  readonly targets: readonly ScrapeTarget[];
  /** Journal the process here; throwing kills it. */
  readonly onSpawn?: (record: JournalProcess) => Promise<void>;
  readonly signal?: AbortSignal;
  /** Default 30 s. */
  readonly startupTimeoutMs?: number;
}

export class EmbeddedPrometheus {
  private exited = false;
  private stopping: Promise<void> | undefined;
  private lastPods = '';
  /** How many pod targets the file lists now. */
  podTargets = 0;

  private constructor(
    private readonly child: ChildProcess,
    readonly record: JournalProcess,
    readonly url: string,
    readonly dir: string,
    private readonly podsFile: string,
    private readonly stderrTail: string[],
  ) {
    child.once('exit', () => {
      this.exited = true;
    });
  }

  client(): PrometheusClient {
    return new PrometheusClient(this.url);
  }

  /** Starts the server and waits until it is ready (the temp dir is removed again if it cannot start). */
  static async start(options: EmbeddedPrometheusOptions): Promise<EmbeddedPrometheus> {
    const dir = await mkdtemp(join(tmpdir(), 'rebound-prometheus-'));
    try {
      // A port found free may be taken before Prometheus binds it: a few bounded attempts.
      for (let attempt = 1; ; attempt++) {
        const server = await EmbeddedPrometheus.spawnOnce(options, dir);
        const outcome = await server.waitReady(options.startupTimeoutMs ?? 30_000, options.signal);
        if (outcome === 'ready') return server;
        await server.stop({ keepDir: true });
        const inUse = server.stderrTail.some((line) => /address already in use/i.test(line));
        if (inUse && attempt < 3) continue;
        if (outcome === 'aborted') throw new InfraError('interrupted while the embedded Prometheus was starting');
        throw new InfraError(`the embedded Prometheus (${options.binary}) ${outcome}${server.tail()}`);
      }
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
  }

  private static async spawnOnce(options: EmbeddedPrometheusOptions, dir: string): Promise<EmbeddedPrometheus> {
    const port = await freeLoopbackPort();
    const podsFile = join(dir, 'pods.json');
    const configFile = join(dir, 'prometheus.yml');
    await writeFile(podsFile, '[]\n');
    await writeFile(configFile, scrapeConfigYaml({ scrapeIntervalMs: options.scrapeIntervalMs, targets: options.targets, podsFile }));
    const child = spawn(
      options.binary,
      [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--storage.tsdb.retention.time=1d',
        // Samples scraped up to now are visible at once (the default 5m lookback is kept for instant queries).
        '--query.lookback-delta=5m',
      ],
      // Its own process group: a terminal's Ctrl-C reaches the runner only, which tears down first.
      { detached: true, stdio: ['ignore', 'ignore', 'pipe'], cwd: dir },
    );
    const spawned = await new Promise<boolean>((resolve) => {
      child.once('spawn', () => resolve(true));
      child.once('error', () => resolve(false));
    });
    if (!spawned || child.pid === undefined) throw new InfraError(`could not start ${options.binary}`, 'check that it is the Prometheus server binary and executable');
    const startTime = processStartTime(child.pid);
    const record: JournalProcess = { role: ROLE, pid: child.pid, pgid: child.pid, ...(startTime !== undefined ? { startTime } : {}) };
    const tail: string[] = [];
    collectStderrTail(child, tail, STDERR_LINES);
    const server = new EmbeddedPrometheus(child, record, `http://127.0.0.1:${port}`, dir, podsFile, tail);
    try {
      await options.onSpawn?.(record);
    } catch (error) {
      await server.stop({ keepDir: true });
      throw error;
    }
    return server;
  }

  /** Replaces the pods job's targets (file_sd: Prometheus picks the file up within a scrape interval). */
  async setPodTargets(targets: readonly ScrapeTarget[]): Promise<boolean> {
    const text = fileSdJson(targets);
    this.podTargets = targets.length;
    if (text === this.lastPods || this.exited) return false;
    await writeFileAtomic(this.podsFile, text);
    this.lastPods = text;
    return true;
  }

  /**
   * Prometheus applies discovered targets in batches (every 5 s): waits (bounded, abortable) until
   * `count` targets are active and each has been scraped once, so that the run's first phase is
   * scraped. Returns the targets still missing or unscraped (empty when all are there).
   */
  async waitForTargets(count: number, timeoutMs: number, signal?: AbortSignal): Promise<string[]> {
    const client = this.client();
    const deadline = Date.now() + timeoutMs;
    let missing: string[] = [`${count} targets`];
    while (Date.now() < deadline && !signal?.aborted && !this.exited) {
      const targets = await client.activeTargets(signal).catch(() => []);
      const unscraped = targets.filter((t) => t.health === 'unknown').map((t) => t.url);
      missing = targets.length < count ? [`${count - targets.length} of ${count} targets not yet active`, ...unscraped] : unscraped;
      if (missing.length === 0) return [];
      await delay(100, signal);
    }
    return missing;
  }

  /** SIGTERM (Prometheus flushes and exits), then SIGKILL of the group after `graceMs`; removes the temp dir. Idempotent. */
  stop(options: { keepDir?: boolean; graceMs?: number } = {}): Promise<void> {
    return (this.stopping ??= (async () => {
      if (!this.exited) {
        try {
          killProcessGroup(this.record.pgid, 'SIGTERM');
        } catch {
          // gone already
        }
        await this.waitForExit(options.graceMs ?? 5000);
        if (!this.exited) {
          try {
            killProcessGroup(this.record.pgid, 'SIGKILL');
          } catch {
            // gone already
          }
          await this.waitForExit(5000);
        }
      }
      if (!options.keepDir) await rm(this.dir, { recursive: true, force: true });
    })());
  }

  get running(): boolean {
    return !this.exited;
  }

  private async waitReady(timeoutMs: number, signal: AbortSignal | undefined): Promise<'ready' | 'aborted' | string> {
    const client = this.client();
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (signal?.aborted) return 'aborted';
      if (this.exited) return `exited before it was ready (${this.child.signalCode ?? `code ${this.child.exitCode}`})`;
      if (await client.ready(signal)) return 'ready';
      await delay(100, signal);
    }
    return `was not ready within ${timeoutMs} ms`;
  }

  private tail(): string {
    return lastOutput(this.stderrTail, 8);
  }

  private waitForExit(timeoutMs: number): Promise<void> {
    return this.exited ? Promise.resolve() : waitForChildExit(this.child, timeoutMs);
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
