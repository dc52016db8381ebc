/**
 * Resolving the target: start what the experiment asks to run locally (embedded Toxiproxy,
 * local control plane), connect to the rest (a Toxiproxy URL, a kubeconfig), create missing
 * proxies, and turn endpoint references into URLs.
 */
import type { ResolvedExperiment } from '../experiment/resolved.ts';
import { InfraError, PreflightError } from '../errors.ts';
import type { KubeAccess } from '../faults/kube.ts';
import { ToxiproxyClient } from '../faults/toxiproxy-client.ts';
import { resolveEndpoint, resolveUpstream, type ServiceResolver } from './addresses.ts';

export interface ToxiproxyConnection {
  readonly client: ToxiproxyClient;
  readonly url: string;
  readonly embedded: boolean;
  readonly version: string;
  /** Proxies this run created (removed again at the end on an external Toxiproxy). */
  readonly created: readonly string[];
  /** Dry run on an external Toxiproxy: proxies a real run would create (not created now). */
  readonly wouldCreate: readonly { readonly name: string; readonly listen: string; readonly upstream: string }[];
  /** name → upstream as configured. */
  readonly upstreams: Readonly<Record<string, string>>;
  /** name → listen address as the server reports it. */
  readonly listens: Readonly<Record<string, string>>;
}

export interface KubeConnection {
  readonly access: KubeAccess;
  readonly namespace: string;
  readonly version: string;
  /** The local control plane's API URL when this run started it. */
  readonly localPlaneUrl?: string;
}

export interface OpenTarget {
  readonly toxiproxy?: ToxiproxyConnection;
  readonly kube?: KubeConnection;
  /** Endpoint name → base URL. */
  readonly endpoints: Readonly<Record<string, string>>;
  /** Stops what this run started (call after every revert). */
  close(): Promise<void>;
}

export interface OpenTargetOptions {
  readonly yes?: boolean;
  /** Change nothing on an external Toxiproxy (missing proxies are only planned). */
  readonly dryRun?: boolean;
  readonly env?: NodeJS.ProcessEnv;
  /** Told as soon as local infrastructure is up, so that the journal can list it. */
  readonly onInfrastructure?: (info: { embeddedToxiproxyUrl?: string; localPlaneUrl?: string; localPlaneKubeconfig?: string }) => Promise<void>;
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
  try {
    const { kube, services } = await openKubernetes(experiment, options, closers);
    const toxiproxy = await openToxiproxy(experiment, services, options, closers);
    // A proxy asked to listen on port 0 got an ephemeral port: endpoints use the real one.
    const proxies = (experiment.target.toxiproxy?.proxies ?? []).map((spec) => ({ ...spec, listen: toxiproxy?.listens[spec.name] ?? spec.listen }));
    const endpoints: Record<string, string> = {};
    for (const [name, ref] of Object.entries(experiment.target.endpoints)) endpoints[name] = resolveEndpoint(name, ref, services, proxies);
    return { toxiproxy, kube, endpoints, close };
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}

async function openKubernetes(
  experiment: ResolvedExperiment,
  options: OpenTargetOptions,
  closers: (() => Promise<void>)[],
): Promise<{ kube?: KubeConnection; services: ServiceResolver }> {
  const target = experiment.target.kubernetes;
  if (!target) return { services: { mode: 'none', namespace: 'default' } };
  // client-node is heavy to load: only runs that use Kubernetes pay for it.
  const { kubernetesVersion, loadKubeAccess } = await import('../faults/kube.ts');
  if (target.mode === 'local') {
    const { startLocalCluster } = await import('../localcluster/index.ts');
    let plane;
    try {
      // The plane writes its kubeconfig to a temp file of its own, removed on close.
      plane = await startLocalCluster({ manifests: target.manifests, port: 0, waitForReady: true });
    } catch (error) {
      if (error instanceof InfraError) throw error;
      throw new InfraError(`could not start the local control plane from ${target.manifests}: ${error instanceof Error ? error.message : String(error)}`);
    }
    closers.push(() => plane.close());
    await options.onInfrastructure?.({ localPlaneUrl: plane.url, localPlaneKubeconfig: plane.kubeconfigPath });
    // We started this plane ourselves: its context needs no --yes.
    const access = loadKubeAccess({ kubeconfig: plane.kubeconfigPath, yes: true, env: options.env });
    const version = await kubernetesVersion(access);
    return {
      kube: { access, namespace: target.namespace, version, localPlaneUrl: plane.url },
      services: { mode: 'local', namespace: target.namespace, serviceAddress: (ns, name, port) => plane.serviceAddress(ns, name, port) },
    };
  }
  const access = loadKubeAccess({
    kubeconfig: target.kubeconfig,
    context: target.context,
    allowContexts: target.allowedContexts,
    yes: options.yes,
    env: options.env,
  });
  const version = await kubernetesVersion(access);
  return { kube: { access, namespace: target.namespace, version }, services: { mode: 'cluster', namespace: target.namespace } };
}

async function openToxiproxy(
  experiment: ResolvedExperiment,
  services: ServiceResolver,
  options: OpenTargetOptions,
  closers: (() => Promise<void>)[],
): Promise<ToxiproxyConnection | undefined> {
  const target = experiment.target.toxiproxy;
  if (!target) return undefined;
  let url: string;
  if (target.mode === 'embedded') {
    const { startToxiproxy } = await import('../toxiproxy/index.ts');
    const server = await startToxiproxy({ host: target.host, port: target.port });
    closers.push(() => server.close());
    url = server.url;
    await options.onInfrastructure?.({ embeddedToxiproxyUrl: url });
  } else {
    url = target.url;
  }
  const client = new ToxiproxyClient(url);
  const version = await client.version();
  const created: string[] = [];
  const wouldCreate: { name: string; listen: string; upstream: string }[] = [];
  const upstreams: Record<string, string> = {};
  const listens: Record<string, string> = {};
  const existing = new Map((await client.listProxies()).map((proxy) => [proxy.name, proxy]));
  for (const spec of target.proxies) {
    const upstream = resolveUpstream(spec.name, spec.upstream, services);
    upstreams[spec.name] = upstream;
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
    const proxy = await client.createProxy({ name: spec.name, listen: spec.listen, upstream });
    listens[spec.name] = proxy.listen;
    created.push(spec.name);
  }
  if (target.mode === 'url' && created.length > 0) {
    closers.push(async () => {
      for (const name of created) await client.deleteProxy(name);
    });
  }
  return { client, url, embedded: target.mode === 'embedded', version, created, wouldCreate, upstreams, listens };
}
