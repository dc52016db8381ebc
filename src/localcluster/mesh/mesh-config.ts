import type { KubeObject } from '../api/kube-object.ts';
import { durationMs } from './duration.ts';
import { faultSettingsOf, type FaultSettings } from './fault-injection.ts';
import { hostSpecificity, resolveHost } from './hosts.ts';
import { retryPolicyOf, type RetryPolicy } from './retry-policy.ts';
import { compileMatchBlock, matchesAny, type MatchableRequest, type MatchBlock } from './route-match.ts';

/** VirtualServices and DestinationRules compiled from their (validated) specs. */
export interface RouteDestination {
  /** Resolved FQDN. */
  readonly host: string;
  readonly subset?: string;
  readonly port?: number;
  readonly weight: number;
}

export interface HttpRoute {
  readonly virtualService: { readonly namespace: string; readonly name: string };
  readonly index: number;
  readonly name?: string;
  /** Empty: matches everything. */
  readonly matches: readonly MatchBlock[];
  readonly destinations: readonly RouteDestination[];
  readonly totalWeight: number;
  /** Undefined: no route timeout (Istio programs 0 s = disabled). */
  readonly timeoutMs?: number;
  readonly retry: RetryPolicy;
  readonly fault?: FaultSettings;
}

export interface CompiledVirtualService {
  readonly namespace: string;
  readonly name: string;
  readonly creationTimestamp: string;
  readonly hosts: readonly string[];
  readonly routes: readonly HttpRoute[];
}

export interface CompiledSubset {
  readonly labels: Readonly<Record<string, string>>;
  readonly trafficPolicy: unknown;
}

export interface CompiledDestinationRule {
  readonly namespace: string;
  readonly name: string;
  readonly creationTimestamp: string;
  readonly host: string;
  readonly trafficPolicy: unknown;
  readonly subsets: ReadonlyMap<string, CompiledSubset>;
}

export function compileVirtualService(object: KubeObject): CompiledVirtualService {
  const namespace = object.metadata.namespace ?? 'default';
  const name = object.metadata.name ?? '';
  const routes: HttpRoute[] = [];
  const rules: any[] = Array.isArray(object.spec?.http) ? object.spec.http : [];
  for (const [index, rule] of rules.entries()) {
    const matches = (Array.isArray(rule?.match) ? rule.match : []).map(compileMatchBlock);
    const catchAll = matches.length === 0 || matches.some((m: MatchBlock) => !m.uri && !m.method && m.headers.length === 0);
    const destinations: RouteDestination[] = (Array.isArray(rule?.route) ? rule.route : []).map((d: any) => ({
      host: resolveHost(String(d?.destination?.host ?? ''), namespace),
      ...(d?.destination?.subset ? { subset: String(d.destination.subset) } : {}),
      ...(typeof d?.destination?.port?.number === 'number' ? { port: d.destination.port.number } : {}),
      weight: typeof d?.weight === 'number' ? d.weight : 0,
    }));
    const timeoutMs = durationMs(rule?.timeout);
    const fault = faultSettingsOf(rule?.fault);
    routes.push({
      virtualService: { namespace, name },
      index,
      ...(typeof rule?.name === 'string' ? { name: rule.name } : {}),
      matches: catchAll ? [] : matches,
      destinations,
      totalWeight: destinations.reduce((sum, d) => sum + d.weight, 0),
      ...(timeoutMs ? { timeoutMs } : {}),
      retry: retryPolicyOf(rule?.retries, timeoutMs || undefined),
      ...(fault ? { fault } : {}),
    });
    // Istio drops every rule after a catch-all
    if (catchAll) break;
  }
  const hosts = (Array.isArray(object.spec?.hosts) ? object.spec.hosts : []).map((h: unknown) => resolveHost(String(h), namespace));
  return { namespace, name, creationTimestamp: object.metadata.creationTimestamp ?? '', hosts, routes };
}

export function compileDestinationRule(object: KubeObject): CompiledDestinationRule {
  const namespace = object.metadata.namespace ?? 'default';
  const subsets = new Map<string, CompiledSubset>();
  for (const subset of Array.isArray(object.spec?.subsets) ? object.spec.subsets : []) {
    if (subset?.name) subsets.set(String(subset.name), { labels: subset.labels ?? {}, trafficPolicy: subset.trafficPolicy });
  }
  return {
    namespace,
    name: object.metadata.name ?? '',
    creationTimestamp: object.metadata.creationTimestamp ?? '',
    host: resolveHost(String(object.spec?.host ?? ''), namespace),
    trafficPolicy: object.spec?.trafficPolicy,
    subsets,
  };
}

/** The resource binding `fqdn` most specifically; among equals the oldest wins, as in Istio. */
export function mostSpecific<T extends { readonly creationTimestamp: string; readonly name: string }>(candidates: readonly T[], hostsOf: (c: T) => readonly string[], fqdn: string): T | undefined {
  let best: T | undefined;
  let bestScore = 0;
  for (const candidate of candidates) {
    const score = Math.max(0, ...hostsOf(candidate).map((h) => hostSpecificity(h, fqdn)));
    if (score === 0) continue;
    if (score > bestScore || (score === bestScore && best && (candidate.creationTimestamp < best.creationTimestamp || (candidate.creationTimestamp === best.creationTimestamp && candidate.name < best.name)))) {
      best = candidate;
      bestScore = score;
    }
  }
  return best;
}

/** The first rule whose match accepts the request. */
export function selectRoute(routes: readonly HttpRoute[], request: MatchableRequest): HttpRoute | undefined {
  for (const route of routes) if (matchesAny(route.matches, request)) return route;
  return undefined;
}
