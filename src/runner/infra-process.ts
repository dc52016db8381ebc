/**
 * The runner's side of infra-host.ts: spawn a child process that hosts the embedded Toxiproxy or
 * the local control plane, let the caller journal it (pid, process group, start time) BEFORE it
 * starts anything, then wait for it to be ready. The runner keeps talking to what it hosts over
 * the network only (toxiproxy-node-client, @kubernetes/client-node), as before.
 *
 * Wait strategy (testcontainers-style): ready message, or a startup timeout / early exit that
 * names the role, the timeout and the last lines the child wrote to stderr.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { collectStderrTail, lastOutput, waitForChildExit } from '../util/child-exit.ts';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { InfraError, UsageError } from '../errors.ts';
import type { DelayStats } from './harness-check.ts';
import type { ClusterReady, InfraReply, InfraRequest, InfraStart, ToxiproxyReady } from './infra-host.ts';
import type { JournalProcess } from './journal.ts';
import { descendantProcessGroups, killProcessGroup } from './process-groups.ts';
import { processStartTime } from './process-identity.ts';

/** Built (dist/, .js) or run from the sources through tsx (.ts): the host is started the same way. */
const FROM_SOURCES = import.meta.url.endsWith('.ts');
const HOST_ENTRY = fileURLToPath(new URL(FROM_SOURCES ? './infra-host.ts' : './infra-host.js', import.meta.url));
const STDERR_LINES = 20;

/** Node's arguments before the host's entry: the sources need tsx's ESM loader, the build nothing. */
function loaderArgs(): string[] {
  // Resolved from this package: the runner may be started from any directory.
  return FROM_SOURCES ? ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href] : [];
}

export interface InfraProcessOptions {
  /** Called once the child exists and before it is told to start: journal it here. Throwing kills it. */
  readonly onSpawn?: (record: JournalProcess) => Promise<void>;
  /** Default 60 s (plus the plane's readiness timeout). */
  readonly startupTimeoutMs?: number;
  /** How long close() waits for an orderly shutdown before SIGKILLing the group. Default 15 s. */
  readonly closeTimeoutMs?: number;
  /** Stops waiting for readiness (the child is killed) when it fires: a Ctrl-C during start-up. */
  readonly signal?: AbortSignal;
}

/** Start-up was abandoned because the run's signal fired; the child is gone. */
export class StartupAborted extends InfraError {
  override readonly name: string = 'StartupAborted';
}

type ReadyOf<S extends InfraStart> = S extends { role: 'toxiproxy' } ? ToxiproxyReady : ClusterReady;

export class InfraProcess<R extends ToxiproxyReady | ClusterReady = ToxiproxyReady | ClusterReady> {
  private exited = false;
  private closing: Promise<DelayStats | undefined> | undefined;
  private readonly stderrTail: string[] = [];
  private readonly waiters = new Set<(message: InfraReply | { type: 'exit'; code: number | null; signal: NodeJS.Signals | null }) => void>();

  private constructor(
    private readonly child: ChildProcess,
    readonly role: string,
    readonly record: JournalProcess,
    private readonly closeTimeoutMs: number,
  ) {
    child.on('message', (message: InfraReply) => this.dispatch(message));
    // e.g. a send on a channel that just closed: the exit handler reports what matters.
    child.on('error', () => undefined);
    child.once('exit', (code, signal) => {
      this.exited = true;
      this.dispatch({ type: 'exit', code, signal });
    });
    collectStderrTail(child, this.stderrTail, STDERR_LINES);
  }

  /** The ready payload (URL, kubeconfig, Services) once the child has started what it hosts. */
  ready!: R;

  static async start<S extends InfraStart>(request: S, options: InfraProcessOptions = {}): Promise<InfraProcess<ReadyOf<S>>> {
    const child = spawn(process.execPath, [...loaderArgs(), HOST_ENTRY], {
      // Its own process group: a terminal's Ctrl-C reaches the runner only, which reverts first.
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env: process.env,
    });
    const spawned = await new Promise<boolean>((resolve) => {
      child.once('spawn', () => resolve(true));
      child.once('error', () => resolve(false));
    });
    if (!spawned || child.pid === undefined) throw new InfraError(`could not start a process for the ${request.role === 'toxiproxy' ? 'embedded Toxiproxy' : 'local control plane'} (${process.execPath})`);
    const record: JournalProcess = { role: request.role, pid: child.pid, pgid: child.pid, ...optional('startTime', processStartTime(child.pid)) };
    const host = new InfraProcess<ReadyOf<S>>(child, request.role, record, options.closeTimeoutMs ?? 15_000);
    try {
      await options.onSpawn?.(record);
    } catch (error) {
      await host.kill();
      throw error;
    }
    const readyTimeout = request.role === 'cluster' ? (request.readyTimeoutMs ?? 30_000) : 0;
    const timeoutMs = (options.startupTimeoutMs ?? 60_000) + readyTimeout;
    const reply = host.next(timeoutMs, (message) => message.type === 'ready' || message.type === 'failed', options.signal);
    host.send(request);
    const outcome = await reply;
    if (outcome.type === 'aborted') {
      await host.kill();
      throw new StartupAborted(`start-up of the ${host.what()} was interrupted`);
    }
    if (outcome.type === 'ready') {
      host.ready = outcome as ReadyOf<S>;
      return host;
    }
    await host.kill();
    if (outcome.type === 'failed') {
      const { name, message, hint } = outcome.error;
      if (name === 'UsageError') throw new UsageError(message);
      if (name === 'InfraError' || name === 'PreflightError') throw new InfraError(message, hint);
      throw new Error(`${name}: ${message}`);
    }
    const why = outcome.type === 'exit' ? `exited before it was ready (${outcome.signal ?? `code ${outcome.code}`})` : `was not ready within ${timeoutMs} ms`;
    throw new InfraError(`the ${host.what()} process ${why}${host.tail()}`);
  }

