import { expect } from 'chai';
import { parseDuration } from '../../../src/localcluster/mesh/duration.ts';
import { decideFault, faultSettingsOf } from '../../../src/localcluster/mesh/fault-injection.ts';
import { hostSpecificity, resolveHost } from '../../../src/localcluster/mesh/hosts.ts';
import { HOST_SELECTION_RETRIES, pickUntried, type BalancedHost, type LoadBalancer } from '../../../src/localcluster/mesh/load-balancer.ts';
import { responseFlagsLabel } from '../../../src/localcluster/mesh/mesh-metrics.ts';
import { OutlierDetector } from '../../../src/localcluster/mesh/outlier-detection.ts';
import { seededRandom } from '../../../src/localcluster/mesh/random.ts';
import { backoffMs, DEFAULT_RETRY_POLICY, isRetriable, retryPolicyOf } from '../../../src/localcluster/mesh/retry-policy.ts';
import { trafficPolicyOf, UNLIMITED } from '../../../src/localcluster/mesh/traffic-policy.ts';
import { validateVirtualService } from '../../../src/localcluster/mesh/validation.ts';

describe('mesh units', () => {
  it('parses Go durations to milliseconds', () => {
    expect(parseDuration('1m30s')).to.equal(90_000);
    expect(parseDuration('250ms')).to.equal(250);
    expect(parseDuration('1.5s')).to.equal(1500);
    expect(parseDuration('5')).to.equal(undefined);
    expect(parseDuration('5 s')).to.equal(undefined);
  });

  it('resolves hosts in the writer’s namespace; wildcards bind by suffix, exact beats wildcard', () => {
    expect(resolveHost('reviews', 'shop')).to.equal('reviews.shop.svc.cluster.local');
    expect(resolveHost('reviews.other.svc.cluster.local', 'shop')).to.equal('reviews.other.svc.cluster.local');
    const fqdn = 'reviews.shop.svc.cluster.local';
    expect(hostSpecificity('*.svc.cluster.local', fqdn)).to.be.greaterThan(0);
    expect(hostSpecificity('*.shop.svc.cluster.local', fqdn)).to.be.greaterThan(hostSpecificity('*.svc.cluster.local', fqdn));
    expect(hostSpecificity(fqdn, fqdn)).to.be.greaterThan(hostSpecificity('*.shop.svc.cluster.local', fqdn));
    expect(hostSpecificity('*.other.svc.cluster.local', fqdn)).to.equal(0);
  });

  it("keeps Istio's default retry policy: connect failures yes, 503 and resets no", () => {
    expect(DEFAULT_RETRY_POLICY.attempts).to.equal(2);
    expect(isRetriable(DEFAULT_RETRY_POLICY, { kind: 'connect-failure' })).to.equal(true);
    expect(isRetriable(DEFAULT_RETRY_POLICY, { kind: 'response', status: 503 })).to.equal(false);
    expect(isRetriable(DEFAULT_RETRY_POLICY, { kind: 'reset' })).to.equal(false);
    expect(isRetriable(DEFAULT_RETRY_POLICY, { kind: 'response', status: 200, grpcStatus: '14' })).to.equal(true);
  });

  it('a given retryOn replaces the defaults; status codes add retriable-status-codes; a long per-try timeout is ignored', () => {
    const policy = retryPolicyOf({ attempts: 3, retryOn: 'gateway-error,429', perTryTimeout: '2s' }, 1000);
    expect([...policy.retryOn].sort()).to.deep.equal(['gateway-error', 'retriable-status-codes']);
    expect(isRetriable(policy, { kind: 'response', status: 429 })).to.equal(true);
    expect(isRetriable(policy, { kind: 'response', status: 500 })).to.equal(false);
    expect(isRetriable(policy, { kind: 'per-try-timeout' })).to.equal(true);
    expect(isRetriable(policy, { kind: 'connect-failure' })).to.equal(true);
    expect(policy.perTryTimeoutMs).to.equal(undefined);
    expect(retryPolicyOf({ attempts: 0 }, undefined).attempts).to.equal(0);
  });

  it('back-off before retry n is below (2^n − 1)·25 ms and never above 250 ms', () => {
    const random = seededRandom(1);
    for (let n = 1; n <= 6; n++) {
      for (let i = 0; i < 200; i++) {
        const ms = backoffMs(DEFAULT_RETRY_POLICY, n, random);
        expect(ms).to.be.at.least(0).and.below(Math.min((2 ** n - 1) * 25, 251));
      }
    }
  });

  it('fault percentages are parts per million, truncated; absent means never; delay then abort', () => {
    expect(faultSettingsOf({ abort: { httpStatus: 503, percentage: { value: 0.00019 } } })?.abort?.perMillion).to.equal(1);
    expect(faultSettingsOf({ abort: { httpStatus: 503 } })?.abort?.perMillion).to.equal(0);
    const always = faultSettingsOf({ delay: { fixedDelay: '1s', percentage: { value: 100 } }, abort: { httpStatus: 500, percentage: { value: 100 } } });
    expect(decideFault(always, seededRandom(2))).to.deep.equal({ delayMs: 1000, abortStatus: 500 });
    expect(decideFault(faultSettingsOf({ abort: { httpStatus: 500 } }), seededRandom(2))).to.deep.equal({ delayMs: 0 });
  });

  it('subset policies replace whole blocks; Istio defaults everywhere else', () => {
    const policy = trafficPolicyOf({ connectionPool: { tcp: { maxConnections: 5 } }, loadBalancer: { simple: 'RANDOM' } }, { connectionPool: { http: { http1MaxPendingRequests: 2 } } });
    expect(policy.connectionPool.maxConnections).to.equal(UNLIMITED);
    expect(policy.connectionPool.maxPendingRequests).to.equal(2);
    expect(policy.loadBalancer).to.equal('RANDOM');
    expect(trafficPolicyOf(undefined).loadBalancer).to.equal('LEAST_REQUEST');
    expect(trafficPolicyOf({ outlierDetection: {} }).outlierDetection).to.deep.include({ consecutive5xx: 5, intervalMs: 10_000, baseEjectionMs: 30_000, maxEjectionPercent: 10, panicThresholdPercent: 0 });
  });

  it('outlier detection: gateway errors counted apart, strict max-ejection percent, multiplier decays per healthy sweep', () => {
    let now = 0;
    const hosts = ['a', 'b', 'c', 'd'];
    const detector = new OutlierDetector({ consecutive5xx: 0, consecutiveGateway: 2, intervalMs: 1000, baseEjectionMs: 1000, maxEjectionPercent: 25, panicThresholdPercent: 0 }, () => hosts, () => {}, () => now);
    detector.report('a', { kind: 'response', status: 500 });
    detector.report('a', { kind: 'response', status: 500 });
    expect(detector.isEjected('a')).to.equal(false);
    detector.report('a', { kind: 'response', status: 502 });
    detector.report('a', { kind: 'local-failure' });
    expect(detector.isEjected('a')).to.equal(true);
    // 2 of 4 would be 50 % > 25 %
    detector.report('b', { kind: 'response', status: 503 });
    detector.report('b', { kind: 'response', status: 503 });
    expect(detector.isEjected('b')).to.equal(false);
    now = 999;
    detector.sweep();
    expect(detector.isEjected('a')).to.equal(true);
    now = 1000;
    detector.sweep();
    expect(detector.isEjected('a')).to.equal(false);
    // ejected again before any healthy sweep: 2 × base
    detector.report('a', { kind: 'response', status: 503 });
    detector.report('a', { kind: 'response', status: 503 });
    now = 2999;
    detector.sweep();
    expect(detector.isEjected('a')).to.equal(true);
    now = 3000;
    detector.sweep();
    expect(detector.isEjected('a')).to.equal(false);
    // two healthy sweeps bring the multiplier back to 0: the next ejection lasts base × 1
    detector.sweep();
    detector.sweep();
    detector.report('a', { kind: 'response', status: 503 });
    detector.report('a', { kind: 'response', status: 503 });
    now = 4000;
    detector.sweep();
    expect(detector.isEjected('a')).to.equal(false);
  });

  it("previous_hosts picks as Envoy's chooseHost: once for a first try; on a retry up to 1 + 5 times while the pick was tried, then the last pick", () => {
    const hosts: BalancedHost[] = ['a', 'b', 'c'].map((key) => ({ key, activeRequests: 0 }));
    /** A balancer that answers from a script of host keys and counts its picks. */
    const scripted = (keys: string[]): LoadBalancer & { picks: number } => {
      const balancer = {
        picks: 0,
        pick: (from: readonly BalancedHost[]) => {
          const key = keys[Math.min(balancer.picks++, keys.length - 1)];
          return from.find((host) => host.key === key);
        },
      };
      return balancer;
    };
    expect(HOST_SELECTION_RETRIES).to.equal(5);
    const first = scripted(['a']);
    expect(pickUntried(first, hosts, new Set())?.key).to.equal('a');
    expect(first.picks).to.equal(1);
    const third = scripted(['a', 'a', 'b']);
    expect(pickUntried(third, hosts, new Set(['a']))?.key).to.equal('b');
    expect(third.picks).to.equal(3);
    const stuck = scripted(['a']);
    expect(pickUntried(stuck, hosts, new Set(['a']))?.key, 'the last pick, tried or not').to.equal('a');
    expect(stuck.picks).to.equal(1 + HOST_SELECTION_RETRIES);
    const sixth = scripted(['a', 'a', 'a', 'a', 'a', 'c']);
    expect(pickUntried(sixth, hosts, new Set(['a']))?.key).to.equal('c');
    expect(pickUntried(scripted(['b']), hosts, undefined)?.key, 'no predicate (consistent hash): the first pick').to.equal('b');
  });

  it("response flags read as Envoy's %RESPONSE_FLAGS%: unique, in Envoy's order", () => {
    expect(responseFlagsLabel([])).to.equal('-');
    expect(responseFlagsLabel(['URX', 'UF'])).to.equal('UF,URX');
    expect(responseFlagsLabel(['FI', 'DI', 'FI'])).to.equal('DI,FI');
    expect(responseFlagsLabel(['DC', 'DI'])).to.equal('DI,DC');
  });

  it('validation collects every issue with its path and refuses what is not emulated', () => {
    const issues = validateVirtualService({ metadata: { name: 'x', namespace: 'ns' }, spec: { hosts: ['*', 'a.b'], tcp: [], http: [{ route: [{ destination: { host: 'a' }, weight: 0 }, { destination: { host: 'b' } }], retries: { retryOn: '5xx' }, fault: { delay: { exponentialDelay: '1s' } }, corsPolicy: {} }] } }, []);
    expect(issues.map((i) => i.field)).to.have.members(['spec.tcp', 'spec.hosts[0]', 'spec.hosts[1]', 'spec.http[0].route', 'spec.http[0].retries.retryOn', 'spec.http[0].fault.delay.exponentialDelay', 'spec.http[0].fault.delay.fixedDelay', 'spec.http[0].corsPolicy']);
  });
});
