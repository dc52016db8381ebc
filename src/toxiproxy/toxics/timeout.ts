import { MAX_TIMER_MS, type ToxicType } from './toxic-type.ts';

/**
 * Drops all data; closes the connection after `timeout` ms without incoming data in its
 * direction (0 = never). Removing it closes the connections it held (Toxiproxy's Cleanup).
 */
export const timeout: ToxicType = {
  type: 'timeout',
  goStruct: 'TimeoutToxic',
  attributes: [{ name: 'timeout', goType: 'int64' }],
  createRunner(attributes, ctx) {
    const ms = attributes['timeout'] ?? 0;
    let timer: NodeJS.Timeout | undefined;
    const arm = (): void => {
      if (ms <= 0) return;
      clearTimeout(timer);
      timer = setTimeout(() => ctx.close(), Math.min(ms, MAX_TIMER_MS)); // beyond 24.8 days: close then
    };
    return {
      start: arm,
      onData: arm,
      stop(reason) {
        clearTimeout(timer);
        if (reason === 'removed') ctx.close();
      },
    };
  },
};
