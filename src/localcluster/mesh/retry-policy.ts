import type { Random } from './random.ts';
import { durationMs } from './duration.ts';

/**
 * Envoy's router retry decision, with the policy Istio programs. When a rule has no
 * `retries`, Istio's default applies (2 retries; connect-failure, refused-stream,
 * unavailable, cancelled, retriable-status-codes with no codes since 1.24; previous_hosts).
 */
export interface RetryPolicy {
  /** Retries after the first try. */
  readonly attempts: number;
  readonly perTryTimeoutMs?: number;
  readonly retryOn: ReadonlySet<string>;
  readonly statusCodes: ReadonlySet<number>;
  /** Envoy's previous_hosts predicate (host selection retried up to 5 times). */
  readonly avoidPreviousHosts: boolean;
  readonly backoffBaseMs: number;
}

export const DEFAULT_RETRY_ON = ['connect-failure', 'refused-stream', 'unavailable', 'cancelled', 'retriable-status-codes'];
const DEFAULT_BACKOFF_BASE_MS = 25;

/** retryOn conditions the plane emulates (HTTP/1.1 upstreams: refused-stream never fires). */
export const EMULATED_RETRY_ON = new Set([
  '5xx',
  'gateway-error',
  'reset',
  'connect-failure',
  'refused-stream',
  'retriable-status-codes',
  'retriable-4xx',
  'cancelled',
  'deadline-exceeded',
  'internal',
  'resource-exhausted',
  'unavailable',
]);

const GRPC_CONDITIONS: Record<string, string> = { '1': 'cancelled', '4': 'deadline-exceeded', '8': 'resource-exhausted', '13': 'internal', '14': 'unavailable' };

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  attempts: 2,
  retryOn: new Set(DEFAULT_RETRY_ON),
  statusCodes: new Set(),
  avoidPreviousHosts: true,
  backoffBaseMs: DEFAULT_BACKOFF_BASE_MS,
};

const NO_RETRIES: RetryPolicy = { ...DEFAULT_RETRY_POLICY, attempts: 0 };

/** The policy of one `http[]` rule (its `retries` as validated), given its route `timeout`. */
export function retryPolicyOf(retries: any, routeTimeoutMs: number | undefined): RetryPolicy {
  if (retries === undefined || retries === null) return DEFAULT_RETRY_POLICY;
  const attempts = Number(retries.attempts ?? 0);
  if (attempts === 0) return NO_RETRIES;
  let retryOn = new Set(DEFAULT_RETRY_ON);
  const statusCodes = new Set<number>();
  if (typeof retries.retryOn === 'string' && retries.retryOn !== '') {
    retryOn = new Set();
    for (const item of retries.retryOn.split(',')) {
      if (/^\d+$/.test(item)) statusCodes.add(Number(item));
      else retryOn.add(item);
    }
    if (statusCodes.size > 0) retryOn.add('retriable-status-codes');
  }
  let perTryTimeoutMs = durationMs(retries.perTryTimeout);
  // Envoy ignores a per-try timeout that is not shorter than a set route timeout
  if (perTryTimeoutMs !== undefined && routeTimeoutMs !== undefined && perTryTimeoutMs >= routeTimeoutMs) perTryTimeoutMs = undefined;
  const backoffBaseMs = durationMs(retries.backoff) ?? DEFAULT_BACKOFF_BASE_MS;
  return {
    attempts,
    ...(perTryTimeoutMs !== undefined ? { perTryTimeoutMs } : {}),
    retryOn,
    statusCodes,
    avoidPreviousHosts: retries.retryIgnorePreviousHosts !== false,
    backoffBaseMs,
  };
}

/** What one try ended with. */
export type TryOutcome =
  | { readonly kind: 'response'; readonly status: number; readonly grpcStatus?: string }
  | { readonly kind: 'connect-failure' }
  | { readonly kind: 'reset' }
  | { readonly kind: 'per-try-timeout' };

/** Envoy's RetryStateImpl::wouldRetryFromHeaders / wouldRetryFromReset, for HTTP/1.1 upstreams. */
export function isRetriable(policy: RetryPolicy, outcome: TryOutcome): boolean {
  const on = policy.retryOn;
  switch (outcome.kind) {
    case 'connect-failure':
      return on.has('5xx') || on.has('gateway-error') || on.has('reset') || on.has('connect-failure');
    case 'reset':
    case 'per-try-timeout':
      return on.has('5xx') || on.has('gateway-error') || on.has('reset');
    case 'response': {
      const status = outcome.status;
      if (on.has('5xx') && status >= 500) return true;
      if (on.has('gateway-error') && (status === 502 || status === 503 || status === 504)) return true;
      if (on.has('retriable-4xx') && status === 409) return true;
      if (on.has('retriable-status-codes') && policy.statusCodes.has(status)) return true;
      const grpc = outcome.grpcStatus === undefined ? undefined : GRPC_CONDITIONS[outcome.grpcStatus];
      return grpc !== undefined && on.has(grpc);
    }
  }
}

/** Envoy's jittered back-off before retry `n` (1-based): uniform in [0, (2^n − 1)·base), the result capped at 10·base. */
export function backoffMs(policy: RetryPolicy, n: number, random: Random): number {
  const range = (2 ** Math.min(n, 30) - 1) * policy.backoffBaseMs;
  return Math.min(Math.floor(random() * range), 10 * policy.backoffBaseMs);
}
