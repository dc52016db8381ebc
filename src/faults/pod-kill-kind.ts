/**
 * Fault kind `podKill`: deletes pods matching a label selector in one namespace through
 * @kubernetes/client-node (count or percent, random or oldest, with a grace period, once or
 * `every` N seconds). A kill cannot be undone: the revert stops the repetition, and the journal
 * record only lets a sweep say that a run ended mid-kill.
 */
import { Type, type Static } from '@sinclair/typebox';
import { UsageError } from '../errors.ts';
import { formatSpecDuration } from '../format/duration.ts';
import { Duration, Namespace } from '../experiment/schema-parts.ts';
import { checkSelector } from '../experiment/resolve-context.ts';
import type { FaultKind } from './fault-kind.ts';
import { PodKillBudget, PodKillInjector } from './pod-kill.ts';


const PodKillSchema = Type.Object(
  {
    selector: Type.String({ minLength: 1, description: 'Label selector, e.g. app=payments-primary.' }),
    namespace: Type.Optional(Namespace('Default target.kubernetes.namespace.')),
    count: Type.Optional(Type.Integer({ minimum: 1, description: 'Pods to kill (default 1; not with percent).' })),
    percent: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 100, description: 'Share of matching pods to kill, rounded up (not with count).' })),
    pick: Type.Optional(Type.Union([Type.Literal('random'), Type.Literal('oldest')], { description: 'Which pods: random (default) or oldest.' })),
    gracePeriod: Type.Optional(Duration("Grace period (default: the pod's own; 0s = forced).")),
    every: Type.Optional(Duration('Repeat the kill this often within the phase.')),
  },
  { additionalProperties: false, description: 'Kill pods matching a selector.' },
);
export type PodKillSpec = Static<typeof PodKillSchema>;

export interface PodKillFault {
  readonly kind: 'pod-kill';
  readonly id: string;
  readonly phase: string;
  readonly namespace: string;
  readonly selector: string;
  /** Exactly one of count / percent. */
  readonly count?: number;
  readonly percent?: number;
  readonly pick: 'random' | 'oldest';
  /** Undefined = the pod's own terminationGracePeriodSeconds. 0 = forced. */
  readonly gracePeriodSeconds?: number;
  /** Repeat the kill this often within the phase. */
  readonly everyMs?: number;
}

export type PodKillRevertRecord = {
  readonly kind: 'pod-kill';
  readonly namespace: string;
  readonly selector: string;
};

export const podKillFaultKind: FaultKind<PodKillSpec, PodKillFault, PodKillRevertRecord> = {
  key: 'podKill',
  kinds: ['pod-kill'],
  schema: PodKillSchema,

  resolve(ctx, path, spec, { id, phase, phaseMs, target }) {
    if (!target.kubernetes) ctx.error(path, 'podKill faults need target.kubernetes (local manifests, or a kubeconfig)', 'key');
    checkSelector(ctx, [...path, 'selector'], spec.selector);
    if (spec.count !== undefined && spec.percent !== undefined) ctx.error([...path, 'percent'], 'use either "count" or "percent", not both', 'key');
    const graceMs = ctx.ms(spec.gracePeriod);
    if (graceMs !== undefined && !Number.isInteger(graceMs / 1000)) ctx.error([...path, 'gracePeriod'], 'gracePeriod must be whole seconds (Kubernetes counts it in seconds)');
    const everyMs = ctx.ms(spec.every);
    if (everyMs !== undefined) {
      if (everyMs <= 0) ctx.error([...path, 'every'], 'every must be longer than 0');
      else if (phaseMs > 0 && everyMs > phaseMs) ctx.error([...path, 'every'], `every ${formatSpecDuration(everyMs)} is longer than the phase (${formatSpecDuration(phaseMs)}); drop it for a single kill`);
    }
    return {
      kind: 'pod-kill',
      id,
      phase,
      namespace: spec.namespace ?? target.kubernetes?.namespace ?? 'default',
      selector: spec.selector,
      ...(spec.percent !== undefined ? { percent: spec.percent } : { count: spec.count ?? 1 }),
      pick: spec.pick ?? 'random',
      ...(graceMs !== undefined ? { gracePeriodSeconds: Math.round(graceMs / 1000) } : {}),
      ...(everyMs !== undefined && everyMs > 0 ? { everyMs } : {}),
    };
  },

  describe(fault) {
    const how = fault.count !== undefined ? `${fault.count} pod(s)` : `${fault.percent}% of pods`;
    const grace = fault.gracePeriodSeconds === undefined ? '' : fault.gracePeriodSeconds === 0 ? ', forced' : `, grace ${fault.gracePeriodSeconds}s`;
    const every = fault.everyMs ? `, every ${fault.everyMs / 1000}s` : '';
    return {
      target: `pods ${fault.selector} in ${fault.namespace}`,
      description: `kill ${how} (${fault.pick}${grace}${every}) matching ${fault.selector} in ${fault.namespace}`,
    };
  },

  // A percentage is at least one pod: the validation bound counts it as one per round.
  plannedPodKills: (fault, phaseMs) => (fault.count ?? 1) * (fault.everyMs ? Math.max(1, Math.ceil(phaseMs / fault.everyMs)) : 1),

  watchNamespaces: (fault) => [fault.namespace],

  // pod-kill.ts lists the matching pods and deletes them (no get); the pod watch lists and watches.
  kubernetesPermissions: (fault) => [
    { namespace: fault.namespace, apiGroup: '', resource: 'pods', verbs: ['list', 'watch'], reason: `podKill ${fault.id}: find the pods matching ${fault.selector}; watch them die and come back` },
    { namespace: fault.namespace, apiGroup: '', resource: 'pods', verbs: ['delete'], reason: `podKill ${fault.id}: kill them` },
  ],

  open({ experiment, target, watchFor, onAsyncError }) {
    if (!target.kube) throw new UsageError('podKill faults need target.kubernetes');
    return new PodKillInjector({ access: target.kube.access, budget: new PodKillBudget(experiment.guardrails.maxPodsKilled), watchFor, onRepeatError: onAsyncError });
  },

  describeRecord: (record) => `pod kill ${record.selector} in ${record.namespace}`,

  revertRecord: async () => 'not-revertible',
};

