/**
 * Resolving the target: start what the experiment asks to run locally (embedded Toxiproxy,
 * local control plane), connect to the rest (a Toxiproxy URL, a kubeconfig), create missing
 * proxies, and turn endpoint references into URLs.
 */
import type { AddressRef, EndpointRef, ResolvedExperiment } from '../experiment/resolved.ts';
import { InfraError, PreflightError } from '../errors.ts';
import type { KubeAccess } from '../faults/kube.ts';
import type { ScrapeTarget } from '../prometheus/config.ts';
import type { PrometheusConnection } from '../prometheus/open.ts';
import { ToxiproxyClient } from '../faults/toxiproxy-client.ts';
import { resolveEndpointRef, resolveUpstreamRef, type ServiceResolver } from './addresses.ts';
import type { DelayStats } from './harness-check.ts';
import { InfraProcess } from './infra-process.ts';
import type { JournalProcess, JournalProxy } from './journal.ts';

export interface ToxiproxyConnection {
  readonly client: ToxiproxyClient;
  readonly url: string;
  readonly embedded: boolean;
  readonly version: string;
  /** Proxies this run created (removed again at the end on an external Toxiproxy). */
  readonly created: readonly string[];
  /** A Toxiproxy reached through a Service of the local plane this run started: it dies with the plane. */
  readonly hostedByLocalPlane: boolean;
  /** Dry run on an external Toxiproxy: proxies a real run would create (not created now). */
  readonly wouldCreate: readonly { readonly name: string; readonly listen: string; readonly upstream: string }[];
  /** name → upstream as configured. */
  readonly upstreams: Readonly<Record<string, string>>;
  /** name → listen address as the server reports it. */
  readonly listens: Readonly<Record<string, string>>;
  /** How each proxy's upstream resolved. */
  readonly references: readonly ResolvedReference[];
}

export interface KubeConnection {
  readonly access: KubeAccess;
  readonly namespace: string;
  readonly version: string;
  /** The local control plane's API URL when this run started it. */
  readonly localPlaneUrl?: string;
  /** The local plane's mesh metrics endpoint (Istio's istio_requests_total, …), when it exposes one. */
  readonly meshMetricsUrl?: string;
}

export interface OpenTarget {
  readonly toxiproxy?: ToxiproxyConnection;
  readonly kube?: KubeConnection;
  /** target.prometheus: what prometheus checks query (src/prometheus/). */
  readonly prometheus?: PrometheusConnection;
  /** Endpoint name → base URL. */
  readonly endpoints: Readonly<Record<string, string>>;
  /** How each endpoint and proxy upstream resolved (printed by --dry-run). */
  readonly references: readonly ResolvedReference[];
  /** Stops what this run started (call after every revert). */
  close(): Promise<void>;
  /** Event-loop delay of each process hosting local infrastructure (embedded Toxiproxy, local plane) so far. */
  infrastructureStats(): Promise<{ role: string; eventLoopDelayMs: DelayStats }[]>;
}

export interface ResolvedReference {
  /** `target.endpoints.NAME` or `target.toxiproxy.proxies[NAME].upstream`. */
  readonly field: string;
  /** As written: `service/checkout:80`, a URL, `proxy/NAME`, host:port. */
  readonly ref: string;
  readonly address: string;
  readonly via: string;
}

