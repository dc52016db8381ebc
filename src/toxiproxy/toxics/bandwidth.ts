import { performance } from 'node:perf_hooks';
import type { StageContext, ToxicType } from './toxic-type.ts';

/**
 * Limits throughput to `rate` KB/s (1 KB = 1000 B; ≤ 0 = unlimited). A chunk larger than
 * 100 ms worth of data leaves in pieces every 100 ms; the owed sleep is carried between
 * chunks and corrected for timer overshoot, as Toxiproxy does.
 */
export const bandwidth: ToxicType = {
  type: 'bandwidth',
  goStruct: 'BandwidthToxic',
  attributes: [{ name: 'rate', goType: 'int64' }],
  createRunner(attributes, ctx) {
    const rate = attributes['rate'] ?? 0;
    const owed = { ms: 0 };
    return {
      onData(data) {
        if (rate <= 0) {
          owed.ms = 0;
          return ctx.emit(data);
        }
        return throttle(data, rate, owed, ctx);
      },
    };
  },
};

async function throttle(data: Buffer, rate: number, owed: { ms: number }, ctx: StageContext): Promise<void> {
  owed.ms += data.length / rate;
  const piece = rate * 100;
  while (data.length > piece) {
    if (!(await ctx.sleep(100))) return ctx.emit(data); // interrupted: never drop data
    ctx.emit(data.subarray(0, piece));
    data = data.subarray(piece);
    owed.ms -= 100;
  }
  const start = performance.now();
  if (owed.ms > 0 && !(await ctx.sleep(owed.ms))) return ctx.emit(data);
  owed.ms -= performance.now() - start;
  ctx.emit(data);
}
