/**
 * What runExperiment and defineExperiment accept as an experiment — a YAML file's path, or an
 * experiment value — turned into the frozen ResolvedExperiment by the one loader: the same schema
 * and rules either way. Problems throw ValidationError: located by file, line and field path for
 * a file; by field path (line 0) for a value.
 */
import { stringify } from 'yaml';
import { ValidationError } from '../errors.ts';
import { experimentFromValue, loadExperiment } from '../experiment/index.ts';
import type { ResolvedExperiment } from '../experiment/resolved.ts';
import type { Experiment } from './experiment-types.ts';

export interface ExperimentInputOptions {
  /** Directory a relative file, and relative paths inside a value, resolve against (default process.cwd()). */
  readonly cwd?: string;
  /** Environment for `${env:NAME}` (default process.env). */
  readonly env?: NodeJS.ProcessEnv;
}

/** How an experiment value is named where a file name would be (issues, result.experiment.file). */
export function labelOf(value: unknown): string {
  const name = (value as { metadata?: { name?: unknown } } | null)?.metadata?.name;
  return typeof name === 'string' && name !== '' ? `experiment object "${name}"` : 'experiment object';
}

export async function resolveExperimentInput(input: string | Experiment, options: ExperimentInputOptions = {}): Promise<{ experiment: ResolvedExperiment; file: string }> {
  if (typeof input === 'string') return { experiment: await loadExperiment(input, options), file: input };
  return { experiment: resolveExperimentValue(input, options), file: labelOf(input) };
}

export function resolveExperimentValue(value: unknown, options: ExperimentInputOptions = {}): ResolvedExperiment {
  const label = labelOf(value);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationError([{ file: label, line: 0, column: 0, path: '', message: 'expected an experiment object (apiVersion: rebound.dev/v1, kind: Experiment, …) or the path of an experiment YAML file' }]);
  }
  let sourceText: string;
  try {
    sourceText = stringify(value);
  } catch (error) {
    throw new ValidationError([{ file: label, line: 0, column: 0, path: '', message: `cannot be written as YAML: ${(error as Error).message}` }]);
  }
  return experimentFromValue(value, label, { ...options, sourceText });
}
