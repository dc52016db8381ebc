/**
 * Fault kind `toxiproxy`: a toxic added to a Toxiproxy proxy (result kind `toxic`) or the proxy
 * taken down (`proxy-down`), through toxiproxy-node-client, so that a real Toxiproxy and the
 * embedded one are one code path.
 */
import { Type, type Static } from '@sinclair/typebox';
import { UsageError } from '../errors.ts';
import { didYouMean } from '../experiment/did-you-mean.ts';
import { MAX_DURATION_MS } from '../experiment/duration.ts';
import { isRecord } from '../experiment/resolve-context.ts';
import type { FaultInjector, FaultKind, Revert } from './fault-kind.ts';
import { ToxiproxyClient } from './toxiproxy-client.ts';

export const TOXIC_TYPES = ['latency', 'bandwidth', 'slow_close', 'timeout', 'reset_peer', 'slicer', 'limit_data'] as const;
export type ToxicType = (typeof TOXIC_TYPES)[number];

/** Toxiproxy's attribute names per toxic type. */
export const TOXIC_ATTRIBUTES: Readonly<Record<ToxicType, readonly string[]>> = {
  latency: ['latency', 'jitter'],
  bandwidth: ['rate'],
  slow_close: ['delay'],
  timeout: ['timeout'],
  reset_peer: ['timeout'],
  slicer: ['average_size', 'size_variation', 'delay'],
  limit_data: ['bytes'],
};

const NAME = '^[A-Za-z0-9_.-]+$';

const ToxiproxyFaultSchema = Type.Object(
  {
    proxy: Type.String({ minLength: 1, description: 'A proxy from target.toxiproxy.proxies.' }),
    down: Type.Optional(Type.Literal(true, { description: 'Disable the proxy for the phase (not with toxic).' })),
    toxic: Type.Optional(Type.Union(TOXIC_TYPES.map((t) => Type.Literal(t)), { description: 'Toxic type (not with down).' })),
    attributes: Type.Optional(
      Type.Record(Type.String(), Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }), { description: "Toxiproxy's attributes for the toxic type (whole numbers, as Toxiproxy's are)." }),
    ),
    stream: Type.Optional(Type.Union([Type.Literal('upstream'), Type.Literal('downstream')], { description: 'Default downstream.' })),
    toxicity: Type.Optional(Type.Number({ minimum: 0, maximum: 1, description: 'Probability the toxic applies to a connection (default 1).' })),
    name: Type.Optional(Type.String({ pattern: NAME, patternErrorMessage: "letters, digits, '.', '_' and '-'", description: 'Toxic name (default rebound-<phase>-<index>).' })),
  },
  { additionalProperties: false, description: 'A Toxiproxy toxic, or the proxy taken down.' },
);
export type ToxiproxyFaultSpec = Static<typeof ToxiproxyFaultSchema>;

interface FaultOnProxy {
  readonly id: string;
  readonly phase: string;
  readonly proxy: string;
}

export interface ToxicFault extends FaultOnProxy {
  readonly kind: 'toxic';
  readonly toxic: {
    readonly type: ToxicType;
    /** Default `rebound-<phase>-<index>` so that sweeps can recognise Rebound's toxics. */
    readonly name: string;
    readonly stream: 'upstream' | 'downstream';
    readonly toxicity: number;
    readonly attributes: Readonly<Record<string, number>>;
  };
}

export interface ProxyDownFault extends FaultOnProxy {
  readonly kind: 'proxy-down';
}

export type ToxiproxyFault = ToxicFault | ProxyDownFault;

export type ToxiproxyRevertRecord =
  | { readonly kind: 'toxic'; readonly toxiproxyUrl: string; readonly proxy: string; readonly toxic: string; readonly hostedByLocalPlane?: true }
  | { readonly kind: 'proxy-down'; readonly toxiproxyUrl: string; readonly proxy: string; readonly hostedByLocalPlane?: true };

/** Attributes that are times, with their unit in ms (slicer's delay is in µs): bounded by what a timer can hold. */
const TIME_ATTRIBUTES: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  latency: { latency: 1, jitter: 1 },
  slow_close: { delay: 1 },
  timeout: { timeout: 1 },
  reset_peer: { timeout: 1 },
  slicer: { delay: 0.001 },
};

