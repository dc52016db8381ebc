import type { FieldIssue } from '../api/api-error.ts';
import type { KubeObject } from '../api/kube-object.ts';
import { parseDuration } from './duration.ts';
import { CLUSTER_DOMAIN, resolveHost } from './hosts.ts';
import { EMULATED_RETRY_ON } from './retry-policy.ts';
import { fullMatchRegex } from './route-match.ts';

/**
 * Admission for `networking.istio.io` VirtualService and DestinationRule on the local
 * plane: Istio's own validation where it applies, plus a refusal, by field path, of every
 * field the plane does not emulate, so nothing is silently different from Istio.
 */
const NOT_EMULATED = 'not emulated by the local plane (see docs/mesh.md)';

class Issues {
  readonly list: FieldIssue[] = [];
  forbid(field: string, detail = NOT_EMULATED): void {
    this.list.push({ field, type: 'FieldValueForbidden', detail });
  }
  invalid(field: string, value: unknown, detail: string): void {
    this.list.push({ field, type: 'FieldValueInvalid', value, detail });
  }
  required(field: string, detail = ''): void {
    this.list.push({ field, type: 'FieldValueRequired', detail });
  }
  unsupported(field: string, value: unknown, allowed: readonly string[]): void {
    this.list.push({ field, type: 'FieldValueNotSupported', value, detail: `supported values: ${allowed.map((a) => `"${a}"`).join(', ')}` });
  }
}

function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Refuses every key of `value` outside `allowed`; false when `value` is not an object. */
function onlyKeys(issues: Issues, value: unknown, path: string, allowed: readonly string[]): value is Record<string, any> {
  if (!isObject(value)) {
    issues.invalid(path, value, 'must be an object');
    return false;
  }
  for (const key of Object.keys(value)) if (!allowed.includes(key)) issues.forbid(`${path}.${key}`);
  return true;
}

function checkDuration(issues: Issues, value: unknown, path: string): void {
  const ms = parseDuration(value);
  if (ms === undefined) issues.invalid(path, value, 'must be a duration such as "250ms" or "5s"');
  else if (ms < 1) issues.invalid(path, value, 'duration must be at least 1ms');
}

function checkInteger(issues: Issues, value: unknown, path: string, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) issues.invalid(path, value, `must be an integer between ${min} and ${max}`);
}

/** A host must name a Service of this plane: short, FQDN, or a `*.…svc.cluster.local` wildcard. */
function checkHost(issues: Issues, host: unknown, path: string, wildcardAllowed: boolean): void {
  if (typeof host !== 'string' || host === '') return issues.required(path, 'a host is required');
  if (host === '*') return issues.invalid(path, host, 'wildcard host * is not allowed for virtual services bound to the mesh');
  if (host.startsWith('*')) {
    if (!wildcardAllowed) return issues.invalid(path, host, 'a route destination must be a single host');
    if (!host.startsWith('*.') || !(`${host.slice(1)}`.endsWith(`.${CLUSTER_DOMAIN}`) || host === `*.${CLUSTER_DOMAIN}`)) issues.forbid(path, `only wildcards under .${CLUSTER_DOMAIN} bind to Services; hosts outside the cluster (ServiceEntry) are ${NOT_EMULATED}`);
    return;
  }
  if (!host.includes('.')) return;
  const parts = host.split('.');
  if (!host.endsWith(`.${CLUSTER_DOMAIN}`) || parts.length !== 5) {
    issues.forbid(path, `"${host}" is taken literally by Istio and binds no Service; write the short name or <name>.<namespace>.${CLUSTER_DOMAIN}`);
  }
}