export interface OpenTargetOptions {
  readonly yes?: boolean;
  /** Change nothing on an external Toxiproxy (missing proxies are only planned). */
  readonly dryRun?: boolean;
  readonly env?: NodeJS.ProcessEnv;
  /** The run's abort signal: waiting for local infrastructure to start stops when it fires. */
  readonly signal?: AbortSignal;
  /**
   * The signal a Toxiproxy or Kubernetes request made now should also be aborted by: the run's
   * while it starts up (Ctrl-C never waits on a silent server), none while it reverts and closes
   * (a revert is never cut short; each request still has its deadline).
   */
  readonly abortWith?: () => AbortSignal | undefined;
  /** Told as soon as local infrastructure is up, so that the journal can list it. */
  readonly onInfrastructure?: (info: { embeddedToxiproxyUrl?: string; localPlaneUrl?: string; localPlaneKubeconfig?: string }) => Promise<void>;
  /**
   * Told about each child process hosting local infrastructure as soon as it exists and BEFORE it
   * starts anything (journal it: a sweep kills it after a crash).
   */
  readonly onProcess?: (record: JournalProcess) => Promise<void>;
  /** What an embedded Prometheus scrapes besides the local plane's pods (e.g. Rebound's --metrics endpoint). */
  readonly scrapeTargets?: readonly ScrapeTarget[];
  /** Told before a proxy is created on an external Toxiproxy (and again with its real listen address). */
  readonly onProxyCreating?: (record: JournalProxy) => Promise<void>;
  /** Told once a proxy this run created on an external Toxiproxy was removed again. */
  readonly onProxyRemoved?: (record: JournalProxy) => Promise<void>;
}

export async function openTarget(experiment: ResolvedExperiment, options: OpenTargetOptions = {}): Promise<OpenTarget> {
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    const errors: unknown[] = [];
    for (const closer of closers.reverse()) {
      try {
        await closer();
      } catch (error) {
        errors.push(error);
      }
    }
    closers.length = 0;
    if (errors.length > 0) throw new InfraError(`could not stop the local infrastructure: ${errors.map((e) => (e instanceof Error ? e.message : String(e))).join('; ')}`);
  };
  const hosts: InfraProcess[] = [];
  const host = (infra: InfraProcess) => {
    hosts.push(infra);
    closers.push(async () => {
      await infra.close();
    });
  };
  // The embedded Toxiproxy's process starts while the local plane comes up (it needs nothing from it).
  const embedded = experiment.target.toxiproxy?.mode === 'embedded' ? startEmbeddedToxiproxy(experiment.target.toxiproxy, options).then((infra) => (host(infra), infra)) : undefined;
  embedded?.catch(() => undefined);
  const infrastructureStats = async () => {
    const stats = await Promise.all(hosts.map(async (infra) => ({ role: infra.role, eventLoopDelayMs: await infra.stats() })));
    return stats.filter((s): s is { role: string; eventLoopDelayMs: DelayStats } => s.eventLoopDelayMs !== undefined);
  };
  try {
    const { kube, services } = await openKubernetes(experiment, options, host);
    const toxiproxy = await openToxiproxy(experiment, services, options, closers, embedded);
    // A proxy asked to listen on port 0 got an ephemeral port: endpoints use the real one.
    const proxies = (experiment.target.toxiproxy?.proxies ?? []).map((spec) => ({ ...spec, listen: toxiproxy?.listens[spec.name] ?? spec.listen }));
    const endpoints: Record<string, string> = {};
    const references: ResolvedReference[] = [...(toxiproxy?.references ?? [])];
    for (const [name, ref] of Object.entries(experiment.target.endpoints)) {
      const resolved = resolveEndpointRef(name, ref, services, proxies);
      endpoints[name] = resolved.address;
      references.push({ field: `target.endpoints.${name}`, ref: describeRef(ref), ...resolved });
    }
    const prometheus = await openPrometheusTarget(experiment, kube, options, closers);
    return { toxiproxy, kube, ...(prometheus ? { prometheus } : {}), endpoints, references, close, infrastructureStats };
  } catch (error) {
    await embedded?.catch(() => undefined);
    await close().catch(() => undefined);
    throw error;
  }
}

