/**
 * Kubernetes access for faults and the runner, through @kubernetes/client-node only.
 *
 * Loading is explicit: a kubeconfig path, else $KUBECONFIG, else ~/.kube/config. client-node's
 * silent fallback to http://localhost:8080 is refused with the list of paths tried. A context
 * other than the local control plane's needs --yes or the experiment's allowContexts.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { CoreV1Api, KubeConfig, VersionApi, type V1Service } from '@kubernetes/client-node';
import { InfraError, UsageError } from '../errors.ts';
import { describeKubeError } from './kube-errors.ts';
import { deadlineSignal } from '../util/deadline-signal.ts';

export { describeKubeError };

/** The context name the local control plane writes into its kubeconfig. */
export const LOCAL_CONTEXT = 'rebound-local';

export interface KubeAccess {
  readonly config: KubeConfig;
  readonly core: CoreV1Api;
  readonly context: string;
  readonly server: string;
  /** True when the context is the local control plane's. */
  readonly local: boolean;
  /** The kubeconfig file(s) loaded. */
  readonly kubeconfigPaths: readonly string[];
}

export interface KubeAccessOptions {
  /** Explicit kubeconfig path (from --kubeconfig or the experiment). */
  readonly kubeconfig?: string;
  /** Context to use; default the kubeconfig's current context. */
  readonly context?: string;
  /** Contexts allowed without --yes. */
  readonly allowContexts?: readonly string[];
  /** --yes: allow any context. */
  readonly yes?: boolean;
  readonly env?: NodeJS.ProcessEnv;
  readonly home?: string;
  /** Bound on every API request (watches excepted). Default 10 s. */
  readonly requestTimeoutMs?: number;
  /**
   * The signal a request made now should also be aborted by (the run's, while it starts up: Ctrl-C
   * never waits on the API server); undefined while reverting, which must never be cut short.
   */
  readonly abortWith?: () => AbortSignal | undefined;
}

export const KUBE_REQUEST_TIMEOUT_MS = 10_000;

/**
 * Gives every request made through this KubeConfig's API clients a deadline and the run's abort
 * signal. client-node sets no timeout of its own, so an API server that accepts connections and
 * never answers would otherwise hold a request (and the run) for as long as the socket lives.
 * Every API client authenticates each request through the KubeConfig: that is the one hook all
 * requests pass.
 */
function boundRequests(config: KubeConfig, timeoutMs: number, abortWith: (() => AbortSignal | undefined) | undefined): void {
  const authenticate = config.applySecurityAuthentication.bind(config);
  config.applySecurityAuthentication = async (context) => {
    await authenticate(context);
    context.setSignal(deadlineSignal(timeoutMs, abortWith?.()));
  };
}

export function loadKubeAccess(options: KubeAccessOptions): KubeAccess {
  const env = options.env ?? process.env;
  const tried: string[] = [];
  const config = new KubeConfig();
  let loaded: string[] = [];
  if (options.kubeconfig) {
    tried.push(options.kubeconfig);
    if (existsSync(options.kubeconfig)) loaded = [options.kubeconfig];
  } else if (env.KUBECONFIG) {
    const files = env.KUBECONFIG.split(delimiter).filter(Boolean);
    tried.push(...files.map((file) => `${file} (from KUBECONFIG)`));
    loaded = files.filter((file) => existsSync(file));
  } else {
    const file = join(options.home ?? homedir(), '.kube', 'config');
    tried.push(file);
    if (existsSync(file)) loaded = [file];
  }
  if (loaded.length === 0) {
    throw new InfraError(
      `no kubeconfig found (tried ${tried.join(', ')}); refusing client-node's fallback to http://localhost:8080`,
      'pass --kubeconfig PATH, set KUBECONFIG, or use target.kubernetes.local',
    );
  }
  try {
    config.loadFromFile(loaded[0]!);
    for (const file of loaded.slice(1)) {
      const more = new KubeConfig();
      more.loadFromFile(file);
      config.mergeConfig(more);
    }
  } catch (error) {
    throw new InfraError(`cannot read kubeconfig ${loaded.join(', ')}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (options.context) {
    if (!config.getContextObject(options.context)) {
      const known = config.getContexts().map((context) => context.name);
      throw new UsageError(`context '${options.context}' is not in ${loaded.join(', ')} (contexts: ${known.join(', ') || 'none'})`);
    }
    config.setCurrentContext(options.context);
  }
  const context = config.getCurrentContext();
  const cluster = config.getCurrentCluster();
  if (!context || !cluster) {
    throw new InfraError(`kubeconfig ${loaded.join(', ')} has no current context or cluster; refusing client-node's fallback to http://localhost:8080`, 'pass --context NAME');
  }
  const local = context === LOCAL_CONTEXT;
  if (!local && !options.yes && !(options.allowContexts ?? []).includes(context)) {
    throw new UsageError(
      `refusing to inject faults into Kubernetes context '${context}' (${cluster.server}); pass --yes, or list it in target.kubernetes.allowContexts`,
    );
  }
  boundRequests(config, options.requestTimeoutMs ?? KUBE_REQUEST_TIMEOUT_MS, options.abortWith);
  return { config, core: config.makeApiClient(CoreV1Api), context, server: cluster.server, local, kubeconfigPaths: loaded };
}

/** The API server's version (also the reachability probe): unreachable → InfraError naming the server. */
export async function kubernetesVersion(access: KubeAccess): Promise<string> {
  try {
    const info = await access.config.makeApiClient(VersionApi).getCode();
    return info.gitVersion;
  } catch (error) {
    throw new InfraError(`Kubernetes API server ${access.server} (context ${access.context}) is not reachable: ${describeKubeError(error)}`);
  }
}

/**
 * A Service of the cluster, or undefined when it does not exist (404). Any other failure is an
 * InfraError naming the Service and the server.
 */
export async function readService(access: KubeAccess, namespace: string, name: string): Promise<V1Service | undefined> {
  try {
    return await access.core.readNamespacedService({ name, namespace });
  } catch (error) {
    if ((error as { code?: unknown }).code === 404) return undefined;
    throw new InfraError(`cannot read Service ${namespace}/${name} from ${access.server} (context ${access.context}): ${describeKubeError(error)}`);
  }
}
