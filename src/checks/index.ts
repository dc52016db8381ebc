/** The check registry: one Check per kind (one file each), evaluateChecks and decideVerdict. */
import type { CheckKind, ResolvedCheck } from '../experiment/resolved.ts';
import type { CheckResult } from '../result/result.ts';
import type { Check, CheckContext } from './check.ts';
import { failureRatioCheck } from './failure-ratio.ts';
import { latencyCheck } from './latency.ts';
import { podsReadyCheck } from './pods-ready.ts';
import { successRatioCheck } from './success-ratio.ts';
import { timeToFailoverCheck } from './time-to-failover.ts';
import { timeToRecoverCheck } from './time-to-recover.ts';
import { trafficSplitCheck } from './traffic-split.ts';

export type { Check, CheckContext } from './check.ts';
export { decideVerdict, type VerdictInput } from './verdict.ts';
export { wilsonInterval, Z_95 } from './wilson.ts';

export const CHECKS: { readonly [K in CheckKind]: Check<K> } = {
  successRatio: successRatioCheck,
  failureRatio: failureRatioCheck,
  timeToFailover: timeToFailoverCheck,
  timeToRecover: timeToRecoverCheck,
  latency: latencyCheck,
  podsReady: podsReadyCheck,
  trafficSplit: trafficSplitCheck,
};

/**
 * Evaluates every check against the finished run. A check that throws is a bug in Rebound, not an
 * SLO outcome: it is reported as that check's `error` verdict (which makes the run `error` when
 * the check is strict), never swallowed.
 */
export function evaluateChecks(checks: readonly ResolvedCheck[], context: CheckContext): CheckResult[] {
  return checks.map((check) => {
    const implementation = CHECKS[check.spec.kind] as Check;
    try {
      return implementation.evaluate(check as Parameters<Check['evaluate']>[0], context);
    } catch (error) {
      return {
        name: check.name,
        kind: check.spec.kind,
        strict: check.strict,
        verdict: 'error',
        reason: `evaluation failed: ${(error as Error).message}`,
        observed: {},
        expected: {},
      };
    }
  });
}
