import type { CheckKind, CheckSpec, ResolvedCheck } from '../experiment/resolved.ts';
import type { CheckResult, FaultResult, PhaseResult } from '../result/result.ts';
import type { RunEvent } from '../timeline/events.ts';
import type { TimelineView } from '../timeline/timeline.ts';

/** Everything a check may look at once the run is over. All times on the run clock. */
export interface CheckContext {
  readonly timeline: TimelineView;
  readonly phases: readonly PhaseResult[];
  readonly faults: readonly FaultResult[];
  readonly events: readonly RunEvent[];
  /** Run-clock ms at which load stopped being scheduled. */
  readonly loadEndMs: number;
}

/**
 * Extension point: one SLO kind. One implementation per file in src/checks/.
 * `evaluate` never throws for an SLO violation; it returns a CheckResult with a verdict.
 */
export interface Check<K extends CheckKind = CheckKind> {
  readonly kind: K;
  evaluate(check: ResolvedCheck & { readonly spec: Extract<CheckSpec, { kind: K }> }, context: CheckContext): CheckResult;
}
