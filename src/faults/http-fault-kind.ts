/**
 * Fault kind `httpFault`: Istio's own fault injection — abort a percentage of requests with an
 * HTTP status and/or delay a percentage by a fixed duration — written into a VirtualService's
 * `http[].fault` through @kubernetes/client-node, so a real Istio cluster and the local plane's
 * mesh are one code path. On a route of an existing VirtualService (all its routes, or the one
 * named), or on a host that has none (a VirtualService is created for the fault and deleted on
 * revert). The original `fault` of each route is journaled before the patch and restored exactly;
 * every patch is guarded by JSON-patch `test`s, so a concurrent edit is detected, never overwritten.
 */
import { isDeepStrictEqual } from 'node:util';
import { Type, type Static } from '@sinclair/typebox';
import { InfraError, UsageError } from '../errors.ts';
import { formatSpecDuration } from '../format/duration.ts';
import { Duration, Namespace, NonEmpty } from '../experiment/schema-parts.ts';
import type { FaultInjector, FaultKind, Revert } from './fault-kind.ts';
import type { KubeAccess } from './kube.ts';
import { ConcurrentEditError, ISTIO_GROUP, isConcurrentEdit } from './virtual-service-names.ts';
import type { HttpRule, JsonPatch, VirtualService, VirtualServices } from './virtual-services.ts';

const Percent = Type.Number({ minimum: 0, maximum: 100, description: 'Share of requests, 0–100 (Istio percentage.value).' });

const HttpFaultSchema = Type.Object(
  {
    virtualService: Type.Optional(NonEmpty('The VirtualService whose routes get the fault (not with host).')),
    route: Type.Optional(NonEmpty("Only this http route (its name); default every route of the VirtualService.")),
    host: Type.Optional(NonEmpty('A host with no VirtualService: one is created for the fault (not with virtualService).')),
    namespace: Type.Optional(Namespace('Default target.kubernetes.namespace.')),
    abort: Type.Optional(
      Type.Object(
        { status: Type.Integer({ minimum: 200, maximum: 599, description: 'HTTP status of the injected answer.' }), percent: Percent },
        { additionalProperties: false, description: 'Answer some requests at once with a status (Envoy flag FI).' },
      ),
    ),
    delay: Type.Optional(
      Type.Object({ fixedDelay: Duration('How long injected delays last.'), percent: Percent }, { additionalProperties: false, description: 'Delay some requests (Envoy flag DI).' }),
    ),
  },
  { additionalProperties: false, description: "Istio fault injection through a VirtualService's http[].fault." },
);
export type HttpFaultSpec = Static<typeof HttpFaultSchema>;

/** The `fault` object Istio reads (networking.istio.io HTTPFaultInjection). */
export interface IstioFault {
  readonly abort?: { readonly httpStatus: number; readonly percentage: { readonly value: number } };
  readonly delay?: { readonly fixedDelay: string; readonly percentage: { readonly value: number } };
}

export interface HttpFault {
  readonly kind: 'http-fault';
  readonly id: string;
  readonly phase: string;
  readonly namespace: string;
  readonly target: { readonly virtualService: string; readonly route?: string } | { readonly host: string };
  readonly fault: IstioFault;
}

export type HttpFaultRecord = {
  readonly kind: 'http-fault';
  /** Where to revert from another process: the API server, and how this run reached it. */
  readonly server: string;
  readonly kubeconfig?: string;
  readonly context: string;
  readonly namespace: string;
  readonly name: string;
  /** A VirtualService Rebound created for the fault (deleted on revert). */
  readonly created: boolean;
  readonly applied: IstioFault;
  /** Patched routes: index in spec.http, name, and their `fault` before (null: none). */
  readonly routes: readonly { readonly index: number; readonly name?: string; readonly original: unknown }[];
};

const FAULT_LABEL = 'rebound.dev/fault';

function createdName(fault: Pick<HttpFault, 'id'>): string {
  return `rebound-fault-${fault.id.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`.slice(0, 63).replace(/-+$/, '');
}

function where(fault: HttpFault): string {
  if ('host' in fault.target) return `host ${fault.target.host} in ${fault.namespace} (VirtualService ${fault.namespace}/${createdName(fault)}, created)`;
  return `VirtualService ${fault.namespace}/${fault.target.virtualService}${fault.target.route ? ` route ${fault.target.route}` : ''}`;
}

