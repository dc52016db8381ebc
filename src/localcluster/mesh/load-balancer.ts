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
