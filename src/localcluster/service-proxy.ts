import { createServer, connect, type Server, type Socket, type AddressInfo } from 'node:net';
import { InfraError } from '../errors.ts';
import type { ApiCore } from './api/api-core.ts';
import type { EventRecorder } from './api/event-recorder.ts';
import { clone, type KubeObject } from './api/kube-object.ts';
import type { StoreChange } from './api/object-store.ts';
import { serviceEndpoints } from './controllers/endpoints-controller.ts';

/** An HTTP-aware handler that takes over connections of Services it handles (the local mesh). */
export interface ConnectionHandoff {
  handles(service: { namespace: string; name: string }): boolean;
  accept(target: { namespace: string; name: string; port: number }, socket: Socket): void;
}

/** Annotation on a Service fixing the loopback port of its first port. */
export const SERVICE_LOCAL_PORT_ANNOTATION = 'rebound.dev/local-port';
/** Annotation the plane writes on each Service: `<port>:<localPort>` pairs, comma-separated. */
export const SERVICE_LOCAL_PORTS_ANNOTATION = 'rebound.dev/local-ports';

/** How long a connection that sends nothing waits before a backend is chosen (server-speaks-first protocols). */
const CHOOSE_WITHOUT_DATA_MS = 50;

export interface ServicePortListener {
  readonly namespace: string;
  readonly name: string;
  readonly index: number;
  readonly port: number;
  readonly portName?: string;
  readonly protocol: string;
  localPort: number;
  readonly server: Server;
  next: number;
}

interface ServiceEntry {
  listeners: ServicePortListener[];
  /** Loopback ports of Ready endpoints per Service port index, refreshed on every pod write. */
  ready: number[][];
  spec: string;
}

/**
 * kube-proxy for loopback: one TCP listener per Service port that balances new connections
 * round-robin across Ready endpoints. Endpoints are recomputed synchronously on every pod
 * write, so a pod leaves the rotation in the same turn as the write that made it not Ready
 * (including the one that sets deletionTimestamp). With no Ready endpoint a connection is
 * reset at once. Connections already established stay on their pod, as with kube-proxy.
 */
export class ServiceProxy {
  private readonly entries = new Map<string, ServiceEntry>();
  private readonly sockets = new Set<Socket>();
  private readonly pending = new Set<Promise<void>>();
  private readonly errors: InfraError[] = [];
  private unsubscribe: (() => void) | undefined;
  private closed = false;

  constructor(
    private readonly core: ApiCore,
    private readonly events: EventRecorder,
    private readonly mesh?: ConnectionHandoff,
  ) {}

  start(): void {
    this.unsubscribe = this.core.store.subscribe((change) => this.onChange(change));
    for (const svc of this.core.store.list('services')) this.ensure(svc);
  }

  /** Resolves once every listener opened so far is listening; throws the first port error. */
  async ready(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
    if (this.errors.length > 0) throw this.errors[0];
  }

  listeners(): ServicePortListener[] {
    return [...this.entries.values()].flatMap((entry) => entry.listeners).filter((l) => l.localPort > 0);
  }

  /** Services of a namespace with their local ports (for Kubernetes-style service env vars). */
  serviceEnv(namespace: string): Array<{ name: string; ports: Array<{ name?: string; localPort: number; protocol?: string }> }> {
    const out: Array<{ name: string; ports: Array<{ name?: string; localPort: number; protocol?: string }> }> = [];
    for (const [key, entry] of this.entries) {
      if (!key.startsWith(`${namespace}/`)) continue;
      const ports = entry.listeners.filter((l) => l.localPort > 0).map((l) => ({ ...(l.portName ? { name: l.portName } : {}), localPort: l.localPort, protocol: l.protocol }));
      if (ports.length > 0) out.push({ name: key.slice(namespace.length + 1), ports });
    }
    return out;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.unsubscribe?.();
    for (const socket of this.sockets) socket.destroy();
    await Promise.all([...this.entries.values()].flatMap((entry) => entry.listeners.map((l) => closeServer(l.server))));
    this.entries.clear();
  }

  private onChange(change: StoreChange): void {
    if (change.resource === 'services') {
      if (change.type === 'DELETED') this.remove(change.object);
      else this.ensure(change.object);
    } else if (change.resource === 'pods') {
      const namespace = change.object.metadata.namespace;
      for (const [key, entry] of this.entries) if (key.startsWith(`${namespace}/`)) this.refresh(key, entry);
    }
  }

  private refresh(key: string, entry: ServiceEntry): void {
    const [namespace, name] = [key.slice(0, key.indexOf('/')), key.slice(key.indexOf('/') + 1)];
    const service = this.core.store.get('services', namespace, name);
    if (!service) return;
    const endpoints = serviceEndpoints(this.core.store, service).filter((e) => e.ready);
    entry.ready = entry.listeners.map((l) => endpoints.map((e) => e.ports[l.index]).filter((p): p is number => p !== undefined));
  }

