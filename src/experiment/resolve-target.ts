/** target: Kubernetes (local plane or kubeconfig), Toxiproxy (embedded or URL) and named endpoints. */
import { manifestProblem } from './check-manifests.ts';
import type { AddressRef, EndpointRef, KubernetesTarget, PrometheusTarget, ProxySpec, ResolvedTarget, ToxiproxyTarget } from './resolved.ts';
import { didYouMean } from './did-you-mean.ts';
import { isRecord, list, type ResolveContext } from './resolve-context.ts';
import type { TargetSpec } from './spec.ts';

const SERVICE_REF = /^service\/([a-z0-9](?:[-a-z0-9]*[a-z0-9])?):(\d{1,5})$/;
const PROXY_REF = /^proxy\/([A-Za-z0-9_.-]+)$/;
const ENDPOINT_NAME = /^[A-Za-z0-9_-]+$/;

export function resolveTarget(ctx: ResolveContext, spec: TargetSpec | undefined): ResolvedTarget {
  const target = isRecord(spec) ? spec : {};
  let kubernetes: KubernetesTarget | undefined;
  let toxiproxy: ToxiproxyTarget | undefined;
  ctx.guard(() => {
    if (isRecord(target.kubernetes)) kubernetes = resolveKubernetes(ctx, target.kubernetes as NonNullable<TargetSpec['kubernetes']>);
  });
  ctx.guard(() => {
    if (isRecord(target.toxiproxy)) toxiproxy = resolveToxiproxy(ctx, target.toxiproxy as NonNullable<TargetSpec['toxiproxy']>);
  });
  let prometheus: PrometheusTarget | undefined;
  ctx.guard(() => {
    if (isRecord(target.prometheus)) prometheus = resolvePrometheus(ctx, target.prometheus as NonNullable<TargetSpec['prometheus']>);
  });
  const endpoints: Record<string, EndpointRef> = {};
  ctx.guard(() => {
    if (!isRecord(target.endpoints)) return;
    const proxyNames = toxiproxy?.proxies.map((p) => p.name) ?? [];
    for (const [name, value] of Object.entries(target.endpoints)) {
      const path = ['target', 'endpoints', name];
      if (!ENDPOINT_NAME.test(name)) ctx.error(path, `endpoint name "${name}" must be letters, digits, '_' and '-' (it is used as {{endpoints.${name}}})`, 'key');
      if (typeof value !== 'string') continue;
      const endpoint = resolveEndpoint(ctx, path, value, proxyNames);
      if (endpoint) endpoints[name] = endpoint;
    }
  });
  return { ...(kubernetes ? { kubernetes } : {}), ...(toxiproxy ? { toxiproxy } : {}), ...(prometheus ? { prometheus } : {}), endpoints };
}

function resolveKubernetes(ctx: ResolveContext, spec: NonNullable<TargetSpec['kubernetes']>): KubernetesTarget {
  const base = ['target', 'kubernetes'];
  const namespace = spec.namespace ?? 'default';
  if (spec.local !== undefined) {
    for (const key of ['kubeconfig', 'context', 'allowContexts'] as const) {
      if (spec[key] !== undefined) ctx.error([...base, key], `"${key}" cannot be used with "local" (local starts its own control plane; use one or the other)`, 'key');
    }
    const manifests = ctx.path(spec.local);
    const problem = manifestProblem(manifests);
    if (problem) ctx.error([...base, 'local'], problem);
    return { mode: 'local', manifests, namespace };
  }
  return {
    mode: 'kubeconfig',
    ...(spec.kubeconfig !== undefined ? { kubeconfig: ctx.path(spec.kubeconfig) } : {}),
    ...(spec.context !== undefined ? { context: spec.context } : {}),
    namespace,
    allowedContexts: [...list(spec.allowContexts)],
  };
}

function resolveToxiproxy(ctx: ResolveContext, spec: NonNullable<TargetSpec['toxiproxy']>): ToxiproxyTarget {
  const base = ['target', 'toxiproxy'];
  const proxies = resolveProxies(ctx, list(spec.proxies));
  if (spec.embedded === true && spec.url !== undefined) {
    ctx.error([...base, 'url'], '"url" cannot be used with "embedded: true" (use the embedded server or an existing one, not both)', 'key');
  }
  if (spec.embedded !== true && spec.url === undefined) {
    ctx.error(base, 'set "embedded: true" to run the embedded server, or "url" to use a running Toxiproxy', 'key');
  }
  if (spec.embedded !== true && spec.listen !== undefined) {
    ctx.error([...base, 'listen'], '"listen" is the embedded server\'s address; it needs "embedded: true"', 'key');
  }
  if (spec.embedded === true) {
    const address = splitHostPort(spec.listen ?? '127.0.0.1:0');
    if (address.port > 65535) ctx.error([...base, 'listen'], `port ${address.port} is out of range (0-65535)`);
    if (!isLoopback(address.host)) ctx.error([...base, 'listen'], `the embedded server listens on loopback only (127.0.0.0/8, ::1, localhost), not ${address.host}`);
    proxies.forEach((proxy, index) => {
      const host = splitHostPort(proxy.listen).host;
      if (!isLoopback(host)) ctx.error([...base, 'proxies', index, 'listen'], `the embedded Toxiproxy's proxies listen on loopback only (127.0.0.0/8, ::1, localhost), not ${host}`);
    });
    return { mode: 'embedded', host: address.host, port: address.port, proxies };
  }
  return { mode: 'url', url: (spec.url ?? '').replace(/\/+$/, ''), proxies };
}

