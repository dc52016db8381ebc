import { REQUEUE_END, type ToxicType } from './toxic-type.ts';

/** Data passes; the end of stream is held `delay` ms before the destination is closed. */
export const slowClose: ToxicType = {
  type: 'slow_close',
  goStruct: 'SlowCloseToxic',
  attributes: [{ name: 'delay', goType: 'int64' }],
  createRunner(attributes, ctx) {
    const delay = attributes['delay'] ?? 0;
    return {
      onData: (data) => ctx.emit(data),
      onEnd() {
        if (delay <= 0) return ctx.close();
        // Interrupted by an update: the new settings decide the close, as Toxiproxy's re-run does.
        return ctx.sleep(delay).then((slept) => (slept ? ctx.close() : REQUEUE_END));
      },
    };
  },
};