async function openPrometheusTarget(
  experiment: ResolvedExperiment,
  kube: KubeConnection | undefined,
  options: OpenTargetOptions,
  closers: (() => Promise<void>)[],
): Promise<PrometheusConnection | undefined> {
  const target = experiment.target.prometheus;
  if (!target) return undefined;
  const { openPrometheus } = await import('../prometheus/open.ts');
  const { meshScrapeTarget } = await import('../prometheus/targets.ts');
  const mesh = meshScrapeTarget(kube?.meshMetricsUrl);
  const opened = await openPrometheus(target, {
    ...(kube?.localPlaneUrl ? { localPlane: { access: kube.access, namespace: kube.namespace } } : {}),
    scrapeTargets: [...(options.scrapeTargets ?? []), ...(mesh ? [mesh] : [])],
    ...(options.onProcess ? { onSpawn: options.onProcess } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.env ? { env: options.env } : {}),
  });
  closers.push(opened.close);
  return opened.connection;
}

async function startEmbeddedToxiproxy(target: { host: string; port: number }, options: OpenTargetOptions): Promise<InfraProcess> {
  return InfraProcess.start(
    { type: 'start', role: 'toxiproxy', host: target.host, port: target.port },
    { ...(options.onProcess ? { onSpawn: options.onProcess } : {}), ...(options.signal ? { signal: options.signal } : {}) },
  );
}

async function openKubernetes(
  experiment: ResolvedExperiment,
  options: OpenTargetOptions,
  host: (infra: InfraProcess) => void,
): Promise<{ kube?: KubeConnection; services: ServiceResolver }> {
  const target = experiment.target.kubernetes;
  if (!target) return { services: { mode: 'none', namespace: 'default' } };
  // client-node is heavy to load: only runs that use Kubernetes pay for it.
  const { kubernetesVersion, loadKubeAccess } = await import('../faults/kube.ts');
  if (target.mode === 'local') {
    let planeHost;
    try {
      // Out of the runner's process: the plane's Service listeners carry all of the SUT's traffic.
      // The plane writes its kubeconfig to a temp file of its own, removed on close.
      planeHost = await InfraProcess.start(
        { type: 'start', role: 'cluster', manifests: target.manifests, port: 0, waitForReady: true },
        { ...(options.onProcess ? { onSpawn: options.onProcess } : {}), ...(options.signal ? { signal: options.signal } : {}) },
      );
    } catch (error) {
      if (error instanceof InfraError) throw error;
      throw new InfraError(`could not start the local control plane from ${target.manifests}: ${error instanceof Error ? error.message : String(error)}`);
    }
    host(planeHost);
    const plane = planeHost.ready;
    await options.onInfrastructure?.({ localPlaneUrl: plane.url, localPlaneKubeconfig: plane.kubeconfigPath });
    // We started this plane ourselves: its context needs no --yes.
    const access = loadKubeAccess({ kubeconfig: plane.kubeconfigPath, yes: true, env: options.env, ...(options.abortWith ? { abortWith: options.abortWith } : {}) });
    const version = await kubernetesVersion(access);
    return {
      kube: { access, namespace: target.namespace, version, localPlaneUrl: plane.url, meshMetricsUrl: plane.meshMetricsUrl },
      services: {
        mode: 'local',
        namespace: target.namespace,
        serviceAddress: (ns, name, port) => plane.services.find((a) => a.namespace === ns && a.name === name && a.port === port),
        hostsLocalPort: (port) => plane.services.some((a) => a.localPort === port),
      },
    };
  }
  const access = loadKubeAccess({
    kubeconfig: target.kubeconfig,
    context: target.context,
    allowContexts: target.allowedContexts,
    yes: options.yes,
    env: options.env,
    ...(options.abortWith ? { abortWith: options.abortWith } : {}),
  });
  const version = await kubernetesVersion(access);
  // service/NAME:PORT is read through the API: the local-ports annotation, a LoadBalancer's
  // ingress, or cluster DNS (service-routes.ts).
  const { readServiceRoutes, routeKey, serviceReferences } = await import('./service-routes.ts');
  const routes = await readServiceRoutes(access, target.namespace, serviceReferences(experiment));
  return {
    kube: { access, namespace: target.namespace, version },
    services: { mode: 'cluster', namespace: target.namespace, route: (name, port) => routes.get(routeKey(name, port)) },
  };
}

