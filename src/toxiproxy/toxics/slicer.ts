import type { StageContext, ToxicType } from './toxic-type.ts';

/**
 * Splits each chunk into pieces of about `average_size` ± `size_variation` bytes, sleeping
 * `delay` µs after each piece. Toxiproxy panics on size_variation ≤ 0 and recurses forever
 * on average_size ≤ 0; here those mean "no variation" and "1-byte pieces".
 */
export const slicer: ToxicType = {
  type: 'slicer',
  goStruct: 'SlicerToxic',
  attributes: [
    { name: 'average_size', goType: 'int' },
    { name: 'size_variation', goType: 'int' },
    { name: 'delay', goType: 'int' },
  ],
  createRunner(attributes, ctx) {
    const average = attributes['average_size'] ?? 0;
    const variation = attributes['size_variation'] ?? 0;
    const delayMs = (attributes['delay'] ?? 0) / 1000;
    return {
      onData(data) {
        const cuts = sliceOffsets(data.length, average, variation);
        if (delayMs <= 0) {
          for (let i = 1; i < cuts.length; i++) ctx.emit(data.subarray(cuts[i - 1], cuts[i]));
          return;
        }
        return emitSlowly(data, cuts, delayMs, ctx);
      },
    };
  },
};

async function emitSlowly(data: Buffer, cuts: number[], delayMs: number, ctx: StageContext): Promise<void> {
  for (let i = 1; i < cuts.length; i++) {
    ctx.emit(data.subarray(cuts[i - 1], cuts[i]));
    if (!(await ctx.sleep(delayMs))) {
      if (cuts[i]! < data.length) ctx.emit(data.subarray(cuts[i]));
      return;
    }
  }
}

/** Offsets [0, a, b, …, length]: halves recursively around the middle ± variation. */
export function sliceOffsets(length: number, average: number, variation: number): number[] {
  const cuts = [0];
  const split = (start: number, end: number): void => {
    if (end - start - average <= variation || end - start <= 1) {
      cuts.push(end);
      return;
    }
    const offset = variation > 0 ? Math.floor(Math.random() * variation * 2) - variation : 0;
    const mid = Math.min(end - 1, Math.max(start + 1, start + Math.floor((end - start) / 2) + offset));
    split(start, mid);
    split(mid, end);
  };
  if (length > 0) split(0, length);
  return cuts;
}
