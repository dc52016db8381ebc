/**
 * The run's verdict, decided in one place. Precedence: error > aborted > failed > inconclusive >
 * passed. Only strict checks count (advisory checks are reported, never decisive); a strict check
 * whose own evaluation errored makes the run `error`. The reason names what decided.
 *
 * Interrupted runs (SIGINT/SIGTERM) get the verdict of what was measured, with the reason saying
 * the run was interrupted; the CLI exits 130 whatever the verdict (exitCodeFor(verdict, true)).
 */
import type { CheckResult, Verdict } from '../result/result.ts';

export interface VerdictInput {
  readonly checks: readonly CheckResult[];
  readonly aborted?: { readonly reason: string };
  readonly error?: { readonly message: string };
  readonly interrupted?: boolean;
}

export function decideVerdict(input: VerdictInput): { verdict: Verdict; reason: string } {
  const decided = decide(input);
  return input.interrupted ? { verdict: decided.verdict, reason: `interrupted before the end; ${decided.reason}` } : decided;
}

function decide({ checks, aborted, error }: VerdictInput): { verdict: Verdict; reason: string } {
  const strict = checks.filter((c) => c.strict);
  if (error) return { verdict: 'error', reason: `harness error: ${error.message}` };
  const broken = strict.find((c) => c.verdict === 'error');
  if (broken) return { verdict: 'error', reason: `check "${broken.name}" could not be evaluated: ${broken.reason}` };
  if (aborted) return { verdict: 'aborted', reason: `aborted by guardrail: ${aborted.reason}` };
  const failed = strict.filter((c) => c.verdict === 'failed');
  if (failed.length > 0) return { verdict: 'failed', reason: `check "${failed[0]!.name}" failed: ${failed[0]!.reason}${more(failed.length)}` };
  const inconclusive = strict.filter((c) => c.verdict === 'inconclusive');
  if (inconclusive.length > 0) {
    return { verdict: 'inconclusive', reason: `check "${inconclusive[0]!.name}" is inconclusive: ${inconclusive[0]!.reason}${more(inconclusive.length)}` };
  }
  if (strict.length === 0) return { verdict: 'passed', reason: checks.length === 0 ? 'no checks: nothing was asserted' : 'no strict checks: nothing was asserted' };
  return { verdict: 'passed', reason: `all ${strict.length} strict check${strict.length === 1 ? '' : 's'} passed` };
}

function more(count: number): string {
  return count > 1 ? ` (and ${count - 1} more)` : '';
}
