import type { Verdict } from './result.ts';

/** Exit codes, decided in one place (DESIGN.md "Run lifecycle" step 7). */
export const EXIT = {
  passed: 0,
  failed: 1,
  usage: 2,
  aborted: 3,
  error: 4,
  inconclusive: 5,
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export function exitCodeFor(verdict: Verdict, interrupted = false): ExitCode {
  if (interrupted) return EXIT.interrupted;
  return EXIT[verdict];
}