  /** Event-loop delay of the child so far; undefined when it does not answer within 2 s. */
  async stats(): Promise<DelayStats | undefined> {
    if (this.exited || this.closing) return undefined;
    const reply = this.next(2000, (message) => message.type === 'stats');
    this.send({ type: 'stats' });
    const outcome = await reply;
    return outcome.type === 'stats' ? outcome.eventLoopDelayMs : undefined;
  }

  /**
   * Orderly shutdown (proxies, Service listeners, pod processes); after closeTimeoutMs the child's
   * group and the pod groups under it are SIGKILLed. Idempotent. Resolves with the child's final
   * event-loop delay when it reported one.
   */
  close(): Promise<DelayStats | undefined> {
    return (this.closing ??= (async () => {
      if (this.exited) return undefined;
      const reply = this.next(this.closeTimeoutMs, (message) => message.type === 'closed');
      this.send({ type: 'close' });
      const outcome = await reply;
      if (outcome.type === 'closed') {
        await this.waitForExit(2000);
        if (!this.exited) await this.kill();
        return outcome.eventLoopDelayMs;
      }
      if (outcome.type === 'exit') return undefined;
      await this.kill();
      throw new InfraError(`the ${this.what()} process did not stop within ${this.closeTimeoutMs} ms; it was killed${this.tail()}`);
    })());
  }

  /** SIGKILL the child's group and every pod group below it. */
  async kill(): Promise<void> {
    if (this.exited) return;
    let below: number[] = [];
    try {
      below = await descendantProcessGroups(this.record.pid);
    } catch {
      // without ps the pods are found by the journal's sweep instead
    }
    for (const pgid of [this.record.pgid, ...below]) {
      try {
        killProcessGroup(pgid);
      } catch {
        // already gone or not ours to kill
      }
    }
    await this.waitForExit(5000);
  }

  private what(): string {
    return this.role === 'toxiproxy' ? 'embedded Toxiproxy' : 'local control plane';
  }

  private tail(): string {
    return lastOutput(this.stderrTail);
  }

  private send(message: InfraRequest): void {
    if (this.child.connected) this.child.send(message, (error) => error && undefined);
  }

  private dispatch(message: InfraReply | { type: 'exit'; code: number | null; signal: NodeJS.Signals | null }): void {
    if (message.type === 'exit' || message.type === 'closed') {
      // Nothing more will be asked: let the runner's process exit without waiting on the channel.
      if (this.child.connected) this.child.disconnect();
    }
    for (const waiter of [...this.waiters]) waiter(message);
  }

  private next(
    timeoutMs: number,
    accept: (message: InfraReply) => boolean,
    signal?: AbortSignal,
  ): Promise<InfraReply | { type: 'exit'; code: number | null; signal: NodeJS.Signals | null } | { type: 'timeout' } | { type: 'aborted' }> {
    return new Promise((resolve) => {
      if (this.exited) return resolve({ type: 'exit', code: this.child.exitCode, signal: this.child.signalCode });
      if (signal?.aborted) return resolve({ type: 'aborted' });
      const onAbort = () => done({ type: 'aborted' });
      signal?.addEventListener('abort', onAbort, { once: true });
      const waiter = (message: InfraReply | { type: 'exit'; code: number | null; signal: NodeJS.Signals | null }) => {
        if (message.type !== 'exit' && !accept(message)) return;
        done(message);
      };
      const timer = setTimeout(() => done({ type: 'timeout' }), timeoutMs);
      const done = (value: Parameters<typeof resolve>[0]) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.waiters.delete(waiter);
        resolve(value);
      };
      this.waiters.add(waiter);
    });
  }

  private waitForExit(timeoutMs: number): Promise<void> {
    return this.exited ? Promise.resolve() : waitForChildExit(this.child, timeoutMs);
  }
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