function checkStringMatch(issues: Issues, value: unknown, path: string, where: 'uri' | 'other'): void {
  if (!onlyKeys(issues, value, path, ['exact', 'prefix', 'regex'])) return;
  const kinds = Object.keys(value);
  if (kinds.length === 0) return; // `{}`: presence (headers) or nothing
  if (kinds.length > 1) return issues.invalid(path, value, 'only one of exact, prefix, regex');
  const kind = kinds[0]!;
  const text = value[kind];
  if (typeof text !== 'string') return issues.invalid(`${path}.${kind}`, text, 'must be a string');
  if (kind === 'regex') {
    if (text === '') return issues.invalid(`${path}.regex`, text, 'regex match must not be empty');
    if (text !== '*' && !fullMatchRegex(text)) issues.invalid(`${path}.regex`, text, 'the local plane cannot compile this RE2 expression');
  }
  if (kind === 'prefix' && text === '' && where !== 'uri') issues.invalid(`${path}.prefix`, text, 'prefix match must not be empty');
}

function checkMatch(issues: Issues, match: unknown, path: string): void {
  if (!onlyKeys(issues, match, path, ['name', 'uri', 'method', 'headers', 'ignoreUriCase'])) return;
  if (match.uri !== undefined) checkStringMatch(issues, match.uri, `${path}.uri`, 'uri');
  if (match.method !== undefined) checkStringMatch(issues, match.method, `${path}.method`, 'other');
  if (match.ignoreUriCase !== undefined && typeof match.ignoreUriCase !== 'boolean') issues.invalid(`${path}.ignoreUriCase`, match.ignoreUriCase, 'must be a boolean');
  if (match.headers !== undefined) {
    if (!isObject(match.headers)) return issues.invalid(`${path}.headers`, match.headers, 'must be a map');
    for (const [name, value] of Object.entries(match.headers)) {
      if (name.startsWith('@')) issues.forbid(`${path}.headers.${name}`, `JWT claim matches are ${NOT_EMULATED}`);
      else if (name !== name.toLowerCase()) issues.invalid(`${path}.headers.${name}`, name, 'header names must be lowercase');
      else checkStringMatch(issues, value, `${path}.headers.${name}`, 'other');
    }
  }
}

function percentage(issues: Issues, spec: Record<string, any>, path: string): void {
  if (spec.percentage !== undefined && onlyKeys(issues, spec.percentage, `${path}.percentage`, ['value'])) {
    const value = spec.percentage.value;
    if (typeof value !== 'number' || value < 0 || value > 100) issues.invalid(`${path}.percentage.value`, value, 'percentage must be between 0 and 100');
    else if (value > 0 && value < 0.0001) issues.invalid(`${path}.percentage.value`, value, 'percentage must be 0 or at least 0.0001');
  }
  if (spec.percent !== undefined) checkInteger(issues, spec.percent, `${path}.percent`, 0, 100);
}

function checkFault(issues: Issues, fault: unknown, path: string): void {
  if (!onlyKeys(issues, fault, path, ['delay', 'abort'])) return;
  if (fault.delay === undefined && fault.abort === undefined) issues.required(path, 'fault must have at least delay or abort');
  if (fault.delay !== undefined && onlyKeys(issues, fault.delay, `${path}.delay`, ['fixedDelay', 'percentage', 'percent', 'exponentialDelay'])) {
    if (fault.delay.exponentialDelay !== undefined) issues.invalid(`${path}.delay.exponentialDelay`, fault.delay.exponentialDelay, 'exponentialDelay is not supported');
    if (fault.delay.fixedDelay === undefined) issues.required(`${path}.delay.fixedDelay`);
    else checkDuration(issues, fault.delay.fixedDelay, `${path}.delay.fixedDelay`);
    percentage(issues, fault.delay, `${path}.delay`);
  }
  if (fault.abort !== undefined && onlyKeys(issues, fault.abort, `${path}.abort`, ['httpStatus', 'percentage', 'grpcStatus', 'http2Error'])) {
    if (fault.abort.grpcStatus !== undefined) issues.forbid(`${path}.abort.grpcStatus`);
    if (fault.abort.http2Error !== undefined) issues.invalid(`${path}.abort.http2Error`, fault.abort.http2Error, 'http2Error is not supported');
    if (fault.abort.httpStatus === undefined) {
      if (fault.abort.grpcStatus === undefined) issues.required(`${path}.abort.httpStatus`);
    } else checkInteger(issues, fault.abort.httpStatus, `${path}.abort.httpStatus`, 200, 599);
    percentage(issues, fault.abort, `${path}.abort`);
  }
}

