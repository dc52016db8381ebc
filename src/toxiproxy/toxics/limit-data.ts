import type { ToxicType } from './toxic-type.ts';

interface LimitDataState {
  transmitted: number;
}

/** Forwards at most `bytes` per connection and direction, then closes. */
export const limitData: ToxicType = {
  type: 'limit_data',
  goStruct: 'LimitDataToxic',
  attributes: [{ name: 'bytes', goType: 'int64' }],
  newState: (): LimitDataState => ({ transmitted: 0 }),
  createRunner(attributes, ctx) {
    const limit = attributes['bytes'] ?? 0;
    const state = ctx.state as LimitDataState;
    return {
      onData(data) {
        const remaining = Math.max(0, limit - state.transmitted);
        const allowed = remaining < data.length ? data.subarray(0, remaining) : data;
        if (allowed.length > 0) {
          ctx.emit(allowed);
          state.transmitted += allowed.length;
        }
        if (limit - state.transmitted <= 0) ctx.close();
      },
    };
  },
};
