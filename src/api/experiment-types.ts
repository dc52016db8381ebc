/**
 * The experiment as TypeScript writes it: the same type as the YAML's (spec.ts, `Static<>` of the
 * TypeBox schema in src/experiment/schema.ts), with each `phases[].faults[]` and `checks[]` entry
 * typed by its built-in kind's own schema fragment (src/faults/*-kind.ts, src/checks/*.ts), so a
 * TS experiment and a YAML one cannot drift. test/api/experiment-types.test.ts keeps the key lists
 * below equal to the registry's built-in kinds.
 */
import type { failureRatioCheck } from '../checks/failure-ratio.ts';
import type { latencyCheck } from '../checks/latency.ts';
import type { meshFailureRatioCheck, meshSuccessRatioCheck } from '../checks/mesh-ratio.ts';
import type { podsReadyCheck } from '../checks/pods-ready.ts';
import type { prometheusCheck } from '../checks/prometheus.ts';
import type { successRatioCheck } from '../checks/success-ratio.ts';
import type { timeToFailbackCheck } from '../checks/time-to-failback.ts';
import type { timeToFailoverCheck } from '../checks/time-to-failover.ts';
import type { timeToRecoverCheck } from '../checks/time-to-recover.ts';
import type { trafficSplitCheck } from '../checks/traffic-split.ts';
import type { ExperimentSpec, PhaseSpec } from '../experiment/spec.ts';
import type { HttpFaultSpec } from '../faults/http-fault-kind.ts';
import type { PodKillSpec } from '../faults/pod-kill-kind.ts';
import type { ToxiproxyFaultSpec } from '../faults/toxiproxy-kind.ts';

/** Read-only all the way down, so that `as const` values and plain ones both fit. */
type DeepReadonly<T> = T extends readonly (infer U)[] ? readonly DeepReadonly<U>[] : T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;

/** The spec type a kind's schema fragment gives the value under its key. */
type SpecOf<K> = K extends { resolve(env: never, path: never, spec: infer S): unknown } ? DeepReadonly<S> : never;

/** Built-in fault kinds: YAML key → the value's type. */
export interface FaultSpecs {
  readonly toxiproxy: DeepReadonly<ToxiproxyFaultSpec>;
  readonly podKill: DeepReadonly<PodKillSpec>;
  readonly httpFault: DeepReadonly<HttpFaultSpec>;
}

/** Built-in check kinds: YAML key → the value's type. */
export interface CheckSpecs {
  readonly successRatio: SpecOf<typeof successRatioCheck>;
  readonly failureRatio: SpecOf<typeof failureRatioCheck>;
  readonly timeToFailover: SpecOf<typeof timeToFailoverCheck>;
  readonly timeToRecover: SpecOf<typeof timeToRecoverCheck>;
  readonly timeToFailback: SpecOf<typeof timeToFailbackCheck>;
  readonly latency: SpecOf<typeof latencyCheck>;
  readonly podsReady: SpecOf<typeof podsReadyCheck>;
  readonly trafficSplit: SpecOf<typeof trafficSplitCheck>;
  readonly prometheus: SpecOf<typeof prometheusCheck>;
  readonly meshSuccessRatio: SpecOf<typeof meshSuccessRatioCheck>;
  readonly meshFailureRatio: SpecOf<typeof meshFailureRatioCheck>;
}

export const FAULT_KEYS = ['toxiproxy', 'podKill', 'httpFault'] as const satisfies readonly (keyof FaultSpecs)[];
export const CHECK_KEYS = [
  'successRatio',
  'failureRatio',
  'timeToFailover',
  'timeToRecover',
  'timeToFailback',
  'latency',
  'podsReady',
  'trafficSplit',
  'prometheus',
  'meshSuccessRatio',
  'meshFailureRatio',
] as const satisfies readonly (keyof CheckSpecs)[];

/** Exactly one key of T (the schema rejects an entry with two). */
type OneOf<T> = { [K in keyof T]: { readonly [P in K]: T[K] } & { readonly [P in Exclude<keyof T, K>]?: never } }[keyof T];

/** One `phases[].faults[]` entry, e.g. `{ toxiproxy: { proxy: 'payments-primary', down: true } }`. */
export type FaultEntry = OneOf<FaultSpecs>;

/** One `checks[]` entry: the common fields and exactly one check kind. */
export type CheckEntry = { readonly name?: string; readonly strict?: boolean; readonly minSamples?: number } & OneOf<CheckSpecs>;

export type Phase = DeepReadonly<Omit<PhaseSpec, 'faults'>> & { readonly faults?: readonly FaultEntry[] };

/** An experiment: exactly what an experiment YAML file holds, as a TypeScript value. */
export type Experiment = DeepReadonly<Omit<ExperimentSpec, 'phases' | 'checks'>> & {
  readonly phases: readonly Phase[];
  readonly checks?: readonly CheckEntry[];
};
