import type { ToxicType } from './toxic-type.ts';

/**
 * On the first chunk (or end of stream) in its direction: drop data, wait `timeout` ms,
 * then close. The close is a TCP RST when the toxic was present as the connection opened
 * (Toxiproxy sets SO_LINGER 0 only then; see connection.ts). The wait cannot be
 * interrupted, as in Toxiproxy.
 */
export const resetPeer: ToxicType = {
  type: 'reset_peer',
  goStruct: 'ResetToxic',
  attributes: [{ name: 'timeout', goType: 'int64' }],
  createRunner(attributes, ctx) {
    const ms = attributes['timeout'] ?? 0;
    const reset = (): void | Promise<void> => {
      if (ms <= 0) return ctx.close();
      return ctx.sleepUninterruptible(ms).then(() => ctx.close());
    };
    return { onData: reset, onEnd: reset };
  },
};
