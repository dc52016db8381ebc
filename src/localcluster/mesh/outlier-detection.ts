import type { OutlierSettings } from './traffic-policy.ts';

/**
 * Envoy's outlier detector for one cluster, consecutive-error detectors only (Istio turns
 * success-rate detection off). Local-origin failures (connect failure, reset, timeout) count
 * as 5xx and gateway errors, since Istio never splits them.
 *
 * - The Nth consecutive error ejects at once (inline), if the strict max-ejection check
 *   (ejected + 1) / hosts ≤ maxEjectionPercent allows it (Envoy ≥ 1.28, Istio ≥ 1.20).
 * - An ejected host stays out for base × k, k growing by one per ejection and shrinking by
 *   one at every sweep that finds the host not ejected, the time capped at max(300 s, base);
 *   it returns at the first sweep after that, with its counters reset.
 */
export type UpstreamResult = { readonly kind: 'response'; readonly status: number } | { readonly kind: 'local-failure' };

interface HostState {
  consecutive5xx: number;
  consecutiveGateway: number;
  ejectedAt?: number;
  /** Envoy's eject-time back-off multiplier. */
  multiplier: number;
}

const MAX_EJECTION_MS = 300_000;

export class OutlierDetector {
  private readonly hosts = new Map<string, HostState>();
  private ejected = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly settings: OutlierSettings,
    /** Keys of the cluster's current hosts. */
    private readonly currentHosts: () => readonly string[],
    private readonly onEjection: (key: string, ejected: boolean) => void = () => {},
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => this.sweep(), this.settings.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  isEjected(key: string): boolean {
    return this.hosts.get(key)?.ejectedAt !== undefined;
  }

  /** Hosts ejected now (kept as a count: the balancer asks on every request). */
  ejectedCount(): number {
    return this.ejected;
  }

  report(key: string, result: UpstreamResult): void {
    const state = this.state(key);
    const status = result.kind === 'response' ? result.status : 503;
    if (status < 500) {
      state.consecutive5xx = 0;
      state.consecutiveGateway = 0;
      return;
    }
    state.consecutive5xx++;
    if (result.kind === 'local-failure' || status === 502 || status === 503 || status === 504) state.consecutiveGateway++;
    if (state.ejectedAt !== undefined) return;
    const { consecutive5xx, consecutiveGateway } = this.settings;
    const by5xx = consecutive5xx > 0 && state.consecutive5xx >= consecutive5xx;
    const byGateway = consecutiveGateway > 0 && state.consecutiveGateway >= consecutiveGateway;
    if (!by5xx && !byGateway) return;
    if (by5xx) state.consecutive5xx = 0;
    if (byGateway) state.consecutiveGateway = 0;
    this.tryEject(key, state);
  }

  /** The periodic pass: returns hosts whose ejection time is over; decays healthy hosts' multipliers. */
  sweep(): void {
    const now = this.now();
    const current = new Set(this.currentHosts());
    for (const [key, state] of this.hosts) {
      if (!current.has(key)) {
        if (state.ejectedAt !== undefined) this.ejected--;
        this.hosts.delete(key);
        continue;
      }
      if (state.ejectedAt === undefined) {
        if (state.multiplier > 0) state.multiplier--;
        continue;
      }
      const cap = Math.max(MAX_EJECTION_MS, this.settings.baseEjectionMs);
      if (now - state.ejectedAt >= Math.min(this.settings.baseEjectionMs * state.multiplier, cap)) {
        delete state.ejectedAt;
        this.ejected--;
        state.consecutive5xx = 0;
        state.consecutiveGateway = 0;
        this.onEjection(key, false);
      }
    }
  }

  private tryEject(key: string, state: HostState): void {
    const total = this.currentHosts().length;
    if (total === 0) return;
    const percent = (100 * (this.ejectedCount() + 1)) / total;
    if (percent > this.settings.maxEjectionPercent) return;
    state.ejectedAt = this.now();
    this.ejected++;
    const cap = Math.max(MAX_EJECTION_MS, this.settings.baseEjectionMs);
    if (this.settings.baseEjectionMs * state.multiplier < cap + this.settings.baseEjectionMs) state.multiplier++;
    this.onEjection(key, true);
  }

  private state(key: string): HostState {
    let state = this.hosts.get(key);
    if (!state) this.hosts.set(key, (state = { consecutive5xx: 0, consecutiveGateway: 0, multiplier: 0 }));
    return state;
  }
}