const TOXIC_ONLY_FIELDS = ['attributes', 'stream', 'toxicity', 'name'] as const;

/** Proxies a dry run on an external Toxiproxy would create: preflight treats them as existing. */
export interface PlannedProxy {
  readonly name: string;
  readonly listen: string;
  readonly upstream: string;
}

/** The kind bound to one Toxiproxy. */
export function toxiproxyInjector(client: ToxiproxyClient, wouldCreate: readonly PlannedProxy[] = [], hostedByLocalPlane = false): FaultInjector<ToxiproxyFault, ToxiproxyRevertRecord> {
  const hosted = hostedByLocalPlane ? { hostedByLocalPlane: true as const } : {};
  let known: Promise<Map<string, PlannedProxy & { toxics: readonly { name: string }[] }>> | undefined;
  const proxies = () =>
    (known ??= client.listProxies().then((list) => {
      const byName = new Map<string, PlannedProxy & { toxics: readonly { name: string }[] }>(list.map((proxy) => [proxy.name, proxy]));
      for (const planned of wouldCreate) byName.set(planned.name, { ...planned, toxics: [] });
      return byName;
    }));
  return {
    async preflight(fault) {
      const all = await proxies();
      const proxy = all.get(fault.proxy);
      if (!proxy) return { touches: [], problems: [`fault ${fault.id}: proxy ${fault.proxy} does not exist on ${client.url} (known: ${[...all.keys()].join(', ') || 'none'})`] };
      const problems =
        fault.kind === 'toxic' && proxy.toxics.some((toxic) => toxic.name === fault.toxic.name)
          ? [`fault ${fault.id}: proxy ${fault.proxy} already has a toxic named ${fault.toxic.name} (left by someone else? remove it, or run 'rebound cleanup')`]
          : [];
      return {
        touches: [`touches proxy ${proxy.name} (listen ${proxy.listen} → upstream ${proxy.upstream})`],
        problems,
        details: { proxy: { name: proxy.name, listen: proxy.listen, upstream: proxy.upstream } },
      };
    },
    async plan(fault): Promise<Revert<ToxiproxyRevertRecord>> {
      if (fault.kind === 'toxic') {
        return {
          record: { kind: 'toxic', toxiproxyUrl: client.url, proxy: fault.proxy, toxic: fault.toxic.name, ...hosted },
          run: async () => void (await client.removeToxic(fault.proxy, fault.toxic.name)),
        };
      }
      return {
        record: { kind: 'proxy-down', toxiproxyUrl: client.url, proxy: fault.proxy, ...hosted },
        run: () => enableAgain(client, fault.proxy).then(() => undefined),
      };
    },
    async apply(fault) {
      if (fault.kind === 'proxy-down') return client.setEnabled(fault.proxy, false);
      const { name, type, stream, toxicity, attributes } = fault.toxic;
      await client.addToxic(fault.proxy, { name, type, stream, toxicity, attributes });
    },
  };
}

/** A proxy that no longer exists carries no disabled state to undo. */
async function enableAgain(client: ToxiproxyClient, proxyName: string): Promise<'reverted' | 'already-reverted'> {
  const proxy = await client.findProxy(proxyName);
  if (!proxy || proxy.enabled) return 'already-reverted';
  await client.setEnabled(proxyName, true);
  return 'reverted';
}

