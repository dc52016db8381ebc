/** An experiment value against the loopback system of test/cli/system.ts, through a Toxiproxy the test owns. */
import type { Experiment } from '../../src/api/index.ts';
import type { ShopSystem } from '../cli/system.ts';

export function proxyDownExperiment(name: string, system: ShopSystem, toxiproxyUrl: string, outage = '2s'): Experiment {
  return {
    apiVersion: 'rebound.dev/v1',
    kind: 'Experiment',
    metadata: { name },
    target: {
      toxiproxy: { url: toxiproxyUrl, proxies: [{ name: 'primary', listen: `127.0.0.1:${system.proxyPort}`, upstream: `127.0.0.1:${system.primaryPort}` }] },
      endpoints: { app: system.failoverUrl },
    },
    load: { rate: '40/s', timeout: '3s', requests: [{ url: '{{endpoints.app}}/' }], servedBy: 'x-served-by' },
    phases: [
      { name: 'baseline', duration: '1s' },
      { name: 'outage', duration: outage, faults: [{ toxiproxy: { proxy: 'primary', down: true } }] },
      { name: 'recovery', duration: '1s' },
    ],
    checks: [{ name: 'outage keeps working', successRatio: { phase: 'outage', min: 0.9 } }],
    report: { formats: ['json'] },
  };
}
