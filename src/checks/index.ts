/** Evaluating the checks of a finished run through their kinds (src/plugins/registry.ts), and the verdict. */
import type { ResolvedCheck } from '../experiment/resolved.ts';
import { checkKindOf } from '../plugins/registry.ts';
import type { CheckResult } from '../result/result.ts';
import type { CheckContext } from './check-kind.ts';

export type { CheckContext, CheckKind } from './check-kind.ts';
export { decideVerdict, type VerdictInput } from './verdict.ts';
export { wilsonInterval, Z_95 } from './wilson.ts';

/**
 * Evaluates every check against the finished run, in order. A check that throws is a bug or an
 * unreachable system, not an SLO outcome: it is reported as that check's `error` verdict (which
 * makes the run `error` when the check is strict), never swallowed.
 */
export async function evaluateChecks(checks: readonly ResolvedCheck[], context: CheckContext): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const check of checks) {
    const base = { name: check.name, kind: check.spec.kind, strict: check.strict, observed: {}, expected: {} };
    const kind = checkKindOf(check.spec.kind);
    if (!kind) {
      results.push({ ...base, verdict: 'error', reason: `no check kind ${check.spec.kind} is registered` });
      continue;
    }
    try {
      results.push(await kind.evaluate(check, context));
    } catch (error) {
      results.push({ ...base, verdict: 'error', reason: `evaluation failed: ${(error as Error).message}` });
    }
  }
  return results;
}