export const toxiproxyFaultKind: FaultKind<ToxiproxyFaultSpec, ToxiproxyFault, ToxiproxyRevertRecord> = {
  key: 'toxiproxy',
  kinds: ['toxic', 'proxy-down'],
  schema: ToxiproxyFaultSchema,

  resolve(ctx, path, spec, { id, phase, index, target }) {
    if (!target.toxiproxy) ctx.error(path, 'toxiproxy faults need target.toxiproxy (embedded: true, or url)', 'key');
    const proxyNames = target.toxiproxy?.proxies.map((p) => p.name) ?? [];
    if (target.toxiproxy && !proxyNames.includes(spec.proxy)) {
      const known = proxyNames.length ? `; known: ${proxyNames.join(', ')}` : '; target.toxiproxy.proxies is empty';
      ctx.error([...path, 'proxy'], `no proxy named "${spec.proxy}" in target.toxiproxy.proxies${didYouMean(spec.proxy, proxyNames)}${known}`);
    }
    if (spec.down !== undefined && spec.toxic !== undefined) {
      return void ctx.error([...path, 'toxic'], 'use either "down: true" (take the proxy down) or "toxic" (add a toxic), not both', 'key');
    }
    if (spec.down === true) {
      for (const field of TOXIC_ONLY_FIELDS) {
        if (spec[field] !== undefined) ctx.error([...path, field], `"${field}" applies to toxics, not to "down: true"`, 'key');
      }
      return { kind: 'proxy-down', id, phase, proxy: spec.proxy };
    }
    if (spec.toxic === undefined) return void ctx.error(path, `needs "down: true" or "toxic: TYPE" (${TOXIC_TYPES.join(', ')})`, 'key');
    const allowed = TOXIC_ATTRIBUTES[spec.toxic];
    const attributes: Record<string, number> = {};
    if (isRecord(spec.attributes)) {
      for (const [name, value] of Object.entries(spec.attributes)) {
        if (!allowed.includes(name)) ctx.error([...path, 'attributes', name], `"${name}" is not an attribute of the ${spec.toxic} toxic${didYouMean(name, allowed)}; it has: ${allowed.join(', ')}`, 'key');
        else if (typeof value === 'number' && value * (TIME_ATTRIBUTES[spec.toxic]?.[name] ?? 0) > MAX_DURATION_MS) {
          ctx.error([...path, 'attributes', name], `${value} is longer than the longest delay a timer can hold (${MAX_DURATION_MS} ms)`);
        } else if (typeof value === 'number') attributes[name] = value;
      }
    }
    return {
      kind: 'toxic',
      id,
      phase,
      proxy: spec.proxy,
      toxic: { type: spec.toxic, name: spec.name ?? `rebound-${phase}-${index}`, stream: spec.stream ?? 'downstream', toxicity: spec.toxicity ?? 1, attributes },
    };
  },

  describe(fault) {
    if (fault.kind === 'proxy-down') return { target: `proxy ${fault.proxy}`, description: `proxy ${fault.proxy} down` };
    const { type, stream, toxicity, attributes } = fault.toxic;
    const attrs = Object.entries(attributes).map(([key, value]) => `${key}=${value}`).join(' ');
    const share = toxicity < 1 ? ` on ${Math.round(toxicity * 100)}% of connections` : '';
    return {
      target: `proxy ${fault.proxy}`,
      description: `${type}${attrs ? ` ${attrs}` : ''} ${stream} on ${fault.proxy}${share} (toxic ${fault.toxic.name})`,
    };
  },

  open({ target }) {
    if (!target.toxiproxy) throw new UsageError('toxiproxy faults need target.toxiproxy');
    return toxiproxyInjector(target.toxiproxy.client, target.toxiproxy.wouldCreate, target.toxiproxy.hostedByLocalPlane);
  },

  describeRecord(record) {
    return record.kind === 'toxic' ? `toxic ${record.toxic} on proxy ${record.proxy} at ${record.toxiproxyUrl}` : `proxy ${record.proxy} down at ${record.toxiproxyUrl}`;
  },

  async revertRecord(record, infrastructure) {
    // The embedded server lived in the dead run's process and died with it. Never contact its
    // old address: another server may listen there now.
    if (record.toxiproxyUrl === infrastructure.embeddedToxiproxyUrl) return 'gone-with-run';
    // Likewise a Toxiproxy that ran as a pod of the dead run's local plane (the sweep stopped it).
    if (record.hostedByLocalPlane && infrastructure.localPlaneUrl) return 'gone-with-run';
    const client = new ToxiproxyClient(record.toxiproxyUrl);
    if (record.kind === 'proxy-down') return enableAgain(client, record.proxy);
    return (await client.removeToxic(record.proxy, record.toxic)) === 'removed' ? 'reverted' : 'already-reverted';
  },
};
