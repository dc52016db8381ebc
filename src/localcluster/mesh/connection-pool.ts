import type { ConnectionPoolLimits } from './traffic-policy.ts';

/**
 * Envoy's circuit breakers for one cluster, HTTP/1.1 upstreams: a request holds one
 * connection while active, so at most min(maxConnections, maxRequests) are active; the rest
 * wait as pending up to http1MaxPendingRequests; beyond that the request overflows (503 UO).
 * Concurrent retries are bounded by maxRetries.
 */
export type Release = () => void;

export class ConnectionPool {
  private active = 0;
  private retries = 0;
  private readonly waiting: Array<(release: Release | undefined) => void> = [];

  constructor(readonly limits: ConnectionPoolLimits) {}

  private get maxActive(): number {
    return Math.min(this.limits.maxConnections, this.limits.maxRequests);
  }

  /**
   * A slot for one upstream request: resolves with its release, or undefined on overflow.
   * `signal` withdraws a pending request (client gone, timeout).
   */
  acquire(signal?: AbortSignal): Promise<Release | undefined> | Release | undefined {
    if (this.active < this.maxActive) return this.grant();
    if (this.waiting.length >= this.limits.maxPendingRequests) return undefined;
    return new Promise((resolve) => {
      const entry = (release: Release | undefined) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(release);
      };
      const onAbort = () => {
        const index = this.waiting.indexOf(entry);
        if (index >= 0) this.waiting.splice(index, 1);
        resolve(undefined);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(entry);
    });
  }

  /** Counts a retry in flight; false when maxRetries are already running. */
  beginRetry(): (() => void) | undefined {
    if (this.retries >= this.limits.maxRetries) return undefined;
    this.retries++;
    let done = false;
    return () => {
      if (!done) {
        done = true;
        this.retries--;
      }
    };
  }

  private grant(): Release {
    this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      const next = this.waiting.shift();
      if (next) next(this.grant());
    };
  }
}
