/**
 * The local Kubernetes-API control plane: an API server on 127.0.0.1 that real clients
 * (`@kubernetes/client-node`, `kubectl`) use unmodified, controllers (Deployment →
 * ReplicaSet → Pod, Endpoints, garbage collection), a "kubelet" that runs each pod as local
 * processes, and a loopback kube-proxy for Services. What it emulates and how it differs: README.md, "The embedded pieces".
 *
 * Conventions for manifests run locally:
 * - The container image is ignored: `command` + `args` run as a process (command[0] `node`
 *   runs this Node). cwd = `workingDir` resolved against `baseDir` (default: the manifests
 *   directory), else `baseDir`. Each pod runs in its own process group; SIGTERM/SIGKILL reach
 *   its children. The environment is minimal (PATH, HOME, … are inherited), not the parent's.
 * - Each pod gets one free loopback port. The first container port (`containerPort`, by
 *   number or name) maps to it; probes and Service `targetPort`s referring to it use it. The
 *   pod's annotation `rebound.dev/local-port` records it.
 * - Env: PORT (the local port), POD_NAME, POD_NAMESPACE, POD_IP=127.0.0.1, HOSTNAME, the
 *   container's env ($(VAR) expansion, valueFrom.fieldRef/configMapKeyRef/secretKeyRef,
 *   envFrom), KUBERNETES_SERVICE_HOST/PORT (the API server) and, for Services of the pod's
 *   namespace that exist when it starts, <NAME>_SERVICE_HOST=127.0.0.1 and
 *   <NAME>_SERVICE_PORT=<the Service's loopback port> (NAME upper-cased, '-' → '_').
 * - Services: a TCP listener on 127.0.0.1 per port; annotation `rebound.dev/local-port:
 *   "21080"` fixes the first port's listener (else ephemeral); a port in use is an error
 *   naming it. The plane writes `rebound.dev/local-ports: "80:21080"` on each Service.
 *   New connections go round-robin to Ready endpoints; a pod leaves the rotation in the
 *   same write that makes it not Ready (deletionTimestamp included); with none Ready a
 *   connection is reset at once. Established connections stay where they are.
 * - Istio: a Service named by a VirtualService or DestinationRule (or annotated
 *   `rebound.dev/mesh: "http"`) gets an HTTP-aware listener with Envoy's semantics, and
 *   Istio's standard metrics are served at `meshMetricsUrl` (src/localcluster/mesh/, docs/mesh.md).
 * - Probes honour the manifest's timings (default period 10 s): use `periodSeconds: 1` for
 *   local runs, or the pod annotation `rebound.dev/probe-period-ms: "100"` (ignored by real
 *   clusters) for sub-second probing. Fractional periodSeconds break kubectl; do not use them.
 * - CrashLoopBackOff back-off starts at 1 s and doubles up to 30 s (real kubelet: 10 s/5 min).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { statSync } from 'node:fs';
import { InfraError } from '../errors.ts';
import { freeLoopbackPort } from '../util/loopback-port.ts';
import { ApiCore } from './api/api-core.ts';
import { EventRecorder } from './api/event-recorder.ts';
import { ApiHttpServer } from './api/http-server.ts';
import type { KubeObject } from './api/kube-object.ts';
import { ObjectStore } from './api/object-store.ts';
import { ResourceRegistry } from './api/resources.ts';
import { DeploymentController } from './controllers/deployment-controller.ts';
import { EndpointsController } from './controllers/endpoints-controller.ts';
import { isPodReady, ReplicaSetController } from './controllers/replicaset-controller.ts';
import { Kubelet } from './kubelet/kubelet.ts';
import { writeKubeconfig } from './kubeconfig.ts';
import { applyManifests, loadManifests } from './manifests.ts';
import { ServiceProxy } from './service-proxy.ts';
import { LocalMesh } from './mesh/local-mesh.ts';

export { CONTEXT_NAME } from './kubeconfig.ts';
export { SERVICE_LOCAL_PORT_ANNOTATION, SERVICE_LOCAL_PORTS_ANNOTATION } from './service-proxy.ts';
export { POD_LOCAL_PORT_ANNOTATION } from './kubelet/port-mapping.ts';
export { PROBE_PERIOD_ANNOTATION } from './kubelet/pod-runtime.ts';
export { MESH_HTTP_ANNOTATION } from './mesh/mesh-registry.ts';

export interface LocalServiceAddress {
  readonly namespace: string;
  readonly name: string;
  /** The Service's port. */
  readonly port: number;
  /** 127.0.0.1 */
  readonly host: string;
  /** The loopback listener. */
  readonly localPort: number;
}

