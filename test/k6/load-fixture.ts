import type { ResolvedLoad } from '../../src/experiment/resolved.ts';

/** A ResolvedLoad for tests, with overrides. */
export function k6Load(overrides: Partial<ResolvedLoad> = {}): ResolvedLoad {
  return {
    driver: 'k6',
    rate: { kind: 'constant', perSecond: 50 },
    timeoutMs: 2000,
    maxInFlight: 200,
    connections: 16,
    requests: [{ name: 'checkout', method: 'GET', url: 'http://127.0.0.1:1/checkout', headers: {}, weight: 1 }],
    success: { statuses: [[200, 399]] },
    ...overrides,
  };
}