/** Does a VirtualService's `hosts` entry bind this Service host in its namespace (Istio's short-name rules)? */
export function bindsHost(written: string, vsNamespace: string, host: string, hostNamespace: string): boolean {
  const fqdn = (name: string, namespace: string) => (name.includes('.') ? name : `${name}.${namespace}.svc.cluster.local`);
  const wanted = fqdn(host, hostNamespace);
  const bound = fqdn(written, vsNamespace);
  if (bound.startsWith('*')) return wanted.endsWith(bound.slice(1));
  return bound === wanted;
}

function routeIndexes(vs: VirtualService, route: string | undefined): number[] | string {
  const rules = vs.spec.http ?? [];
  if (rules.length === 0) return `VirtualService ${vs.metadata.namespace}/${vs.metadata.name} has no http routes`;
  if (route === undefined) return rules.map((_rule, index) => index);
  const index = rules.findIndex((rule) => rule.name === route);
  if (index < 0) {
    const names = rules.map((rule) => rule.name).filter((name): name is string => typeof name === 'string');
    return `VirtualService ${vs.metadata.namespace}/${vs.metadata.name} has no http route named ${route} (routes: ${names.join(', ') || 'none named'})`;
  }
  return [index];
}

/** Undoes a recorded fault: restores each route's original `fault`, or deletes the VirtualService Rebound created. */
async function revertHttpFault(vss: VirtualServices, record: HttpFaultRecord): Promise<'reverted' | 'already-reverted'> {
  const current = await vss.read(record.namespace, record.name);
  if (!current) return 'already-reverted';
  if (record.created) {
    if (current.metadata.labels?.[FAULT_LABEL] === undefined) {
      throw new InfraError(`VirtualService ${record.namespace}/${record.name} is not the one Rebound created (no ${FAULT_LABEL} label); left alone`);
    }
    return (await vss.delete(record.namespace, record.name)) ? 'reverted' : 'already-reverted';
  }
  const rules = current.spec.http ?? [];
  const pending = record.routes.filter((route) => !isDeepStrictEqual(rules[route.index]?.fault ?? null, route.original));
  if (pending.length === 0) return 'already-reverted';
  const patch: JsonPatch = pending.flatMap((route) => [
    { op: 'test' as const, path: `/spec/http/${route.index}/fault`, value: record.applied },
    route.original === null ? { op: 'remove' as const, path: `/spec/http/${route.index}/fault` } : { op: 'add' as const, path: `/spec/http/${route.index}/fault`, value: route.original },
  ]);
  try {
    await vss.patch(record.namespace, record.name, patch);
  } catch (error) {
    if (!isConcurrentEdit(error)) throw error;
    throw new ConcurrentEditError(
      `VirtualService ${record.namespace}/${record.name} was edited during the run: its route fault is no longer the one Rebound applied, so it was not overwritten; restore by hand: ${pending
        .map((route) => `http[${route.index}].fault = ${JSON.stringify(route.original)}`)
        .join('; ')}`,
    );
  }
  return 'reverted';
}

/** The Kubernetes client library is loaded when a fault is opened or reverted, not when the kind is registered. */
async function virtualServices(access: KubeAccess): Promise<VirtualServices> {
  const { VirtualServices } = await import('./virtual-services.ts');
  return new VirtualServices(access);
}

