import type { ResolvedLoad, RequestTemplate } from '../../../src/experiment/resolved.ts';
import type { LoadRunOptions } from '../../../src/load/load-driver.ts';
import type { Sample } from '../../../src/load/sample.ts';

export function request(url: string, overrides: Partial<RequestTemplate> = {}): RequestTemplate {
  return { name: 'get', method: 'GET', url, headers: {}, weight: 1, ...overrides };
}

export function constantLoad(perSecond: number, requests: RequestTemplate[], overrides: Partial<ResolvedLoad> = {}): ResolvedLoad {
  return {
    driver: 'builtin',
    rate: { kind: 'constant', perSecond },
    timeoutMs: 2_000,
    maxInFlight: 1_000,
    connections: 32,
    requests,
    success: { statuses: [[200, 399]] },
    ...overrides,
  };
}

/** Run options on a fresh run clock; samples collected into `samples`. */
export function runOptions(durationMs: number, overrides: Partial<LoadRunOptions> = {}): LoadRunOptions & { samples: Sample[]; origin: number } {
  const origin = performance.now();
  const samples: Sample[] = [];
  return {
    now: () => performance.now() - origin,
    onSample: (sample) => samples.push(sample),
    signal: new AbortController().signal,
    durationMs,
    drainMs: 2_000,
    samples,
    origin,
    ...overrides,
  };
}

export function countBy<T>(items: readonly T[], key: (item: T) => string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) {
    const k = key(item);
    if (k !== undefined) out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}
