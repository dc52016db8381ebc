import type { ResolvedLoad } from '../experiment/resolved.ts';
import { UsageError } from '../errors.ts';
import { HttpRequester } from './http-requester.ts';
import type { LoadRunOptions, LoadSummary } from './load-driver.ts';
import { RequestMix } from './request-mix.ts';

export type ClosedLoad = Pick<ResolvedLoad, 'requests' | 'timeoutMs' | 'connections' | 'success' | 'servedByHeader'>;

/**
 * Closed model at maximum speed (like autocannon): `connections` requests in flight, each followed
 * by the next on the same connection as soon as it finishes (one request per connection at a
 * time, no pipelining). scheduledMs = sentMs, so latency is service time; this mode measures
 * capacity, not user-visible latency under an outage.
 */
export async function runClosedLoad(load: ClosedLoad, options: LoadRunOptions): Promise<LoadSummary> {
  if (!(options.durationMs > 0)) throw new UsageError(`load: duration must be > 0 ms, got ${options.durationMs}`);
  const mix = new RequestMix(load.requests.map((request) => request.weight));
  let stopping = false;
  let scheduled = 0;
  const concurrency = load.connections;
  // Lane i is connection i of each origin (one undici Client each): its next request is sent as
  // soon as its previous one finished, like an autocannon connection.
  // Re-entrancy guard: a request that fails synchronously must not recurse into the next one.
  const freeLanes: number[] = [];
  let sending = false;
  const sendFreeLanes = () => {
    if (sending) return;
    sending = true;
    while (freeLanes.length > 0 && !stopping) {
      scheduled++;
      requester.sendOnLane(freeLanes.pop()!, mix.next());
    }
    freeLanes.length = 0;
    sending = false;
  };
  const requester = new HttpRequester(load, options.now, options.onSample, {
    onLaneFree: (lane) => {
      if (stopping) return;
      freeLanes.push(lane);
      sendFreeLanes();
    },
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
      for (let lane = concurrency - 1; lane >= 0; lane--) freeLanes.push(lane);
      sendFreeLanes();
    });
    await requester.waitForIdle(options.drainMs);
    requester.cutOffInFlight();
  } finally {
    await requester.close();
  }
  return { driver: 'builtin-closed', scheduled, dropped: 0, extra: { sent: requester.sent, cutOff: requester.cutOff, ...(requester.firstError !== undefined ? { firstError: requester.firstError } : {}) } };
}
