/** defineExperiment: an experiment written in TypeScript, typed and checked as its YAML would be. */
import { resolveExperimentValue, type ExperimentInputOptions } from './experiment-input.ts';
import type { Experiment } from './experiment-types.ts';

/**
 * Returns `experiment` unchanged once it passed the schema and the rules an experiment YAML file
 * passes; throws ValidationError listing every problem by field path (e.g. `phases[1].duration`)
 * otherwise. Relative paths in it (target.kubernetes.local, load.k6.script, …) resolve against
 * `options.cwd` (default process.cwd()), here and when it runs.
 */
export function defineExperiment<const T extends Experiment>(experiment: T, options: ExperimentInputOptions = {}): T {
  resolveExperimentValue(experiment, options);
  return experiment;
}