function injector(access: KubeAccess): FaultInjector<HttpFault, HttpFaultRecord> {
  const loading = virtualServices(access);
  /** Each VirtualService as read at plan time, by fault id: apply guards its patch with it. */
  const snapshots = new Map<string, VirtualService | undefined>();
  return {
    async preflight(fault) {
      const vss = await loading;
      if ('host' in fault.target) {
        const { host } = fault.target;
        const owner = (await vss.list(fault.namespace)).find((vs) => (vs.spec.hosts ?? []).some((written) => bindsHost(written, fault.namespace, host, fault.namespace)));
        if (owner) return { touches: [], problems: [`fault ${fault.id}: host ${host} already has VirtualService ${fault.namespace}/${owner.metadata.name}; use httpFault.virtualService: ${owner.metadata.name}`] };
        return { touches: [`creates VirtualService ${fault.namespace}/${createdName(fault)} for host ${host}, deleted on revert`], problems: [] };
      }
      const { virtualService, route } = fault.target;
      const vs = await vss.read(fault.namespace, virtualService);
      if (!vs) return { touches: [], problems: [`fault ${fault.id}: VirtualService ${fault.namespace}/${virtualService} does not exist`] };
      const indexes = routeIndexes(vs, route);
      if (typeof indexes === 'string') return { touches: [], problems: [`fault ${fault.id}: ${indexes}`] };
      const rules = vs.spec.http ?? [];
      const touches = indexes.map((index) => `patches VirtualService ${fault.namespace}/${virtualService} http[${index}]${rules[index]?.name ? ` (${rules[index]!.name})` : ''}.fault${rules[index]?.fault ? ' (replacing the fault it has; restored on revert)' : ''}`);
      if (fault.fault.abort) {
        touches.push("warning: Istio does not retry an abort injected by a route's own fault (istio/istio#13705): this route's retries will not absorb it");
      }
      return { touches, problems: [], details: { virtualService: `${fault.namespace}/${virtualService}`, routes: indexes } };
    },

    async plan(fault): Promise<Revert<HttpFaultRecord>> {
      const vss = await loading;
      const base = { kind: 'http-fault' as const, server: access.server, context: access.context, ...(access.kubeconfigPaths[0] ? { kubeconfig: access.kubeconfigPaths[0] } : {}), namespace: fault.namespace, applied: fault.fault };
      let record: HttpFaultRecord;
      let snapshot: VirtualService | undefined;
      if ('host' in fault.target) {
        record = { ...base, name: createdName(fault), created: true, routes: [] };
      } else {
        snapshot = await vss.read(fault.namespace, fault.target.virtualService);
        if (!snapshot) throw new InfraError(`VirtualService ${fault.namespace}/${fault.target.virtualService} does not exist`);
        const indexes = routeIndexes(snapshot, fault.target.route);
        if (typeof indexes === 'string') throw new InfraError(indexes);
        const rules: readonly HttpRule[] = snapshot.spec.http ?? [];
        record = { ...base, name: snapshot.metadata.name, created: false, routes: indexes.map((index) => ({ index, ...(rules[index]!.name ? { name: rules[index]!.name } : {}), original: rules[index]!.fault ?? null })) };
      }
      snapshots.set(fault.id, snapshot);
      return { record, run: () => revertHttpFault(vss, record).then(() => undefined) };
    },

    async apply(fault) {
      const vss = await loading;
      if ('host' in fault.target) {
        await vss.create({
          kind: 'VirtualService',
          metadata: { name: createdName(fault), namespace: fault.namespace, labels: { [FAULT_LABEL]: createdName(fault) } },
          spec: { hosts: [fault.target.host], http: [{ name: 'rebound-fault', fault: fault.fault, route: [{ destination: { host: fault.target.host } }] }] },
        });
        return;
      }
      const snapshot = snapshots.get(fault.id)!;
      const rules = snapshot.spec.http ?? [];
      const indexes = routeIndexes(snapshot, fault.target.route) as number[];
      // Only what was journaled may change: the object as read, each route as read.
      const patch: JsonPatch = [
        { op: 'test', path: '/metadata/resourceVersion', value: snapshot.metadata.resourceVersion },
        ...indexes.flatMap((index) => [
          { op: 'test' as const, path: `/spec/http/${index}`, value: rules[index] },
          { op: 'add' as const, path: `/spec/http/${index}/fault`, value: fault.fault },
        ]),
      ];
      await vss.patch(fault.namespace, snapshot.metadata.name, patch);
    },
  };
}