function checkRetries(issues: Issues, retries: unknown, path: string): void {
  if (!onlyKeys(issues, retries, path, ['attempts', 'perTryTimeout', 'retryOn', 'retryRemoteLocalities', 'retryIgnorePreviousHosts', 'backoff'])) return;
  const attempts = retries.attempts ?? 0;
  checkInteger(issues, attempts, `${path}.attempts`, 0);
  if (attempts === 0) {
    for (const field of ['perTryTimeout', 'retryOn', 'retryRemoteLocalities']) {
      if (retries[field] !== undefined && retries[field] !== '' && retries[field] !== false) issues.invalid(`${path}.${field}`, retries[field], `${field} cannot be set when attempts is 0 (retries disabled)`);
    }
  }
  if (retries.perTryTimeout !== undefined) checkDuration(issues, retries.perTryTimeout, `${path}.perTryTimeout`);
  if (retries.backoff !== undefined) checkDuration(issues, retries.backoff, `${path}.backoff`);
  if (retries.retryRemoteLocalities === true) issues.forbid(`${path}.retryRemoteLocalities`, `the local plane has one locality; retryRemoteLocalities: true is ${NOT_EMULATED}`);
  if (retries.retryIgnorePreviousHosts !== undefined && typeof retries.retryIgnorePreviousHosts !== 'boolean') issues.invalid(`${path}.retryIgnorePreviousHosts`, retries.retryIgnorePreviousHosts, 'must be a boolean');
  if (retries.retryOn !== undefined && retries.retryOn !== '') {
    if (typeof retries.retryOn !== 'string') return issues.invalid(`${path}.retryOn`, retries.retryOn, 'must be a string');
    // Istio splits on "," and does not trim: "5xx, reset" is invalid
    for (const item of retries.retryOn.split(',')) {
      if (/^\d+$/.test(item)) {
        if (Number(item) < 100 || Number(item) > 599) issues.invalid(`${path}.retryOn`, item, 'status codes must be between 100 and 599');
      } else if (!EMULATED_RETRY_ON.has(item)) issues.unsupported(`${path}.retryOn`, item, [...EMULATED_RETRY_ON]);
    }
  }
}

function checkDestination(issues: Issues, route: unknown, path: string): void {
  if (!onlyKeys(issues, route, path, ['destination', 'weight'])) return;
  if (!onlyKeys(issues, route.destination, `${path}.destination`, ['host', 'subset', 'port'])) return;
  checkHost(issues, route.destination.host, `${path}.destination.host`, false);
  if (route.destination.subset !== undefined && (typeof route.destination.subset !== 'string' || route.destination.subset === '')) issues.invalid(`${path}.destination.subset`, route.destination.subset, 'must be a non-empty string');
  if (route.destination.port !== undefined && onlyKeys(issues, route.destination.port, `${path}.destination.port`, ['number'])) checkInteger(issues, route.destination.port.number, `${path}.destination.port.number`, 1, 65535);
  if (route.weight !== undefined) checkInteger(issues, route.weight, `${path}.weight`, 0);
}

function checkHttpRoute(issues: Issues, rule: unknown, path: string): void {
  if (!onlyKeys(issues, rule, path, ['name', 'match', 'route', 'timeout', 'retries', 'fault'])) return;
  if (rule.match !== undefined) {
    if (!Array.isArray(rule.match)) issues.invalid(`${path}.match`, rule.match, 'must be a list');
    else rule.match.forEach((m: unknown, i: number) => checkMatch(issues, m, `${path}.match[${i}]`));
  }
  if (!Array.isArray(rule.route) || rule.route.length === 0) issues.required(`${path}.route`, 'HTTP route or redirect is required (redirect is not emulated)');
  else {
    rule.route.forEach((r: unknown, i: number) => checkDestination(issues, r, `${path}.route[${i}]`));
    const total = rule.route.reduce((sum: number, r: any) => sum + (typeof r?.weight === 'number' ? r.weight : 0), 0);
    if (rule.route.length > 1 && total === 0) issues.invalid(`${path}.route`, total, 'total destination weight = 0');
  }
  if (rule.timeout !== undefined) checkDuration(issues, rule.timeout, `${path}.timeout`);
  if (rule.retries !== undefined) checkRetries(issues, rule.retries, `${path}.retries`);
  if (rule.fault !== undefined) checkFault(issues, rule.fault, `${path}.fault`);
}

