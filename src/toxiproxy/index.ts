import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { InfraError, UsageError } from '../errors.ts';
import { errnoText, joinHostPort } from './address.ts';
import { createApiListener } from './http-api.ts';
import { ProxyCollection } from './proxy-collection.ts';

export { TOXIPROXY_VERSION } from './version.ts';

/** A running embedded Toxiproxy-compatible server. */
export interface ToxiproxyServer {
  /** http://127.0.0.1:PORT (IPv6 hosts in brackets). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** Closes the API server, every proxy listener and every live connection. Idempotent. */
  close(): Promise<void>;
}

export interface ToxiproxyOptions {
  /** Default 127.0.0.1 (never every interface unless asked). */
  readonly host?: string;
  /** Default 8474; 0 = an ephemeral port. */
  readonly port?: number;
  /** Proxies to create before the API answers, as POST /populate takes them (toxiproxy-server -config). */
  readonly populate?: unknown;
}

/**
 * Starts Toxiproxy's HTTP API in this process. Throws InfraError when the address cannot be
 * bound (e.g. the port is in use), UsageError for a port out of range.
 */
export async function startToxiproxy(options: ToxiproxyOptions = {}): Promise<ToxiproxyServer> {
  const host = options.host ?? '127.0.0.1';
  const requestedPort = options.port ?? 8474;
  if (!Number.isInteger(requestedPort) || requestedPort < 0 || requestedPort > 65535) {
    throw new UsageError(`toxiproxy port must be an integer from 0 to 65535, got ${requestedPort}`);
  }
  const collection = new ProxyCollection();
  if (options.populate !== undefined) await populateAtStart(collection, options.populate);
  const api = createApiListener(collection);
  const server = createServer(api.listener);
  server.on('clientError', (_error, socket) => socket.destroy());
  // Every accepted socket, so close() can end them all (closeAllConnections misses those not yet parsed).
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port: requestedPort }, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch((error: NodeJS.ErrnoException) => {
    const where = joinHostPort(host, requestedPort);
    if (error.code === 'EADDRINUSE') {
      throw new InfraError(`cannot listen on ${where}: address already in use`, 'another Toxiproxy may be running there; choose another --port, or 0 for a free one');
    }
    throw new InfraError(`cannot listen on ${where}: ${errnoText(error)}`);
  });
  server.on('error', () => {});

  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${joinHostPort(host, port)}`,
    host,
    port,
    close: () =>
      (closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
        // after any request still in flight, so no proxy can be created behind our back
        await api.shutdown(() => collection.closeAll());
        await closed;
      })()),
  };
}

/** Creates the configured proxies, or closes what it created and says which entry failed. */
async function populateAtStart(collection: ProxyCollection, proxies: unknown): Promise<void> {
  let outcome;
  try {
    outcome = await collection.populate(proxies);
  } catch (error) {
    throw new UsageError(`cannot create the configured proxies: ${(error as Error).message}`);
  }
  if (!outcome.error) return;
  await collection.closeAll();
  // What Toxiproxy answers 500 for: a listen address taken or not local.
  throw new InfraError(`cannot create the configured proxies: ${outcome.error.message}`, 'free the listen address, or change it in the config');
}