export const httpFaultKind: FaultKind<HttpFaultSpec, HttpFault, HttpFaultRecord> = {
  key: 'httpFault',
  kinds: ['http-fault'],
  schema: HttpFaultSchema,

  resolve(ctx, path, spec, { id, phase, target }) {
    if (!target.kubernetes) ctx.error(path, 'httpFault needs target.kubernetes (a cluster with Istio, or the local plane)', 'key');
    if ((spec.virtualService === undefined) === (spec.host === undefined)) {
      return void ctx.error(path, 'httpFault needs exactly one of "virtualService" (patch its routes) or "host" (a host with no VirtualService)', 'key');
    }
    if (spec.host !== undefined && spec.route !== undefined) ctx.error([...path, 'route'], '"route" names a route of "virtualService"; with "host" the created VirtualService has one route', 'key');
    if (spec.abort === undefined && spec.delay === undefined) return void ctx.error(path, 'httpFault needs "abort" and/or "delay"', 'key');
    for (const key of ['abort', 'delay'] as const) {
      const percent = spec[key]?.percent;
      // Envoy counts per million: a share it would round to nothing is refused by Istio.
      if (percent !== undefined && percent > 0 && percent < 0.0001) ctx.error([...path, key, 'percent'], 'must be 0 or at least 0.0001 (Istio refuses smaller shares)');
    }
    const delayMs = ctx.ms(spec.delay?.fixedDelay);
    if (delayMs !== undefined && delayMs < 1) ctx.error([...path, 'delay', 'fixedDelay'], 'must be at least 1ms (Istio refuses shorter delays)');
    const fault: IstioFault = {
      ...(spec.delay && delayMs !== undefined ? { delay: { fixedDelay: `${delayMs}ms`, percentage: { value: spec.delay.percent } } } : {}),
      ...(spec.abort ? { abort: { httpStatus: spec.abort.status, percentage: { value: spec.abort.percent } } } : {}),
    };
    return {
      kind: 'http-fault',
      id,
      phase,
      namespace: spec.namespace ?? target.kubernetes?.namespace ?? 'default',
      target: spec.host !== undefined ? { host: spec.host } : { virtualService: spec.virtualService!, ...(spec.route !== undefined ? { route: spec.route } : {}) },
      fault,
    };
  },

  describe(fault) {
    const parts = [
      ...(fault.fault.abort ? [`abort ${fault.fault.abort.percentage.value}% with HTTP ${fault.fault.abort.httpStatus}`] : []),
      ...(fault.fault.delay ? [`delay ${fault.fault.delay.percentage.value}% by ${formatSpecDuration(parseInt(fault.fault.delay.fixedDelay, 10))}`] : []),
    ];
    const target = 'host' in fault.target ? `host ${fault.target.host}` : `VirtualService ${fault.namespace}/${fault.target.virtualService}${fault.target.route ? ` route ${fault.target.route}` : ''}`;
    return { target, description: `${parts.join(', ')} on ${where(fault)}` };
  },

  open({ target }) {
    if (!target.kube) throw new UsageError('httpFault needs target.kubernetes');
    return injector(target.kube.access);
  },

  kubernetesPermissions(fault) {
    const on = { namespace: fault.namespace, apiGroup: ISTIO_GROUP, resource: 'virtualservices' } as const;
    if ('host' in fault.target) {
      const name = createdName(fault);
      return [
        { ...on, verbs: ['list'], reason: `httpFault ${fault.id}: preflight, no VirtualService may own host ${fault.target.host} yet` },
        { ...on, verbs: ['create'], reason: `httpFault ${fault.id}: create VirtualService ${name} for the fault` },
        { ...on, verbs: ['get', 'delete'], resourceNames: [name], reason: `httpFault ${fault.id}: revert, delete the VirtualService it created` },
      ];
    }
    return [{ ...on, verbs: ['get', 'patch'], resourceNames: [fault.target.virtualService], reason: `httpFault ${fault.id}: read the routes, patch the fault in and out` }];
  },

  describeRecord: (record) => `${record.created ? 'created ' : ''}VirtualService ${record.namespace}/${record.name}${record.routes.length ? ` routes ${record.routes.map((r) => r.name ?? `http[${r.index}]`).join(', ')}` : ''} fault on ${record.server}`,

  async revertRecord(record, infrastructure) {
    // The local plane lived in the dead run's process tree and is gone with it.
    if (record.server === infrastructure.localPlaneUrl) return 'gone-with-run';
    const { loadKubeAccess } = await import('./kube.ts');
    const access = loadKubeAccess({ ...(record.kubeconfig ? { kubeconfig: record.kubeconfig } : {}), context: record.context, yes: true });
    return revertHttpFault(await virtualServices(access), record);
  },
};
