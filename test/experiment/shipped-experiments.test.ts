import { expect } from 'chai';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadExperiment } from '../../src/experiment/index.ts';
import { ValidationError } from '../../src/errors.ts';

const EXPERIMENTS = fileURLToPath(new URL('../../experiments/', import.meta.url));
const files = existsSync(EXPERIMENTS) ? readdirSync(EXPERIMENTS).filter((f) => /\.ya?ml$/.test(f)).sort() : [];

/** Placeholder values for the ${env:NAME} variables shipped experiments may use. */
const ENV = new Proxy({} as NodeJS.ProcessEnv, { get: (_t, name) => (typeof name === 'string' ? `test-${name.toLowerCase()}` : undefined) });

// An empty or missing folder yields no test (the experiments are written separately).
describe(`shipped experiments (experiments/*.yaml: ${files.length} file(s))`, () => {
  for (const file of files) {
    it(`${file} is valid`, async () => {
      try {
        const experiment = await loadExperiment(join(EXPERIMENTS, file), { env: ENV });
        expect(experiment.phases.length).to.be.at.least(1);
      } catch (error) {
        if (error instanceof ValidationError) expect.fail(`${file} is invalid:\n${error.message}`);
        throw error;
      }
    });
  }
});
