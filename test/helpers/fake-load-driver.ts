/**
 * FAKE load driver (named as such): samples on the run clock without HTTP, one every 10 ms, so
 * that the runner's lifecycle is tested in isolation from the load generator.
 */
import type { LoadDriver } from '../../src/load/load-driver.ts';
import type { Sample } from '../../src/load/sample.ts';

export function fakeLoadDriver(shape: (sample: Sample) => Sample = (sample) => sample, name = 'fake'): LoadDriver {
  return {
    name,
    run: (_load, options) =>
      new Promise((resolve) => {
        let scheduled = 0;
        const timer = setInterval(() => {
          const now = options.now();
          if (now >= options.durationMs || options.signal.aborted) {
            clearInterval(timer);
            return resolve({ driver: name, scheduled, dropped: 0 });
          }
          scheduled++;
          options.onSample(shape({ scheduledMs: now, sentMs: now, endMs: now + 1, ok: true }));
        }, 10);
      }),
  };
}
