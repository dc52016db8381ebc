import { Type, type Static } from '@sinclair/typebox';
import type { CheckSpec } from '../experiment/resolved.ts';
import { PhaseName, Ratio, strict, WindowFields } from '../experiment/schema-parts.ts';
import type { CheckKind } from './check-kind.ts';
import { formatThreshold } from '../format/percent.ts';
import { evaluateRatio, ratioExplainedBySlowHarness } from './ratio.ts';
import { describeScope } from './scope.ts';

const SuccessRatioSchema = Type.Object({ phase: PhaseName, min: Ratio('Lowest acceptable success ratio.'), ...WindowFields }, strict);
type SuccessRatioSpec = Extract<CheckSpec, { kind: 'successRatio' }>;

/** Success ratio over a phase (or a window of it) must be at least `min`. */
export const successRatioCheck: CheckKind<Static<typeof SuccessRatioSchema>, SuccessRatioSpec> = {
  key: 'successRatio',
  schema: SuccessRatioSchema,
  resolve(env, path, spec) {
    const scope = env.resolveScope(path, spec);
    return scope && { kind: 'successRatio', scope, min: spec.min };
  },
  defaultName: (spec) => `success ratio ≥ ${formatThreshold(spec.min)} ${describeScope(spec.scope)}`,
  explainedBySlowHarness: ratioExplainedBySlowHarness,
  evaluate: (check, context) =>
    evaluateRatio(check, check.spec.scope, { label: 'success ratio', numerator: 'successes', bound: 'min', limit: check.spec.min }, context),
};
