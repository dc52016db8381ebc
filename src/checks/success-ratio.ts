import type { Check } from './check.ts';
import { evaluateRatio } from './ratio.ts';

/** Success ratio over a phase (or a window of it) must be at least `min`. */
export const successRatioCheck: Check<'successRatio'> = {
  kind: 'successRatio',
  evaluate: (check, context) =>
    evaluateRatio(check, check.spec.scope, { label: 'success ratio', numerator: 'successes', bound: 'min', limit: check.spec.min }, context),
};
