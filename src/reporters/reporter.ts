import type { ResolvedExperiment } from '../experiment/resolved.ts';
import type { Result } from '../result/result.ts';
import type { RunEvent } from '../timeline/events.ts';

/**
 * Extension point: an output of a run. Every hook is optional. A reporter that throws makes
 * the run fail visibly (errors are never swallowed).
 */
export interface Reporter {
  readonly name: string;
  onRunStart?(experiment: ResolvedExperiment): void | Promise<void>;
  onEvent?(event: RunEvent): void;
  /** Called once with the final result; writes files under outDir (atomically). Returns paths written. */
  onRunEnd?(result: Result, outDir: string): Promise<readonly string[]> | readonly string[];
}
