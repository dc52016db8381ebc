import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { ABORT_BODY, decideFault } from './fault-injection.ts';
import { serviceFqdn, serviceOfFqdn, type ServiceName } from './hosts.ts';
import { selectRoute, type HttpRoute, type RouteDestination } from './mesh-config.ts';
import { Exchange, sleep } from './mesh-exchange.ts';
import type { MeshMetrics } from './mesh-metrics.ts';
import type { MeshRegistry } from './mesh-registry.ts';
import { randomInt, type Random } from './random.ts';
import { DEFAULT_RETRY_POLICY } from './retry-policy.ts';
import { SourceLookup, type SourceWorkloads } from './source-workload.ts';

/** The Service port a connection arrived on. */
export interface MeshTarget extends ServiceName {
  readonly port: number;
}

/**
 * The HTTP-aware service listener (waypoint style): per request it matches the
 * VirtualService rule, runs its fault, picks a weighted destination, and routes to the
 * destination cluster with Envoy's retry, timeout, circuit-breaker and outlier semantics.
 * Each client request is one `reporter="source"` sample, each try that got an upstream
 * response one `reporter="destination"` sample.
 */
export class MeshProxy {
  private readonly server: Server;
  private readonly targets = new WeakMap<Socket, MeshTarget>();
  private readonly sources = new WeakMap<Socket, SourceLookup>();
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly registry: MeshRegistry,
    private readonly metrics: MeshMetrics,
    private readonly random: Random,
    private readonly sourceWorkloads?: SourceWorkloads,
  ) {
    this.server = createServer({ keepAliveTimeout: 5000, headersTimeout: 30_000, requestTimeout: 0 }, (req, res) => {
      void this.handle(req, res).catch((error) => {
        process.stderr.write(`rebound mesh: internal error: ${(error as Error)?.stack ?? String(error)}\n`);
        if (!res.headersSent) res.writeHead(500).end();
        else res.destroy();
      });
    });
    this.server.on('clientError', (_error, socket) => socket.destroy());
  }

  /** Takes over a connection accepted on a Service listener. */
  accept(target: MeshTarget, socket: Socket): void {
    this.targets.set(socket, target);
    if (this.sourceWorkloads) {
      // Looked up once per connection; requests never wait for it, their metrics do.
      this.sources.set(socket, new SourceLookup(this.sourceWorkloads.of(socket)));
    }
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    this.server.emit('connection', socket);
  }

  close(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = this.targets.get(req.socket as Socket);
    if (!target) return void res.writeHead(500).end();
    const source = this.sources.get(req.socket as Socket);
    const exchange = new Exchange(req, res, target, this.metrics, this.random, source);
    const fqdn = serviceFqdn(target);
    const vs = this.registry.virtualServiceFor(fqdn);
    const route = vs ? selectRoute(vs.routes, { path: req.url ?? '/', method: req.method ?? 'GET', headers: req.headers }) : undefined;
    if (vs && !route) return exchange.localReply(404, 'NR', '');

    const fault = decideFault(route?.fault, this.random);
    if (fault.delayMs > 0) {
      exchange.flags.push('DI');
      await sleep(fault.delayMs, exchange.stopped);
      if (exchange.clientGone) return;
    }
    if (fault.abortStatus !== undefined) return exchange.localReply(fault.abortStatus, 'FI', ABORT_BODY);

    const destination = route ? this.pickDestination(route) : { host: fqdn, weight: 1 };
    if (!destination) return exchange.localReply(503, 'NC', '');
    const lookup = this.registry.cluster(destination.host, destination.subset, destination.port, { fqdn, port: target.port });
    const service = serviceOfFqdn(lookup.fqdn);
    exchange.destinationService = { fqdn: lookup.fqdn, name: service?.name ?? lookup.fqdn, namespace: service?.namespace ?? 'unknown' };
    if ('missing' in lookup) return exchange.localReply(503, 'NC', '');
    await exchange.route(lookup.cluster, route?.retry ?? DEFAULT_RETRY_POLICY, route?.timeoutMs);
  }

  /** Weighted pick: weights are relative; a lone destination takes everything whatever its weight. */
  private pickDestination(route: HttpRoute): RouteDestination | undefined {
    const destinations = route.destinations;
    if (destinations.length <= 1) return destinations[0];
    let roll = randomInt(this.random, route.totalWeight);
    for (const destination of destinations) {
      if (roll < destination.weight) return destination;
      roll -= destination.weight;
    }
    return undefined;
  }
}