export interface LocalCluster {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** Written file: context 'rebound-local', cluster server=url, insecure-skip-tls-verify: true. */
  readonly kubeconfigPath: string;
  /** Snapshot after the manifests were applied. */
  readonly services: readonly LocalServiceAddress[];
  serviceAddress(namespace: string, name: string, port: number): LocalServiceAddress | undefined;
  /**
   * Prometheus text exposition of the mesh's Istio standard metrics (`istio_requests_total`,
   * `istio_request_duration_milliseconds`): http://127.0.0.1:PORT/stats/prometheus (docs/mesh.md).
   */
  readonly meshMetricsUrl: string;
  /** Process-group ids of a pod's running containers (empty when none run). */
  podPids(namespace: string, name: string): number[];
  /** Stops every pod process (SIGTERM then SIGKILL, whole process group) and the servers; no orphans. */
  close(): Promise<void>;
}

export interface LocalClusterOptions {
  /** Files or directories of YAML. */
  manifests?: string | readonly string[];
  /** 0 = ephemeral (default). */
  port?: number;
  /** Default: a temp file (removed on close). */
  kubeconfigPath?: string;
  baseDir?: string;
  /** Default true: resolve once every Deployment is available. */
  waitForReady?: boolean;
  /** Default 30 000. */
  readyTimeoutMs?: number;
  /** First CrashLoopBackOff delay (default 1000 ms); doubles up to crashBackoffMaxMs (default 30 000). */
  crashBackoffMs?: number;
  crashBackoffMaxMs?: number;
  /** How many changes watches can resume from before 410 Expired (default 10 000). */
  watchHistoryLimit?: number;
  /** Cap on each pod's grace period when the cluster closes (default 2000 ms). */
  shutdownGraceMs?: number;
  /** Aborting stops the wait for readiness: every pod is stopped and start-up rejects. */
  signal?: AbortSignal;
  /** Seed of the mesh's random choices (weights, fault percentages, balancers); default: unseeded. */
  meshSeed?: number;
  /** Loopback port of the mesh metrics endpoint; 0 = ephemeral (default). */
  meshMetricsPort?: number;
}

function defaultBaseDir(manifests: readonly string[]): string {
  const first = manifests[0];
  if (!first) return process.cwd();
  const full = resolve(first);
  try {
    return statSync(full).isDirectory() ? full : dirname(full);
  } catch {
    return dirname(full);
  }
}

