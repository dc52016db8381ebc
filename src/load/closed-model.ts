import type { ResolvedLoad } from '../experiment/resolved.ts';
import { UsageError } from '../errors.ts';
import { HttpRequester } from './http-requester.ts';
import type { LoadRunOptions, LoadSummary } from './load-driver.ts';
import type { LoadSample } from './load-sample.ts';
import { RequestMix } from './request-mix.ts';

export type ClosedLoad = Pick<ResolvedLoad, 'requests' | 'timeoutMs' | 'connections' | 'success' | 'servedByHeader'>;

/**
 * Closed model at maximum speed (like autocannon): `connections` requests in flight per origin
 * pool, each followed by the next as soon as it finishes. scheduledMs = sentMs, so latency is
 * service time; this mode measures capacity, not user-visible latency under an outage.
 */
export async function runClosedLoad(load: ClosedLoad, options: LoadRunOptions): Promise<LoadSummary> {
  if (!(options.durationMs > 0)) throw new UsageError(`load: duration must be > 0 ms, got ${options.durationMs}`);
  const mix = new RequestMix(load.requests.map((request) => request.weight));
  let stopping = false;
  let scheduled = 0;
  const onSample = options.onSample;
  const concurrency = load.connections;
  let requester: HttpRequester | undefined;
  // Re-entrancy guard: a request that fails synchronously must not recurse into the next one.
  let sending = false;
  let owed = 0;
  const sendNext = () => {
    owed++;
    if (sending) return;
    sending = true;
    while (owed > 0 && !stopping) {
      owed--;
      scheduled++;
      requester!.send(mix.next(), options.now());
    }
    owed = 0;
    sending = false;
  };
  requester = new HttpRequester(load, options.now, (sample: LoadSample) => {
    onSample(sample);
    if (!stopping) sendNext();
  });
  try {
    await new Promise<void>((resolve) => {
      const stop = () => {
        stopping = true;
        clearTimeout(timer);
        options.signal.removeEventListener('abort', stop);
        resolve();
      };
      const timer = setTimeout(stop, Math.max(0, options.durationMs - options.now()));
      if (options.signal.aborted) return stop();
      options.signal.addEventListener('abort', stop);
      for (let i = 0; i < concurrency; i++) sendNext();
    });
    await requester.waitForIdle(options.drainMs);
    requester.cutOffInFlight();
  } finally {
    await requester.close();
  }
  return { driver: 'builtin-closed', scheduled, dropped: 0, extra: { sent: requester.sent, cutOff: requester.cutOff, ...(requester.firstError !== undefined ? { firstError: requester.firstError } : {}) } };
}
