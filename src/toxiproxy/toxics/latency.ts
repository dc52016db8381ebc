import { performance } from 'node:perf_hooks';
import type { ToxicType } from './toxic-type.ts';

/**
 * Each chunk leaves `latency ± jitter` ms after it arrived (jitter drawn as a whole number
 * of ms in [−jitter, jitter−1]); measured from arrival, so back-to-back chunks do not add
 * up, and order is kept. Interrupted (update/remove): the held chunk leaves at once.
 */
export const latency: ToxicType = {
  type: 'latency',
  goStruct: 'LatencyToxic',
  attributes: [
    { name: 'latency', goType: 'int64' },
    { name: 'jitter', goType: 'int64' },
  ],
  createRunner(attributes, ctx) {
    const base = attributes['latency'] ?? 0;
    const jitter = attributes['jitter'] ?? 0;
    return {
      onData(data, arrivedAt) {
        const delay = jitter > 0 ? base + Math.floor(Math.random() * jitter * 2) - jitter : base;
        const wait = delay - (performance.now() - arrivedAt);
        if (wait <= 0) return ctx.emit(data);
        return ctx.sleep(wait).then(() => ctx.emit(data));
      },
    };
  },
};