function resolvedHosts(object: KubeObject, field: 'hosts' | 'host'): string[] {
  const namespace = object.metadata.namespace ?? 'default';
  const raw = field === 'hosts' ? object.spec?.hosts : [object.spec?.host];
  return Array.isArray(raw) ? raw.filter((h): h is string => typeof h === 'string').map((h) => resolveHost(h, namespace)) : [];
}

/** Every problem of a VirtualService; `others` are the stored VirtualServices (for duplicate hosts). */
export function validateVirtualService(object: KubeObject, others: readonly KubeObject[]): FieldIssue[] {
  const issues = new Issues();
  const spec = object.spec;
  if (!onlyKeys(issues, spec, 'spec', ['hosts', 'http'])) return issues.list;
  if (!Array.isArray(spec.hosts) || spec.hosts.length === 0) issues.required('spec.hosts', 'virtual service must have at least one host');
  else spec.hosts.forEach((h: unknown, i: number) => checkHost(issues, h, `spec.hosts[${i}]`, true));
  if (!Array.isArray(spec.http) || spec.http.length === 0) issues.required('spec.http', 'http must have at least one route');
  else spec.http.forEach((rule: unknown, i: number) => checkHttpRoute(issues, rule, `spec.http[${i}]`));
  const mine = resolvedHosts(object, 'hosts');
  for (const other of others) {
    if (other.metadata.namespace === object.metadata.namespace && other.metadata.name === object.metadata.name) continue;
    const theirs = new Set(resolvedHosts(other, 'hosts'));
    mine.forEach((host, i) => {
      if (theirs.has(host)) issues.list.push({ field: `spec.hosts[${i}]`, type: 'FieldValueDuplicate', value: spec.hosts[i], detail: `VirtualService ${other.metadata.namespace}/${other.metadata.name} already binds ${host}; Istio would drop one of the two` });
    });
  }
  return issues.list;
}

function checkTrafficPolicy(issues: Issues, policy: unknown, path: string): void {
  if (!onlyKeys(issues, policy, path, ['loadBalancer', 'connectionPool', 'outlierDetection'])) return;
  if (policy.loadBalancer !== undefined && onlyKeys(issues, policy.loadBalancer, `${path}.loadBalancer`, ['simple'])) {
    const allowed = ['ROUND_ROBIN', 'RANDOM', 'LEAST_REQUEST', 'LEAST_CONN'];
    if (policy.loadBalancer.simple !== undefined && !allowed.includes(policy.loadBalancer.simple)) issues.unsupported(`${path}.loadBalancer.simple`, policy.loadBalancer.simple, allowed);
  }
  const pool = policy.connectionPool;
  if (pool !== undefined && onlyKeys(issues, pool, `${path}.connectionPool`, ['tcp', 'http'])) {
    if (pool.tcp !== undefined && onlyKeys(issues, pool.tcp, `${path}.connectionPool.tcp`, ['maxConnections', 'connectTimeout'])) {
      if (pool.tcp.maxConnections !== undefined) checkInteger(issues, pool.tcp.maxConnections, `${path}.connectionPool.tcp.maxConnections`, 0);
      if (pool.tcp.connectTimeout !== undefined) checkDuration(issues, pool.tcp.connectTimeout, `${path}.connectionPool.tcp.connectTimeout`);
    }
    if (pool.http !== undefined && onlyKeys(issues, pool.http, `${path}.connectionPool.http`, ['http1MaxPendingRequests', 'http2MaxRequests', 'maxRequestsPerConnection', 'maxRetries'])) {
      for (const field of ['http1MaxPendingRequests', 'http2MaxRequests', 'maxRequestsPerConnection', 'maxRetries']) {
        if (pool.http[field] !== undefined) checkInteger(issues, pool.http[field], `${path}.connectionPool.http.${field}`, 0);
      }
    }
  }
  const outlier = policy.outlierDetection;
  if (outlier !== undefined && onlyKeys(issues, outlier, `${path}.outlierDetection`, ['consecutive5xxErrors', 'consecutiveGatewayErrors', 'interval', 'baseEjectionTime', 'maxEjectionPercent', 'minHealthPercent', 'splitExternalLocalOriginErrors'])) {
    const p = `${path}.outlierDetection`;
    for (const field of ['consecutive5xxErrors', 'consecutiveGatewayErrors']) if (outlier[field] !== undefined) checkInteger(issues, outlier[field], `${p}.${field}`, 0);
    for (const field of ['maxEjectionPercent', 'minHealthPercent']) if (outlier[field] !== undefined) checkInteger(issues, outlier[field], `${p}.${field}`, 0, 100);
    for (const field of ['interval', 'baseEjectionTime']) if (outlier[field] !== undefined) checkDuration(issues, outlier[field], `${p}.${field}`);
    if (outlier.splitExternalLocalOriginErrors === true) issues.forbid(`${p}.splitExternalLocalOriginErrors`);
  }
}

