/**
 * Extension point: a check kind (one SLO). One module per kind exports a CheckKind with its YAML
 * schema fragment, resolution and semantic checks, default name, optional preflight and an async
 * `evaluate`. src/plugins/registry.ts lists the kinds; the experiment schema, the resolver and
 * the result's check kinds are built from it.
 */
import type { TSchema } from '@sinclair/typebox';
import type { ResolvedCheck, ResolvedPhase, ResolvedTarget, Scope } from '../experiment/resolved.ts';
import type { ResolveContext } from '../experiment/resolve-context.ts';
import type { FieldPath } from '../experiment/yaml-source.ts';
import type { CheckResult, FaultResult, PhaseResult } from '../result/result.ts';
import type { OpenTarget } from '../runner/target.ts';
import type { RunEvent } from '../timeline/events.ts';
import type { TimelineView } from '../timeline/timeline.ts';
import type { KubePermission } from '../rbac/permission.ts';

/** Everything a check may look at once the run is over. Offsets are on the run clock. */
export interface CheckContext {
  readonly timeline: TimelineView;
  /** The phases that ran, with run-clock offsets and wall-clock times (startedAt, endedAt). */
  readonly phases: readonly PhaseResult[];
  readonly faults: readonly FaultResult[];
  readonly events: readonly RunEvent[];
  /** Run-clock ms at which load stopped being scheduled. */
  readonly loadEndMs: number;
  /** Wall-clock time (epoch ms) of the run clock's zero: wall = runStartEpochMs + offset. */
  readonly runStartEpochMs: number;
  /** The opened target (Toxiproxy, Kubernetes, …), still open while checks run; absent in re-evaluations. */
  readonly target?: OpenTarget;
  /** Aborted when the run is interrupted: a check that waits on a system must stop. */
  readonly signal: AbortSignal;
}

/** What a kind's `resolve` may use besides the value under its key. */
export interface CheckResolveEnv {
  readonly ctx: ResolveContext;
  readonly phases: readonly ResolvedPhase[];
  readonly target: ResolvedTarget;
  /** load.servedBy, when set. */
  readonly servedBy: string | undefined;
  /** The phase of that name, or an error at `path` naming the phases there are. */
  findPhase(path: FieldPath, name: unknown): ResolvedPhase | undefined;
  /** `{ phase, from?, to? }` → Scope, with windows checked against the phase and the bucket. */
  resolveScope(path: FieldPath, spec: { phase: string; from?: string; to?: string }): Scope | undefined;
}

export interface CheckSpecBase {
  /** The kind's key. */
  readonly kind: string;
}

export interface CheckKind<Spec = never, S extends CheckSpecBase = CheckSpecBase> {
  /** The key in a `checks[]` entry, e.g. `successRatio`; also result.checks[].kind. */
  readonly key: string;
  /** JSON Schema (TypeBox) of the value under `key`. */
  readonly schema: TSchema;
  /** Semantic checks (errors go to env.ctx with their path) and defaults; undefined when unusable. */
  resolve(env: CheckResolveEnv, path: FieldPath, spec: Spec): S | undefined;
  /** The name when the experiment gives none. */
  defaultName(spec: S): string;
  /** What it (and what it reads) calls through the Kubernetes API: the rules `rebound rbac` grants it. Absent: none. */
  kubernetesPermissions?(spec: S): readonly KubePermission[];
  /** Problems that stop the run before any fault (e.g. a query that does not parse). */
  preflight?(check: ResolvedCheck<S>, context: { readonly target: OpenTarget; readonly signal: AbortSignal }): Promise<readonly string[]>;
  /**
   * Could this failure come from a starved harness (late sends, late timestamps) rather than the
   * system? Absent: no, the failure stands even when the harness was overloaded.
   */
  explainedBySlowHarness?(result: CheckResult): boolean;
  /** Never throws for an SLO violation: returns a CheckResult with its verdict. */
  evaluate(check: ResolvedCheck<S>, context: CheckContext): CheckResult | Promise<CheckResult>;
}

/** A CheckKind with its type parameters erased, as the registry holds it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyCheckKind = CheckKind<any, any>;
