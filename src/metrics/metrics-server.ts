/** The `--metrics [host:]port` endpoint: loopback only, GET /metrics in the Prometheus text format. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { UsageError } from '../errors.ts';

export interface MetricsAddress {
  readonly host: string;
  readonly port: number;
}

/** Loopback hosts only: a game-day feed of the run is not published on the network. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127(?:\.\d{1,3}){3}$/.test(bare);
}

/** `9464`, `127.0.0.1:9464`, `localhost:0`, `[::1]:9464` → host and port; a UsageError naming the flag otherwise. */
export function parseMetricsAddress(text: string): MetricsAddress {
  const match = /^(?:(\[[^\]]+\]|[^:]+):)?(\d{1,5})$/.exec(text.trim());
  if (!match) throw new UsageError(`--metrics expects [host:]port, e.g. 127.0.0.1:9464; got "${text}"`);
  const host = (match[1] ?? '127.0.0.1').replace(/^\[(.*)\]$/, '$1');
  const port = Number(match[2]);
  if (port > 65535) throw new UsageError(`--metrics: port ${port} is out of range (0-65535)`);
  if (!isLoopbackHost(host)) throw new UsageError(`--metrics listens on loopback only (127.0.0.1, ::1 or localhost); "${host}" is not a loopback address`);
  return { host, port };
}

export interface MetricsServer {
  /** host:port as bound (port 0 becomes the real one). */
  readonly address: string;
  readonly url: string;
  close(): Promise<void>;
}

export async function startMetricsServer(registry: Registry, at: MetricsAddress): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' || path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('rebound serves GET /metrics\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (error: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${error instanceof Error ? error.message : String(error)}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(new UsageError(`--metrics: cannot listen on ${at.host}:${at.port}: ${error.code === 'EADDRINUSE' ? 'the port is in use' : error.message}`)),
    );
    server.listen(at.port, at.host, () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  const hostPort = address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
  return {
    address: hostPort,
    url: `http://${hostPort}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
