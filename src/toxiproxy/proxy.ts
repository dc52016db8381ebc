import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { AddressError, bindErrorText, joinHostPort, resolveBindHost, splitHostPort } from './address.ts';
import { ApiError } from './api-error.ts';
import { Connection } from './connection.ts';
import { toxicJson } from './toxic.ts';
import { ToxicCollection } from './toxic-collection.ts';

export interface ProxySettings {
  readonly listen: string;
  readonly upstream: string;
  readonly enabled: boolean;
}

/** Toxiproxy leaves an empty listen to Go (every interface); we keep to loopback. */
const DEFAULT_LISTEN = '127.0.0.1:0';
const KEEP_ALIVE_MS = 15_000; // Go's default for accepted and dialed TCP connections
/** Per upstream socket; as Toxiproxy's io.Copy buffer. Reading into it saves an allocation per read. */
const UPSTREAM_READ_BUFFER = 32 * 1024;

const ignore = (): void => {};

/**
 * A named proxy: a listener on `listen` that dials `upstream` for each accepted client
 * and joins the two through its toxics. Disabled ("down"): no listener, no connection.
 */
export class Proxy {
  enabled = false;
  readonly toxics = new ToxicCollection();
  private server: Server | undefined;
  private readonly connections = new Set<Connection>();
  /** Clients whose upstream dial is in flight, with that upstream socket. */
  private readonly dialing = new Map<Socket, Socket>();

  constructor(
    readonly name: string,
    public listen: string,
    public upstream: string,
  ) {}

  /** Binds `listen` (the bound address replaces it: `localhost:0` → `127.0.0.1:41234`). Throws a 500 ApiError. */
  async start(): Promise<void> {
    if (this.enabled) return;
    const address = this.listen === '' ? DEFAULT_LISTEN : this.listen;
    const server = createServer({ allowHalfOpen: true, pauseOnConnect: true, noDelay: true });
    try {
      const { host, port } = splitHostPort(address);
      const bindHost = await resolveBindHost(address, host);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host: bindHost, port }, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (error) {
      if (error instanceof AddressError) throw new ApiError(error.message.startsWith('listen ') ? error.message : `listen tcp ${address}: ${error.message}`, 500);
      throw new ApiError(bindErrorText(address, error as NodeJS.ErrnoException), 500);
    }
    // Accept failures (EMFILE, …) are logged and survived by Toxiproxy; never crash on them.
    server.on('error', ignore);
    server.on('connection', this.accept);
    const bound = server.address() as AddressInfo;
    this.listen = joinHostPort(bound.address, bound.port);
    this.server = server;
    this.enabled = true;
  }

  /** Closes the listener and every connection at once. */
  async stop(): Promise<void> {
    const server = this.server;
    this.enabled = false;
    this.server = undefined;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const connection of [...this.connections]) connection.destroy();
    for (const [client, upstream] of this.dialing) {
      client.destroy();
      upstream.destroy();
    }
    this.dialing.clear();
    await closed;
  }

  /** Toxiproxy's Proxy.Update: a new listen or upstream restarts the proxy; toxics are kept. */
  async update(settings: ProxySettings): Promise<void> {
    if (settings.listen !== this.listen || settings.upstream !== this.upstream) {
      await this.stop();
      this.listen = settings.listen;
      this.upstream = settings.upstream;
    }
    if (settings.enabled !== this.enabled) {
      if (settings.enabled) await this.start();
      else await this.stop();
    }
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      listen: this.listen,
      upstream: this.upstream,
      enabled: this.enabled,
      toxics: this.toxics.list().map(toxicJson),
    };
  }

  private readonly accept = (client: Socket): void => {
    client.on('error', ignore);
    client.setKeepAlive(true, KEEP_ALIVE_MS);
    let target: { host: string; port: number };
    try {
      target = splitHostPort(this.upstream);
    } catch {
      client.destroy();
      return;
    }
    // Bytes from the upstream are handed to the downstream link once the connection exists;
    // reading only starts after 'connect', so nothing arrives before that.
    let receive = (_length: number, _buffer: Buffer): boolean => true;
    const upstream = connect({
      host: target.host === '' ? 'localhost' : target.host,
      port: target.port,
      allowHalfOpen: true,
      noDelay: true,
      keepAlive: true,
      keepAliveInitialDelay: KEEP_ALIVE_MS,
      onread: { buffer: Buffer.allocUnsafe(UPSTREAM_READ_BUFFER), callback: (length, buffer) => receive(length, buffer as Buffer) },
    });
    upstream.on('error', ignore);
    this.dialing.set(client, upstream);
    const onDialFailed = (): void => {
      this.dialing.delete(client);
      client.destroy(); // Toxiproxy closes the client at once when the upstream cannot be dialed
    };
    upstream.once('close', onDialFailed);
    upstream.once('connect', () => {
      upstream.off('close', onDialFailed);
      this.dialing.delete(client);
      if (!this.enabled || client.destroyed) {
        client.destroy();
        upstream.destroy();
        return;
      }
      const connection = new Connection(client, upstream, this.toxics.snapshot(), this.onConnectionClosed);
      receive = connection.downstreamLink.receiveBorrowed;
      this.connections.add(connection);
      this.toxics.attach(connection);
    });
  };

  private readonly onConnectionClosed = (connection: Connection): void => {
    this.connections.delete(connection);
    this.toxics.detach(connection);
  };
}