  private ensure(service: KubeObject): void {
    if (this.closed) return;
    const key = `${service.metadata.namespace}/${service.metadata.name}`;
    const ports: any[] = service.spec?.ports ?? [];
    const fixed = service.metadata.annotations?.[SERVICE_LOCAL_PORT_ANNOTATION];
    const spec = JSON.stringify({ ports: ports.map((p) => [p.port, p.name, p.protocol]), fixed });
    let entry = this.entries.get(key);
    if (entry && entry.spec !== spec) {
      this.remove(service);
      entry = undefined;
    }
    if (!entry) {
      entry = { listeners: [], ready: [], spec };
      this.entries.set(key, entry);
      ports.forEach((port, index) => {
        if ((port.protocol ?? 'TCP') !== 'TCP') return;
        const requested = index === 0 && fixed !== undefined ? Number(fixed) : 0;
        this.open(service, entry!, index, port, requested);
      });
    }
    this.refresh(key, entry);
  }

  private open(service: KubeObject, entry: ServiceEntry, index: number, port: any, requested: number): void {
    const server = createServer({ noDelay: true }, (socket) => this.onConnection(listener, entry, socket));
    const listener: ServicePortListener = {
      namespace: service.metadata.namespace!,
      name: service.metadata.name!,
      index,
      port: Number(port.port),
      ...(port.name ? { portName: port.name } : {}),
      protocol: port.protocol ?? 'TCP',
      localPort: 0,
      server,
      next: 0,
    };
    entry.listeners.push(listener);
    const listening = new Promise<void>((resolve) => {
      server.once('error', (error: NodeJS.ErrnoException) => {
        const where = `${service.metadata.namespace}/${service.metadata.name} port ${port.port}`;
        const message =
          error.code === 'EADDRINUSE'
            ? `port ${requested} is already in use (Service ${where}${requested ? `, annotation ${SERVICE_LOCAL_PORT_ANNOTATION}` : ''})`
            : `cannot listen for Service ${where} on 127.0.0.1:${requested}: ${error.message}`;
        this.errors.push(new InfraError(message, requested ? `free port ${requested} or change the ${SERVICE_LOCAL_PORT_ANNOTATION} annotation` : undefined));
        const current = this.core.store.get('services', service.metadata.namespace, service.metadata.name!);
        if (current) this.events.record(current, 'Warning', 'LocalPortUnavailable', message, 'rebound-service-proxy');
        resolve();
      });
      server.listen(requested, '127.0.0.1', () => {
        listener.localPort = (server.address() as AddressInfo).port;
        this.publish(service.metadata.namespace!, service.metadata.name!);
        resolve();
      });
    });
    this.pending.add(listening);
    void listening.then(() => this.pending.delete(listening));
  }

  /** Writes `rebound.dev/local-ports` on the Service so API clients can find its loopback ports. */
  private publish(namespace: string, name: string): void {
    const entry = this.entries.get(`${namespace}/${name}`);
    const current = this.core.store.get('services', namespace, name);
    if (!entry || !current || this.closed) return;
    const value = entry.listeners.filter((l) => l.localPort > 0).map((l) => `${l.port}:${l.localPort}`).join(',');
    if (current.metadata.annotations?.[SERVICE_LOCAL_PORTS_ANNOTATION] === value) return;
    const next = clone(current);
    next.metadata.annotations = { ...(next.metadata.annotations ?? {}), [SERVICE_LOCAL_PORTS_ANNOTATION]: value };
    this.core.store.update('services', next);
  }

  private remove(service: KubeObject): void {
    const key = `${service.metadata.namespace}/${service.metadata.name}`;
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    for (const listener of entry.listeners) void closeServer(listener.server);
  }

  private onConnection(listener: ServicePortListener, entry: ServiceEntry, client: Socket): void {
    // waypoint style: a Service with a VirtualService or DestinationRule speaks HTTP through the mesh
    if (this.mesh?.handles(listener)) return this.mesh.accept({ namespace: listener.namespace, name: listener.name, port: listener.port }, client);
    this.sockets.add(client);
    client.on('close', () => this.sockets.delete(client));
    client.on('error', () => client.destroy());
    let chosen = false;
    // The backend is chosen when the first bytes arrive, so a connection opened just before
    // its pod stopped being Ready does not carry a request to that pod.
    const choose = (first?: Buffer) => {
      if (chosen) return;
      chosen = true;
      clearTimeout(timer);
      client.off('data', onData);
      const ports = entry.ready[listener.index] ?? [];
      if (ports.length === 0 || client.destroyed) {
        client.resetAndDestroy();
        return;
      }
      const port = ports[listener.next++ % ports.length]!;
      const upstream = connect({ host: '127.0.0.1', port, noDelay: true });
      this.sockets.add(upstream);
      upstream.on('close', () => {
        this.sockets.delete(upstream);
        if (!client.destroyed) client.end();
      });
      upstream.on('error', () => {
        if (!client.destroyed) client.resetAndDestroy();
      });
      client.on('close', () => upstream.destroy());
      if (first) upstream.write(first);
      client.pipe(upstream);
      upstream.pipe(client);
    };
    const onData = (chunk: Buffer) => {
      client.pause();
      choose(chunk);
    };
    client.on('data', onData);
    client.once('end', () => {
      if (!chosen) {
        chosen = true;
        clearTimeout(timer);
        client.destroy();
      }
    });
    const timer = setTimeout(() => choose(), CHOOSE_WITHOUT_DATA_MS);
  }
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
  });
}
