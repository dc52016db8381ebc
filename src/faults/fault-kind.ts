/**
 * Extension point: a fault kind. One module per kind exports a FaultKind with everything about
 * it — the YAML schema fragment, resolution and semantic checks, description, preflight, the
 * revert planned (and journaled) before apply, apply, and the revert from a journal record after
 * a crash. src/plugins/registry.ts lists the kinds; schema, runner, preflight, sweep and result are
 * built from it.
 */
import type { TSchema } from '@sinclair/typebox';
import type { ResolvedExperiment, ResolvedTarget } from '../experiment/resolved.ts';
import type { ResolveContext } from '../experiment/resolve-context.ts';
import type { FieldPath } from '../experiment/yaml-source.ts';
import type { JournalInfrastructure } from '../runner/journal.ts';
import type { OpenTarget } from '../runner/target.ts';
import type { RunEvent } from '../timeline/events.ts';
import type { PodWatch } from './pod-watch.ts';
import type { KubePermission } from '../rbac/permission.ts';

/** What every resolved fault carries; `kind` is one of its FaultKind's `kinds`. */
export interface FaultBase {
  readonly kind: string;
  /** Stable id, e.g. `outage/0`, used in the journal, events and the result. */
  readonly id: string;
  readonly phase: string;
}

/**
 * What the journal stores for one applied fault: plain JSON, enough to revert it from another
 * process after a crash. Written atomically BEFORE the fault is applied. `kind` picks the FaultKind.
 */
export interface RevertRecord {
  readonly kind: string;
  readonly [field: string]: unknown;
}

export interface Revert<R extends RevertRecord = RevertRecord> {
  readonly record: R;
  /** Idempotent: reverting an already-reverted fault succeeds. */
  run(): Promise<void>;
}

export interface FaultContext {
  readonly signal: AbortSignal;
  readonly now: () => number;
  readonly emit: (event: Omit<RunEvent, 'at'>) => void;
}

export interface FaultResolveInput {
  /** `<phase>/<index>`. */
  readonly id: string;
  readonly phase: string;
  readonly index: number;
  readonly phaseMs: number;
  readonly target: ResolvedTarget;
}

/** What preflight learned about one fault. */
export interface FaultPreflight {
  /** Plan lines: what the fault would touch now. */
  readonly touches: readonly string[];
  /** Problems that stop the run before anything is injected. */
  readonly problems: readonly string[];
  /** Pods it may kill over its phase (summed against guardrails.maxPodsKilled). */
  readonly podKills?: number;
  /** Details for `--dry-run` consumers and tests. */
  readonly details?: Readonly<Record<string, unknown>>;
}

/** What the runner lends a fault kind for one run. */
export interface FaultServices {
  readonly experiment: ResolvedExperiment;
  readonly target: OpenTarget;
  /** The pod watch of a namespace (started for the kinds' `watchNamespaces`). */
  readonly watchFor: (namespace: string) => PodWatch | undefined;
  /** A failure after `apply` returned (a repeated kill, say): the runner decides what it means. */
  readonly onAsyncError: (fault: FaultBase, error: unknown) => void;
}

/** A fault kind bound to an opened target for one run. */
export interface FaultInjector<F extends FaultBase = FaultBase, R extends RevertRecord = RevertRecord> {
  preflight(fault: F, phaseMs: number): Promise<FaultPreflight>;
  /** The revert, planned before anything changes (it may snapshot state) so that it is journaled first. */
  plan(fault: F): Promise<Revert<R>>;
  apply(fault: F, context: FaultContext): Promise<void>;
  /** Extra fields of this fault's entry in result.faults (e.g. the pods a kill deleted). */
  resultFields?(fault: F): Readonly<Record<string, unknown>>;
}

export type SweepOutcome = 'reverted' | 'already-reverted' | 'not-revertible' | 'gone-with-run';

/** One kind of fault, everything about it in one module (registered in src/plugins/registry.ts). */
export interface FaultKind<Spec = never, F extends FaultBase = FaultBase, R extends RevertRecord = RevertRecord> {
  /** The key under `phases[].faults[]` in YAML, e.g. `toxiproxy`. */
  readonly key: string;
  /** The `kind` values of its resolved faults and journal records (result.faults[].kind). */
  readonly kinds: readonly string[];
  /** JSON Schema (TypeBox) of the value under `key`. */
  readonly schema: TSchema;
  /** Semantic checks (errors go to ctx with their path) and defaults; undefined when unusable. */
  resolve(ctx: ResolveContext, path: FieldPath, spec: Spec, input: FaultResolveInput): F | undefined;
  describe(fault: F): { readonly target: string; readonly description: string };
  /** Upper bound on pods it kills in a phase of this length, known at validation. */
  plannedPodKills?(fault: F, phaseMs: number): number;
  /** Namespaces whose pods the runner watches from before load starts. */
  watchNamespaces?(fault: F): readonly string[];
  /**
   * What it calls through the Kubernetes API (preflight, plan, apply, revert, cleanup): the
   * rules `rebound rbac` grants it. Absent: it makes no Kubernetes API calls.
   */
  kubernetesPermissions?(fault: F): readonly KubePermission[];
  /** Binds the kind to the run's target; throws a UsageError when the target lacks what it needs. */
  open(services: FaultServices): FaultInjector<F, R>;
  describeRecord(record: R): string;
  /** Reverts from a journal record of a run that is gone (`cleanup`, the next run's sweep). */
  revertRecord(record: R, infrastructure: JournalInfrastructure): Promise<SweepOutcome>;
}

/** A FaultKind with its type parameters erased, as the registry holds it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyFaultKind = FaultKind<any, any, any>;
