import { expect } from 'chai';
import { connectableListen, resolveEndpoint, resolveUpstream, substituteEndpoints, type ServiceResolver } from '../../src/runner/addresses.ts';
import { UsageError } from '../../src/errors.ts';
import { applyTargetOverrides } from '../../src/runner/overrides.ts';
import type { ResolvedExperiment } from '../../src/experiment/resolved.ts';

const local: ServiceResolver = {
  mode: 'local',
  namespace: 'shop',
  serviceAddress: (ns, name, port) => (ns === 'shop' && name === 'payments' && port === 80 ? { host: '127.0.0.1', localPort: 40001 } : undefined),
};
const cluster: ServiceResolver = { mode: 'cluster', namespace: 'shop' };
const proxies = [{ name: 'pay', listen: '0.0.0.0:21001', upstream: { kind: 'service' as const, service: 'payments', port: 80 } }];

describe('runner/addresses', () => {
  it('service upstreams: local plane listener, or cluster DNS for a real cluster', () => {
    expect(resolveUpstream('pay', { kind: 'service', service: 'payments', port: 80 }, local)).to.equal('127.0.0.1:40001');
    expect(resolveUpstream('pay', { kind: 'service', service: 'payments', port: 80 }, cluster)).to.equal('payments.shop.svc.cluster.local:80');
    expect(resolveUpstream('pay', { kind: 'address', address: '10.0.0.1:5' }, cluster)).to.equal('10.0.0.1:5');
    expect(() => resolveUpstream('pay', { kind: 'service', service: 'nope', port: 80 }, local)).to.throw(UsageError, /service\/nope:80 is not a Service port in namespace shop/);
    expect(() => resolveUpstream('pay', { kind: 'service', service: 'payments', port: 80 }, { mode: 'none', namespace: 'default' })).to.throw(UsageError, /needs target.kubernetes/);
  });

  it('endpoints: URL, proxy listen (0.0.0.0 → loopback), local service; service on a real cluster is refused', () => {
    expect(resolveEndpoint('a', { kind: 'url', url: 'http://x:1/' }, cluster, proxies)).to.equal('http://x:1');
    expect(resolveEndpoint('a', { kind: 'proxy', proxy: 'pay', scheme: 'http' }, cluster, proxies)).to.equal('http://127.0.0.1:21001');
    expect(resolveEndpoint('a', { kind: 'service', service: 'payments', port: 80, scheme: 'http' }, local, proxies)).to.equal('http://127.0.0.1:40001');
    expect(() => resolveEndpoint('a', { kind: 'service', service: 'payments', port: 80, scheme: 'http' }, cluster, proxies)).to.throw(UsageError, /use a URL/);
    expect(() => resolveEndpoint('a', { kind: 'proxy', proxy: 'zzz', scheme: 'http' }, cluster, proxies)).to.throw(UsageError, /proxy\/zzz/);
    expect(connectableListen('[::]:80')).to.equal('[::1]:80');
  });

  it('substitutes {{endpoints.NAME}} and names unknown endpoints', () => {
    const request = { name: 'r', method: 'GET', url: '{{endpoints.shop}}/buy', headers: {}, weight: 1 };
    expect(substituteEndpoints([request], { shop: 'http://127.0.0.1:9' })[0]!.url).to.equal('http://127.0.0.1:9/buy');
    expect(() => substituteEndpoints([request], {})).to.throw(UsageError, /load.requests\[0\].url: unknown endpoint 'shop'/);
  });

  it('--toxiproxy-url switches an embedded Toxiproxy to the URL and keeps the proxies', () => {
    const experiment = { target: { toxiproxy: { mode: 'embedded', host: '127.0.0.1', port: 0, proxies }, endpoints: {} } } as unknown as ResolvedExperiment;
    const overridden = applyTargetOverrides(experiment, { toxiproxyUrl: 'http://127.0.0.1:8474/' });
    expect(overridden.target.toxiproxy).to.deep.equal({ mode: 'url', url: 'http://127.0.0.1:8474', proxies });
    expect(() => applyTargetOverrides(experiment, { toxiproxyUrl: 'nope' })).to.throw(UsageError, /--toxiproxy-url/);
    expect(applyTargetOverrides(experiment, {})).to.equal(experiment);
  });
});