async function openToxiproxy(
  experiment: ResolvedExperiment,
  services: ServiceResolver,
  options: OpenTargetOptions,
  closers: (() => Promise<void>)[],
  embedded: Promise<InfraProcess> | undefined,
): Promise<ToxiproxyConnection | undefined> {
  const target = experiment.target.toxiproxy;
  if (!target) return undefined;
  let url: string;
  if (target.mode === 'embedded') {
    const server = await embedded!;
    url = server.ready.url;
    await options.onInfrastructure?.({ embeddedToxiproxyUrl: url });
  } else {
    url = target.url;
  }
  const client = new ToxiproxyClient(url, options.abortWith ? { abortWith: options.abortWith } : {});
  const version = await client.version();
  const created: string[] = [];
  const wouldCreate: { name: string; listen: string; upstream: string }[] = [];
  const upstreams: Record<string, string> = {};
  const listens: Record<string, string> = {};
  const references: ResolvedReference[] = [];
  const existing = new Map((await client.listProxies()).map((proxy) => [proxy.name, proxy]));
  // Registered before the first create, so that a create failing later still removes the earlier ones.
  if (target.mode === 'url') {
    closers.push(async () => {
      for (const name of created) {
        await client.deleteProxy(name);
        await options.onProxyRemoved?.({ toxiproxyUrl: url, name, listen: listens[name]!, upstream: upstreams[name]! });
      }
    });
  }
  for (const spec of target.proxies) {
    const resolved = resolveUpstreamRef(spec.name, spec.upstream, services);
    const upstream = resolved.address;
    upstreams[spec.name] = upstream;
    references.push({ field: `target.toxiproxy.proxies[${spec.name}].upstream`, ref: describeRef(spec.upstream), ...resolved });
    const current = existing.get(spec.name);
    if (current) {
      listens[spec.name] = current.listen;
      const sameListen = current.listen === spec.listen || (spec.listen.endsWith(':0') && current.listen.startsWith(spec.listen.slice(0, -1)));
      if (!sameListen || current.upstream !== upstream) {
        throw new PreflightError(
          `proxy ${spec.name} already exists on ${url} with listen ${current.listen} and upstream ${current.upstream}; the experiment wants listen ${spec.listen} and upstream ${upstream}`,
          'remove or rename the proxy, or align the experiment',
        );
      }
      continue;
    }
    if (options.dryRun && target.mode === 'url') {
      wouldCreate.push({ name: spec.name, listen: spec.listen, upstream });
      continue;
    }
    const external = target.mode === 'url';
    // Journaled before it exists: a run SIGKILLed from here on leaves a proxy that cleanup removes.
    const planned: JournalProxy = { toxiproxyUrl: url, name: spec.name, listen: spec.listen, upstream };
    if (external) await options.onProxyCreating?.(planned);
    let proxy;
    try {
      proxy = await client.createProxy({ name: spec.name, listen: spec.listen, upstream });
    } catch (error) {
      // When the server shows nothing was created, there is nothing for a later cleanup to remove.
      if (external && (await client.findProxy(spec.name).then((found) => found === undefined, () => false))) await options.onProxyRemoved?.(planned);
      throw error;
    }
    listens[spec.name] = proxy.listen;
    created.push(spec.name);
    if (external && proxy.listen !== spec.listen) await options.onProxyCreating?.({ ...planned, listen: proxy.listen });
  }
  const hostedByLocalPlane = target.mode === 'url' && isLoopbackUrl(url) && services.hostsLocalPort?.(Number(new URL(url).port)) === true;
  return { client, url, embedded: target.mode === 'embedded', version, created, hostedByLocalPlane, wouldCreate, upstreams, listens, references };
}

function describeRef(ref: AddressRef | EndpointRef): string {
  switch (ref.kind) {
    case 'address':
      return ref.address;
    case 'url':
      return ref.url;
    case 'service':
      return `service/${ref.service}:${ref.port}`;
    case 'proxy':
      return `proxy/${ref.proxy}`;
  }
}

function isLoopbackUrl(url: string): boolean {
  const host = new URL(url).hostname;
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
