import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { ObjectStore } from '../api/object-store.ts';
import type { ServiceName } from './hosts.ts';
import { MeshMetrics } from './mesh-metrics.ts';
import { MeshProxy, type MeshTarget } from './mesh-proxy.ts';
import { MeshRegistry } from './mesh-registry.ts';
import { seededRandom, type Random } from './random.ts';
import { SourceWorkloads } from './source-workload.ts';

/** Path of the Prometheus exposition on the mesh metrics listener (Envoy's own path; `/metrics` works too). */
export const MESH_METRICS_PATH = '/stats/prometheus';

export interface LocalMeshOptions {
  /** Seed of the mesh's dice (weights, fault percentages, balancers, back-off); default: random. */
  readonly seed?: number;
  /** Loopback port of the metrics listener; 0 = ephemeral (default). */
  readonly metricsPort?: number;
}

/**
 * Istio traffic management on the local plane: the registry of VirtualServices and
 * DestinationRules, the HTTP-aware proxy that Service listeners hand connections to, and
 * the Prometheus endpoint with Istio's standard metrics.
 */
export class LocalMesh {
  readonly registry: MeshRegistry;
  readonly metrics = new MeshMetrics();
  private readonly proxy: MeshProxy;
  private readonly metricsServer: Server;
  private metricsUrlValue = '';

  constructor(store: ObjectStore, private readonly options: LocalMeshOptions = {}) {
    const random: Random = options.seed === undefined ? Math.random : seededRandom(options.seed);
    this.registry = new MeshRegistry(store, random);
    this.proxy = new MeshProxy(this.registry, this.metrics, random, new SourceWorkloads(store));
    this.metricsServer = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (req.method !== 'GET' || (path !== MESH_METRICS_PATH && path !== '/metrics')) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      this.metrics.exposition().then(
        (text) => res.writeHead(200, { 'content-type': this.metrics.contentType }).end(text),
        (error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error)),
      );
    });
  }

  async start(): Promise<void> {
    this.registry.start();
    await new Promise<void>((resolve, reject) => {
      this.metricsServer.once('error', reject);
      this.metricsServer.listen(this.options.metricsPort ?? 0, '127.0.0.1', () => resolve());
    });
    this.metricsUrlValue = `http://127.0.0.1:${(this.metricsServer.address() as AddressInfo).port}${MESH_METRICS_PATH}`;
  }

  /** http://127.0.0.1:PORT/stats/prometheus */
  get metricsUrl(): string {
    return this.metricsUrlValue;
  }

  handles(service: ServiceName): boolean {
    return this.registry.handles(service);
  }

  accept(target: MeshTarget, socket: Socket): void {
    this.proxy.accept(target, socket);
  }

  async close(): Promise<void> {
    this.proxy.close();
    this.registry.stop();
    this.metricsServer.closeAllConnections();
    await new Promise<void>((resolve) => (this.metricsServer.listening ? this.metricsServer.close(() => resolve()) : resolve()));
  }
}