/** Every problem of a DestinationRule; `others` are the stored DestinationRules (one per host here). */
export function validateDestinationRule(object: KubeObject, others: readonly KubeObject[]): FieldIssue[] {
  const issues = new Issues();
  const spec = object.spec;
  if (!onlyKeys(issues, spec, 'spec', ['host', 'trafficPolicy', 'subsets'])) return issues.list;
  checkHost(issues, spec.host, 'spec.host', true);
  if (spec.trafficPolicy !== undefined) checkTrafficPolicy(issues, spec.trafficPolicy, 'spec.trafficPolicy');
  if (spec.subsets !== undefined) {
    if (!Array.isArray(spec.subsets)) issues.invalid('spec.subsets', spec.subsets, 'must be a list');
    else {
      const names = new Set<string>();
      spec.subsets.forEach((subset: unknown, i: number) => {
        const path = `spec.subsets[${i}]`;
        if (!onlyKeys(issues, subset, path, ['name', 'labels', 'trafficPolicy'])) return;
        if (typeof subset.name !== 'string' || subset.name === '') issues.required(`${path}.name`);
        else if (names.has(subset.name)) issues.list.push({ field: `${path}.name`, type: 'FieldValueDuplicate', value: subset.name, detail: 'duplicate subset name' });
        else names.add(subset.name);
        if (subset.labels !== undefined && (!isObject(subset.labels) || Object.values(subset.labels).some((v) => typeof v !== 'string'))) issues.invalid(`${path}.labels`, subset.labels, 'must be a map of strings');
        if (subset.trafficPolicy !== undefined) checkTrafficPolicy(issues, subset.trafficPolicy, `${path}.trafficPolicy`);
      });
    }
  }
  const [mine] = resolvedHosts(object, 'host');
  for (const other of others) {
    if (other.metadata.namespace === object.metadata.namespace && other.metadata.name === object.metadata.name) continue;
    if (mine !== undefined && resolvedHosts(other, 'host')[0] === mine) {
      issues.list.push({ field: 'spec.host', type: 'FieldValueDuplicate', value: spec.host, detail: `DestinationRule ${other.metadata.namespace}/${other.metadata.name} already applies to ${mine}; merging rules is ${NOT_EMULATED}` });
    }
  }
  return issues.list;
}

/** The admission entry point: issues for a mesh object, or [] for kinds the mesh does not own. */
export function validateMeshObject(kind: string, object: KubeObject, stored: readonly KubeObject[]): FieldIssue[] {
  if (kind === 'VirtualService') return validateVirtualService(object, stored);
  if (kind === 'DestinationRule') return validateDestinationRule(object, stored);
  return [];
}
