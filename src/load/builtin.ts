import type { ResolvedLoad } from '../experiment/resolved.ts';
import { UsageError } from '../errors.ts';
import { HttpRequester } from './http-requester.ts';
import type { LoadDriver, LoadRunOptions, LoadSummary } from './load-driver.ts';
import { RateSchedule } from './rate-schedule.ts';
import { RequestMix } from './request-mix.ts';

/**
 * The built-in open-model HTTP driver (like k6's constant/ramping-arrival-rate): request i is
 * scheduled at the instant the rate profile says, whatever the responses do, and its latency is
 * measured from that instant (no coordinated omission).
 *
 * - A late timer fires every request whose instant has passed, each with its true scheduledMs.
 * - Over `maxInFlight`, a request is not sent and yields a `dropped` sample.
 * - Each request gets `timeoutMs` from the moment it is handed to undici (pool queueing
 *   included); past it the sample is a `timeout`.
 * - Stop (duration reached or `signal` aborted): scheduling stops, in-flight requests get up to
 *   `drainMs`; those still running then are reported as `timeout` samples (ended at the cut-off)
 *   and counted in `extra.cutOff`.
 */
export class BuiltinLoadDriver implements LoadDriver {
  readonly name = 'builtin';

  async run(load: ResolvedLoad, options: LoadRunOptions): Promise<LoadSummary> {
    if (!(load.maxInFlight >= 1)) throw new UsageError(`load: maxInFlight must be ≥ 1, got ${load.maxInFlight}`);
    const requester = new HttpRequester(load, options.now, options.onSample);
    const schedule = new RateSchedule(load.rate);
    const mix = new RequestMix(load.requests.map((request) => request.weight));
    const maxInFlight = load.maxInFlight;
    const durationMs = options.durationMs;
    let scheduled = 0;
    let dropped = 0;
    let nextAt = schedule.instantMs(0);

    try {
      await new Promise<void>((resolve) => {
        let timer: NodeJS.Timeout | undefined;
        const stop = () => {
          if (timer) clearTimeout(timer);
          timer = undefined;
          options.signal.removeEventListener('abort', stop);
          resolve();
        };
        const tick = () => {
          timer = undefined;
          const now = options.now();
          while (nextAt <= now && nextAt < durationMs) {
            const requestIndex = mix.next();
            if (requester.inFlight >= maxInFlight) {
              requester.drop(requestIndex, nextAt);
              dropped++;
            } else {
              requester.send(requestIndex, nextAt);
            }
            scheduled++;
            nextAt = schedule.instantMs(scheduled);
          }
          if (options.signal.aborted) return;
          if (!(nextAt < durationMs)) {
            // Nothing left to schedule: wait for the planned end so the drain starts on time.
            const remaining = durationMs - options.now();
            if (remaining > 0) timer = setTimeout(stop, remaining);
            else stop();
            return;
          }
          timer = setTimeout(tick, Math.max(0, nextAt - options.now()));
        };
        if (options.signal.aborted) return resolve();
        options.signal.addEventListener('abort', stop);
        tick();
      });
      await requester.waitForIdle(options.drainMs);
      requester.cutOffInFlight();
    } finally {
      await requester.close();
    }
    return {
      driver: this.name,
      scheduled,
      dropped,
      extra: { sent: requester.sent, cutOff: requester.cutOff, ...(requester.firstError !== undefined ? { firstError: requester.firstError } : {}) },
    };
  }
}
