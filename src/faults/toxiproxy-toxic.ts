import type { ToxicFault } from '../experiment/resolved.ts';
import type { FaultContext, FaultInjector, Revert } from './fault-injector.ts';
import type { ToxiproxyClient } from './toxiproxy-client.ts';

/** Adds a Toxiproxy toxic; the revert removes it (idempotent: an absent toxic is reverted). */
export class ToxicInjector implements FaultInjector<ToxicFault> {
  readonly kind = 'toxic' as const;

  constructor(private readonly client: ToxiproxyClient) {}

  describe(fault: ToxicFault): { target: string; description: string } {
    const { type, stream, toxicity, attributes } = fault.toxic;
    const attrs = Object.entries(attributes).map(([key, value]) => `${key}=${value}`).join(' ');
    const share = toxicity < 1 ? ` on ${Math.round(toxicity * 100)}% of connections` : '';
    return {
      target: `proxy ${fault.proxy}`,
      description: `${type}${attrs ? ` ${attrs}` : ''} ${stream} on ${fault.proxy}${share} (toxic ${fault.toxic.name})`,
    };
  }

  plan(fault: ToxicFault): Revert {
    const client = this.client;
    return {
      record: { kind: 'toxic', toxiproxyUrl: client.url, proxy: fault.proxy, toxic: fault.toxic.name },
      async run() {
        await client.removeToxic(fault.proxy, fault.toxic.name);
      },
    };
  }

  async apply(fault: ToxicFault, _context: FaultContext): Promise<void> {
    await this.client.addToxic(fault.proxy, {
      name: fault.toxic.name,
      type: fault.toxic.type,
      stream: fault.toxic.stream,
      toxicity: fault.toxic.toxicity,
      attributes: fault.toxic.attributes,
    });
  }
}