const DEFAULT_EMBEDDED_SCRAPE_MS = 1000;

function resolvePrometheus(ctx: ResolveContext, spec: NonNullable<TargetSpec['prometheus']>): PrometheusTarget | undefined {
  const base = ['target', 'prometheus'];
  const scrapeIntervalMs = ctx.ms(spec.scrapeInterval);
  if (scrapeIntervalMs !== undefined && scrapeIntervalMs < 100) ctx.error([...base, 'scrapeInterval'], 'scrapeInterval must be at least 100ms');
  if (spec.embedded === true) {
    for (const key of ['url', 'headers'] as const) {
      if (spec[key] !== undefined) ctx.error([...base, key], `"${key}" cannot be used with "embedded: true" (use the embedded server or an existing one, not both)`, 'key');
    }
    return { mode: 'embedded', ...(spec.binary !== undefined ? { binary: ctx.path(spec.binary) } : {}), scrapeIntervalMs: scrapeIntervalMs ?? DEFAULT_EMBEDDED_SCRAPE_MS };
  }
  if (spec.binary !== undefined) ctx.error([...base, 'binary'], '"binary" is for the embedded server; it needs "embedded: true"', 'key');
  if (spec.url === undefined) {
    ctx.error(base, 'set "embedded: true" to run Prometheus locally, or "url" to use a running Prometheus', 'key');
    return undefined;
  }
  const url = ctx.substituteEnv([...base, 'url'], spec.url).replace(/\/+$/, '');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(spec.headers ?? {})) {
    headers[name] = ctx.substituteEnv([...base, 'headers', name], value);
    // Credentials are secrets however they were written (env values already are).
    if (/^(authorization|proxy-authorization|cookie|x-api-key)$/i.test(name) && headers[name] !== '') ctx.secrets.add(headers[name]!);
  }
  return { mode: 'url', url, headers, ...(scrapeIntervalMs !== undefined ? { scrapeIntervalMs } : {}) };
}

function resolveProxies(ctx: ResolveContext, specs: readonly NonNullable<NonNullable<TargetSpec['toxiproxy']>['proxies']>[number][]): ProxySpec[] {
  const proxies: ProxySpec[] = [];
  const names = new Map<string, number>();
  const listens = new Map<string, number>();
  specs.forEach((proxy, index) => {
    const path = ['target', 'toxiproxy', 'proxies', index];
    ctx.guard(() => {
      if (typeof proxy.name !== 'string' || typeof proxy.listen !== 'string' || typeof proxy.upstream !== 'string') return;
      const earlier = names.get(proxy.name);
      if (earlier !== undefined) ctx.error([...path, 'name'], `duplicate proxy name "${proxy.name}" (also target.toxiproxy.proxies[${earlier}])`);
      else names.set(proxy.name, index);
      const listen = splitHostPort(proxy.listen);
      if (listen.port > 65535) ctx.error([...path, 'listen'], `port ${listen.port} is out of range (0-65535)`);
      const sameListen = listens.get(proxy.listen);
      if (listen.port !== 0 && sameListen !== undefined) ctx.error([...path, 'listen'], `${proxy.listen} is already used by target.toxiproxy.proxies[${sameListen}]`);
      else listens.set(proxy.listen, index);
      const upstream = resolveAddress(ctx, [...path, 'upstream'], proxy.upstream);
      if (upstream) proxies.push({ name: proxy.name, listen: proxy.listen, upstream });
    });
  });
  return proxies;
}

function resolveAddress(ctx: ResolveContext, path: (string | number)[], text: string): AddressRef | undefined {
  const service = SERVICE_REF.exec(text);
  if (service) {
    const port = Number(service[2]);
    if (port < 1 || port > 65535) return void ctx.error(path, `port ${port} is out of range (1-65535)`);
    return { kind: 'service', service: service[1]!, port };
  }
  const { port } = splitHostPort(text);
  if (port < 1 || port > 65535) return void ctx.error(path, `port ${port} is out of range (1-65535)`);
  return { kind: 'address', address: text };
}

function resolveEndpoint(ctx: ResolveContext, path: (string | number)[], text: string, proxyNames: readonly string[]): EndpointRef | undefined {
  const service = SERVICE_REF.exec(text);
  if (service) {
    const port = Number(service[2]);
    if (port < 1 || port > 65535) return void ctx.error(path, `port ${port} is out of range (1-65535)`);
    return { kind: 'service', service: service[1]!, port, scheme: 'http' };
  }
  const proxy = PROXY_REF.exec(text);
  if (proxy) {
    const name = proxy[1]!;
    if (!proxyNames.includes(name)) {
      ctx.error(path, `no proxy named "${name}" in target.toxiproxy.proxies${didYouMean(name, proxyNames)}`);
      return undefined;
    }
    return { kind: 'proxy', proxy: name, scheme: 'http' };
  }
  const url = ctx.substituteEnv(path, text);
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new TypeError('scheme');
  } catch {
    ctx.error(path, `not a valid http(s) URL: ${JSON.stringify(text)}`);
    return undefined;
  }
  return { kind: 'url', url: url.replace(/\/+$/, '') };
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** `127.0.0.1:80`, `[::1]:80`, `localhost:80` → host and port. */
export function splitHostPort(text: string): { host: string; port: number } {
  const colon = text.lastIndexOf(':');
  const host = text.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  return { host, port: Number(text.slice(colon + 1)) };
}
