import type { Check } from './check.ts';
import { evaluateRatio } from './ratio.ts';

/** Failure ratio over a phase (or a window of it) must be at most `max`. */
export const failureRatioCheck: Check<'failureRatio'> = {
  kind: 'failureRatio',
  evaluate: (check, context) =>
    evaluateRatio(check, check.spec.scope, { label: 'failure ratio', numerator: 'failures', bound: 'max', limit: check.spec.max }, context),
};
