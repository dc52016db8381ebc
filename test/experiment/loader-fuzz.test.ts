/**
 * A quick property-based pass over the experiment loader (a few hundred cases; the soak script
 * runs thousands with `--fuzz`). A fixed seed keeps `npm test` reproducible; REBOUND_FUZZ_SEED
 * picks another.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.ts';
import { mutantProperty, mutatedExperiment, validProperty } from './loader-properties.ts';

const seed = Number(process.env.REBOUND_FUZZ_SEED ?? 1414);

describe('experiment loader (property-based, fast-check)', function () {
  this.timeout(30_000);

  it('a mutated experiment is accepted or rejected with located issues only: never another error, never a stack trace', () => {
    fc.assert(mutantProperty(), { numRuns: 250, seed });
  });

  it('generated valid experiments are accepted', () => {
    fc.assert(validProperty(), { numRuns: 50, seed });
  });

  it('rebound validate --json on 40 mutants at once: exit 0 or 2, every issue located, nothing on stderr but issues', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rebound-fuzz-'));
    try {
      const files = fc.sample(mutatedExperiment(), { numRuns: 40, seed }).map((text, i) => {
        writeFileSync(join(dir, `m${i}.yaml`), text);
        return `m${i}.yaml`;
      });
      const run = await runCli(['validate', '--json', ...files], { cwd: dir, timeoutMs: 25_000 });
      expect(run.code, run.stderr).to.be.oneOf([0, 2]);
      expect(run.stderr).to.equal('');
      const reports = JSON.parse(run.stdout) as { file: string; valid: boolean; issues: { line: number; column: number; message: string }[] }[];
      expect(reports).to.have.length(40);
      for (const report of reports) for (const issue of report.issues) expect(issue.line, `${report.file}: ${issue.message}`).to.be.greaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
