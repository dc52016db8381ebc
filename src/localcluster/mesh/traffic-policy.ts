import { durationMs } from './duration.ts';

/**
 * A DestinationRule `trafficPolicy` with Istio's defaults filled in. A subset's policy
 * replaces whole blocks of the rule's policy (loadBalancer, connectionPool,
 * outlierDetection), never single fields.
 */
export type LoadBalancerKind = 'ROUND_ROBIN' | 'RANDOM' | 'LEAST_REQUEST';

/** Istio writes 2^32−1 for every connection-pool limit it is not given. */
export const UNLIMITED = 2 ** 32 - 1;

export interface ConnectionPoolLimits {
  readonly maxConnections: number;
  readonly connectTimeoutMs: number;
  readonly maxPendingRequests: number;
  readonly maxRequests: number;
  /** 0 = unlimited; 1 disables keep-alive. */
  readonly maxRequestsPerConnection: number;
  readonly maxRetries: number;
}

export interface OutlierSettings {
  /** 0 = off. */
  readonly consecutive5xx: number;
  /** 0 = off. */
  readonly consecutiveGateway: number;
  readonly intervalMs: number;
  readonly baseEjectionMs: number;
  readonly maxEjectionPercent: number;
  /** Envoy's healthy-panic threshold (Istio writes minHealthPercent, default 0 = off). */
  readonly panicThresholdPercent: number;
}

export interface TrafficPolicy {
  readonly loadBalancer: LoadBalancerKind;
  readonly connectionPool: ConnectionPoolLimits;
  /** Undefined: no outlier detection (Envoy's 50 % panic threshold stays, but nothing is ever ejected). */
  readonly outlierDetection?: OutlierSettings;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

function loadBalancerOf(spec: any): LoadBalancerKind {
  const simple = spec?.simple;
  if (simple === 'ROUND_ROBIN' || simple === 'RANDOM') return simple;
  // unset, LEAST_REQUEST and its deprecated alias LEAST_CONN (default since Istio 1.14)
  return 'LEAST_REQUEST';
}

function limit(value: unknown): number {
  return typeof value === 'number' && value > 0 ? value : UNLIMITED;
}

function connectionPoolOf(spec: any): ConnectionPoolLimits {
  return {
    maxConnections: limit(spec?.tcp?.maxConnections),
    connectTimeoutMs: durationMs(spec?.tcp?.connectTimeout) ?? DEFAULT_CONNECT_TIMEOUT_MS,
    maxPendingRequests: limit(spec?.http?.http1MaxPendingRequests),
    maxRequests: limit(spec?.http?.http2MaxRequests),
    maxRequestsPerConnection: typeof spec?.http?.maxRequestsPerConnection === 'number' ? spec.http.maxRequestsPerConnection : 0,
    maxRetries: limit(spec?.http?.maxRetries),
  };
}

function outlierOf(spec: any): OutlierSettings | undefined {
  if (!spec || typeof spec !== 'object') return undefined;
  const consecutive5xx = typeof spec.consecutive5xxErrors === 'number' ? spec.consecutive5xxErrors : 5;
  const gateway = typeof spec.consecutiveGatewayErrors === 'number' ? spec.consecutiveGatewayErrors : 0;
  return {
    consecutive5xx,
    consecutiveGateway: gateway,
    intervalMs: durationMs(spec.interval) ?? 10_000,
    baseEjectionMs: durationMs(spec.baseEjectionTime) ?? 30_000,
    maxEjectionPercent: typeof spec.maxEjectionPercent === 'number' && spec.maxEjectionPercent > 0 ? spec.maxEjectionPercent : 10,
    panicThresholdPercent: typeof spec.minHealthPercent === 'number' ? spec.minHealthPercent : 0,
  };
}

/** The effective policy of a cluster: the rule's policy with the subset's blocks laid over it. */
export function trafficPolicyOf(rulePolicy: any, subsetPolicy?: any): TrafficPolicy {
  const pick = (block: string) => (subsetPolicy && subsetPolicy[block] !== undefined ? subsetPolicy[block] : rulePolicy?.[block]);
  const outlierDetection = outlierOf(pick('outlierDetection'));
  return {
    loadBalancer: loadBalancerOf(pick('loadBalancer')),
    connectionPool: connectionPoolOf(pick('connectionPool')),
    ...(outlierDetection ? { outlierDetection } : {}),
  };
}
