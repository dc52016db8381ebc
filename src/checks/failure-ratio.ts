import { Type, type Static } from '@sinclair/typebox';
import type { CheckSpec } from '../experiment/resolved.ts';
import { PhaseName, Ratio, strict, WindowFields } from '../experiment/schema-parts.ts';
import type { CheckKind } from './check-kind.ts';
import { formatThreshold } from '../format/percent.ts';
import { evaluateRatio, ratioExplainedBySlowHarness } from './ratio.ts';
import { describeScope } from './scope.ts';

const FailureRatioSchema = Type.Object({ phase: PhaseName, max: Ratio('Highest acceptable failure ratio.'), ...WindowFields }, strict);
type FailureRatioSpec = Extract<CheckSpec, { kind: 'failureRatio' }>;

/** Failure ratio over a phase (or a window of it) must be at most `max`. */
export const failureRatioCheck: CheckKind<Static<typeof FailureRatioSchema>, FailureRatioSpec> = {
  key: 'failureRatio',
  schema: FailureRatioSchema,
  resolve(env, path, spec) {
    const scope = env.resolveScope(path, spec);
    return scope && { kind: 'failureRatio', scope, max: spec.max };
  },
  defaultName: (spec) => `failure ratio ≤ ${formatThreshold(spec.max)} ${describeScope(spec.scope)}`,
  explainedBySlowHarness: ratioExplainedBySlowHarness,
  evaluate: (check, context) =>
    evaluateRatio(check, check.spec.scope, { label: 'failure ratio', numerator: 'failures', bound: 'max', limit: check.spec.max }, context),
};
