import type { Random } from './random.ts';
import { randomInt } from './random.ts';
import type { LoadBalancerKind } from './traffic-policy.ts';

/** What a balancer needs to know about a host. */
export interface BalancedHost {
  readonly key: string;
  /** Requests in flight to this host from this cluster. */
  activeRequests: number;
}

export interface LoadBalancer {
  pick(hosts: readonly BalancedHost[]): BalancedHost | undefined;
}

/** Envoy's unweighted round robin; the start index is random, as Envoy seeds it. */
class RoundRobin implements LoadBalancer {
  private next: number;
  constructor(random: Random) {
    this.next = randomInt(random, 1 << 30);
  }
  pick(hosts: readonly BalancedHost[]): BalancedHost | undefined {
    if (hosts.length === 0) return undefined;
    return hosts[this.next++ % hosts.length];
  }
}

class RandomPick implements LoadBalancer {
  constructor(private readonly random: Random) {}
  pick(hosts: readonly BalancedHost[]): BalancedHost | undefined {
    return hosts.length === 0 ? undefined : hosts[randomInt(this.random, hosts.length)];
  }
}

/**
 * Envoy's least request with equal weights: sample two hosts at random (the same one may be
 * drawn twice) and keep the one with fewer active requests; ties keep the first draw.
 */
class LeastRequest implements LoadBalancer {
  private static readonly CHOICES = 2;
  constructor(private readonly random: Random) {}
  pick(hosts: readonly BalancedHost[]): BalancedHost | undefined {
    let chosen: BalancedHost | undefined;
    if (hosts.length === 0) return undefined;
    for (let i = 0; i < LeastRequest.CHOICES; i++) {
      const sampled = hosts[randomInt(this.random, hosts.length)]!;
      if (!chosen || sampled.activeRequests < chosen.activeRequests) chosen = sampled;
    }
    return chosen;
  }
}

/** Istio's retry policy: host selection is retried up to 5 times (`host_selection_retry_max_attempts`). */
export const HOST_SELECTION_RETRIES = 5;

/**
 * A host for a try under `previous_hosts`, as Envoy's LoadBalancerBase::chooseHost does it: a
 * retry picks up to 1 + HOST_SELECTION_RETRIES times while the pick was tried before, then keeps
 * the last pick even if tried (so a retry can land on the failing host again); a first try picks once.
 */
export function pickUntried<H extends BalancedHost>(balancer: LoadBalancer, hosts: readonly H[], tried: ReadonlySet<string> | undefined): H | undefined {
  let host = balancer.pick(hosts) as H | undefined;
  if (!tried || tried.size === 0) return host;
  for (let retry = 0; retry < HOST_SELECTION_RETRIES && host && tried.has(host.key); retry++) host = balancer.pick(hosts) as H | undefined;
  return host;
}

export function createLoadBalancer(kind: LoadBalancerKind, random: Random): LoadBalancer {
  switch (kind) {
    case 'ROUND_ROBIN':
      return new RoundRobin(random);
    case 'RANDOM':
      return new RandomPick(random);
    case 'LEAST_REQUEST':
      return new LeastRequest(random);
  }
}
