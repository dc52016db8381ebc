import type { ProxyDownFault } from '../experiment/resolved.ts';
import type { FaultContext, FaultInjector, Revert } from './fault-injector.ts';
import type { ToxiproxyClient } from './toxiproxy-client.ts';

/** Takes a Toxiproxy proxy down (enabled: false); the revert enables it again (idempotent). */
export class ProxyDownInjector implements FaultInjector<ProxyDownFault> {
  readonly kind = 'proxy-down' as const;

  constructor(private readonly client: ToxiproxyClient) {}

  describe(fault: ProxyDownFault): { target: string; description: string } {
    return { target: `proxy ${fault.proxy}`, description: `proxy ${fault.proxy} down` };
  }

  plan(fault: ProxyDownFault): Revert {
    const client = this.client;
    return {
      record: { kind: 'proxy-down', toxiproxyUrl: client.url, proxy: fault.proxy },
      async run() {
        // A proxy that no longer exists carries no disabled state to undo.
        const proxy = await client.findProxy(fault.proxy);
        if (proxy && !proxy.enabled) await client.setEnabled(fault.proxy, true);
      },
    };
  }

  async apply(fault: ProxyDownFault, _context: FaultContext): Promise<void> {
    await this.client.setEnabled(fault.proxy, false);
  }
}