export async function startLocalCluster(options: LocalClusterOptions = {}): Promise<LocalCluster> {
  const manifests = options.manifests === undefined ? [] : typeof options.manifests === 'string' ? [options.manifests] : [...options.manifests];
  const baseDir = resolve(options.baseDir ?? defaultBaseDir(manifests));
  // parse first: a bad manifest fails before anything is started
  const objects = await loadManifests(manifests);

  const registry = new ResourceRegistry();
  const store = new ObjectStore(options.watchHistoryLimit);
  const core = new ApiCore(store, registry);
  const events = new EventRecorder(core);
  const mesh = new LocalMesh(store, { ...(options.meshSeed !== undefined ? { seed: options.meshSeed } : {}), ...(options.meshMetricsPort !== undefined ? { metricsPort: options.meshMetricsPort } : {}) });
  const proxy = new ServiceProxy(core, events, mesh);
  let apiPort = 0;
  const kubelet = new Kubelet({
    core,
    events,
    baseDir,
    apiPort: () => apiPort,
    serviceEnv: (namespace) => proxy.serviceEnv(namespace),
    allocatePort: () => freeLoopbackPort(),
    backoffBaseMs: options.crashBackoffMs ?? 1000,
    backoffMaxMs: options.crashBackoffMaxMs ?? 30_000,
  });
  const controllers = [new DeploymentController(core, events), new ReplicaSetController(core, events), new EndpointsController(core)];
  const api = new ApiHttpServer(core, { podLog: (ns, name, opts) => kubelet.podLog(ns, name, opts) });

  let tempDir: string | undefined;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    for (const controller of controllers) controller.stop();
    await proxy.close();
    await mesh.close();
    await kubelet.shutdown(options.shutdownGraceMs ?? 2000);
    await api.close();
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
  };

  try {
    const requestedPort = options.port ?? 0;
    try {
      apiPort = await api.listen(requestedPort);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new InfraError(code === 'EADDRINUSE' ? `port ${requestedPort} is already in use (API server)` : `cannot start the API server on 127.0.0.1:${requestedPort}: ${(error as Error).message}`);
    }
    const url = `http://127.0.0.1:${apiPort}`;
    try {
      await mesh.start();
    } catch (error) {
      const port = options.meshMetricsPort ?? 0;
      throw new InfraError(`cannot start the mesh metrics endpoint on 127.0.0.1:${port}: ${(error as Error).message}`);
    }
    proxy.start();
    for (const controller of controllers) controller.start();
    kubelet.start();
    applyManifests(core, objects);
    await proxy.ready();

    let kubeconfigPath = options.kubeconfigPath;
    if (!kubeconfigPath) {
      tempDir = await mkdtemp(join(tmpdir(), 'rebound-cluster-'));
      kubeconfigPath = join(tempDir, 'kubeconfig.yaml');
    }
    kubeconfigPath = resolve(kubeconfigPath);
    await writeKubeconfig(kubeconfigPath, url);

    if (options.waitForReady ?? true) await waitUntilReady(core, kubelet, options.readyTimeoutMs ?? 30_000, options.signal);
    const addresses = (): LocalServiceAddress[] =>
      proxy.listeners().map((l) => ({ namespace: l.namespace, name: l.name, port: l.port, host: '127.0.0.1', localPort: l.localPort }));
    return {
      url,
      kubeconfigPath,
      meshMetricsUrl: mesh.metricsUrl,
      services: addresses(),
      serviceAddress: (namespace, name, port) => addresses().find((a) => a.namespace === namespace && a.name === name && a.port === port),
      podPids: (namespace, name) => kubelet.podPids(namespace, name),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

function deploymentAvailable(deployment: KubeObject): boolean {
  const desired = Number(deployment.spec?.replicas ?? 1);
  const status = deployment.status ?? {};
  return (status.observedGeneration ?? 0) >= (deployment.metadata.generation ?? 1) && Number(status.updatedReplicas ?? 0) >= desired && Number(status.availableReplicas ?? 0) >= desired && Number(status.replicas ?? 0) === desired;
}

/** Waits for every Deployment to be available; on timeout names the pods not Ready with their last log lines. */
async function waitUntilReady(core: ApiCore, kubelet: Kubelet, timeoutMs: number, signal: AbortSignal | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (signal?.aborted) throw new InfraError('local cluster start-up was interrupted');
    const pending = core.store.list('deployments.apps').filter((d) => !deploymentAvailable(d));
    if (pending.length === 0) return;
    if (Date.now() >= deadline) {
      const lines: string[] = [];
      for (const d of pending) {
        lines.push(`deployment ${d.metadata.namespace}/${d.metadata.name}: ${d.status?.availableReplicas ?? 0}/${d.spec?.replicas ?? 1} available`);
      }
      for (const pod of core.store.list('pods')) {
        if (isPodReady(pod)) continue;
        const waiting = (pod.status?.containerStatuses ?? []).map((cs: any) => cs.state?.waiting?.reason ?? (cs.state?.running ? 'Running (not ready)' : cs.state?.terminated?.reason)).filter(Boolean).join(', ');
        lines.push(`  pod ${pod.metadata.namespace}/${pod.metadata.name} not Ready${waiting ? ` (${waiting})` : ''}`);
        const log = kubelet.podLog(pod.metadata.namespace!, pod.metadata.name!, { tailLines: 5 }).trimEnd();
        if (log) lines.push(...log.split('\n').map((line) => `    | ${line}`));
      }
      throw new InfraError(`local cluster not ready after ${timeoutMs} ms:\n${lines.join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}
