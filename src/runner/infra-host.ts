/**
 * Child-process entry that hosts one piece of local infrastructure for a run: the embedded
 * Toxiproxy or the local control plane (whose Service listeners carry every byte of the system
 * under test's traffic). Run by infra-process.ts as `node --import tsx infra-host.ts` (`node infra-host.js` when built), spawned
 * detached (its own process group, so a terminal's Ctrl-C reaches only the runner, which reverts
 * first and then closes this), with an IPC channel.
 *
 * Why a separate process: hosted in the runner, this traffic shared one event loop with the load
 * driver, and under CPU pressure the harness measured its own starvation as the SUT's latency.
 *
 * Protocol (IPC messages, see InfraRequest / InfraReply):
 *   runner → host  {type:'start', …}   once the runner has journaled this process
 *   host → runner  {type:'ready', …} | {type:'failed', error}
 *   runner → host  {type:'stats'}  →  {type:'stats', eventLoopDelayMs}
 *   runner → host  {type:'close'}  →  {type:'closed', eventLoopDelayMs}, then the host exits
 * The host also closes everything and exits when the IPC channel goes away (the runner died,
 * even by SIGKILL) and on SIGTERM/SIGINT.
 */
import { EventLoopDelayMonitor, type DelayStats } from './harness-check.ts';

export type InfraStart =
  | { readonly type: 'start'; readonly role: 'toxiproxy'; readonly host?: string; readonly port?: number }
  | {
      readonly type: 'start';
      readonly role: 'cluster';
      readonly manifests: string | readonly string[];
      readonly port?: number;
      readonly waitForReady?: boolean;
      readonly readyTimeoutMs?: number;
    };

export type InfraRequest = InfraStart | { readonly type: 'stats' } | { readonly type: 'close' };

export interface ToxiproxyReady {
  readonly type: 'ready';
  readonly role: 'toxiproxy';
  readonly url: string;
}

export interface ClusterReady {
  readonly type: 'ready';
  readonly role: 'cluster';
  readonly url: string;
  readonly kubeconfigPath: string;
  /** Istio-shaped metrics of the local mesh (Prometheus text format). */
  readonly meshMetricsUrl: string;
  readonly services: readonly { namespace: string; name: string; port: number; host: string; localPort: number }[];
}

export type InfraReply =
  | ToxiproxyReady
  | ClusterReady
  | { readonly type: 'failed'; readonly error: { readonly name: string; readonly message: string; readonly hint?: string } }
  | { readonly type: 'stats'; readonly eventLoopDelayMs: DelayStats }
  | { readonly type: 'closed'; readonly eventLoopDelayMs: DelayStats };

function main(): void {
  const send = process.send?.bind(process);
  if (!send) {
    process.stderr.write('infra-host: must be started by the Rebound runner (no IPC channel)\n');
    process.exitCode = 2;
    return;
  }
  const delay = new EventLoopDelayMonitor();
  const stats = (): DelayStats => delay.stats();
  const reply = (message: InfraReply) => new Promise<void>((resolve) => (process.connected ? send(message, undefined, {}, () => resolve()) : resolve()));

  let starting: Promise<void> | undefined;
  let close: (() => Promise<void>) | undefined;
  let closing: Promise<void> | undefined;
  const shutdown = () =>
    (closing ??= (async () => {
      await starting?.catch(() => undefined);
      try {
        await close?.();
      } catch (error) {
        process.stderr.write(`infra-host: closing: ${error instanceof Error ? error.message : String(error)}\n`);
      }
    })());
  const shutdownAndExit = () => {
    void shutdown().then(() => process.exit(0));
  };

  const start = async (request: InfraStart) => {
    if (request.role === 'toxiproxy') {
      const { startToxiproxy } = await import('../toxiproxy/index.ts');
      const server = await startToxiproxy({ host: request.host, port: request.port });
      close = () => server.close();
      await reply({ type: 'ready', role: 'toxiproxy', url: server.url });
    } else {
      const { startLocalCluster } = await import('../localcluster/index.ts');
      const plane = await startLocalCluster({
        manifests: request.manifests,
        port: request.port ?? 0,
        waitForReady: request.waitForReady ?? true,
        ...(request.readyTimeoutMs ? { readyTimeoutMs: request.readyTimeoutMs } : {}),
      });
      close = () => plane.close();
      await reply({ type: 'ready', role: 'cluster', url: plane.url, kubeconfigPath: plane.kubeconfigPath, meshMetricsUrl: plane.meshMetricsUrl, services: plane.services });
    }
  };

  process.on('message', (request: InfraRequest) => {
    switch (request.type) {
      case 'start':
        if (starting || closing) return;
        starting = start(request).catch(async (error: unknown) => {
          const err = error instanceof Error ? error : new Error(String(error));
          const hint = (err as { hint?: unknown }).hint;
          await reply({ type: 'failed', error: { name: err.name, message: err.message, ...(typeof hint === 'string' ? { hint } : {}) } });
          throw err;
        });
        starting.catch(() => undefined);
        return;
      case 'stats':
        void reply({ type: 'stats', eventLoopDelayMs: stats() });
        return;
      case 'close':
        void shutdown().then(async () => {
          await reply({ type: 'closed', eventLoopDelayMs: stats() });
          process.exit(0);
        });
        return;
    }
  });
  // The runner is gone (even SIGKILLed): nothing must outlive it.
  process.on('disconnect', shutdownAndExit);
  process.on('SIGTERM', shutdownAndExit);
  process.on('SIGINT', shutdownAndExit);
}

main();
