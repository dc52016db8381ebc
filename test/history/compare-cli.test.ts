/** `rebound compare` through the real CLI on result files (the e2e test compares real runs; this one covers the arguments). */
import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.ts';
import { makeResult } from '../reporters/fixtures/make-result.ts';

describe('cli: rebound compare', function () {
  this.timeout(120_000);
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rebound-compare-'));
    await writeFile(join(dir, 'passed.json'), JSON.stringify(makeResult()));
    await writeFile(join(dir, 'failed.json'), JSON.stringify(makeResult({ variant: 'failed' })));
    await writeFile(join(dir, 'broken.json'), '{\n');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('exit 1 on a regression, 0 without; --json; both bad files named at once (exit 2); usage (exit 2)', async () => {
    const [regressed, same, json, bad, usage, tolerance] = await Promise.all([
      runCli(['compare', join(dir, 'passed.json'), join(dir, 'failed.json')]),
      runCli(['compare', join(dir, 'passed.json'), join(dir, 'passed.json')]),
      runCli(['compare', join(dir, 'passed.json'), join(dir, 'failed.json'), '--json']),
      runCli(['compare', join(dir, 'broken.json'), join(dir, 'missing.json')]),
      runCli(['compare', '--last', 'x', join(dir, 'passed.json')]),
      runCli(['compare', join(dir, 'passed.json'), join(dir, 'passed.json'), '--time-tolerance', 'lots']),
    ]);
    expect(regressed.code, regressed.stderr).to.equal(1);
    expect(regressed.stdout).to.match(/REGRESSION/);
    expect(same.code, same.stderr).to.equal(0);
    expect(same.stdout).to.match(/No regression/);
    const parsed = JSON.parse(json.stdout) as { regressed: boolean; regressions: { check: string; rule: string }[] };
    expect(json.code).to.equal(1);
    expect(parsed.regressed).to.equal(true);
    expect(parsed.regressions.map((r) => r.rule)).to.include('verdict');
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.include(`${join(dir, 'broken.json')}:2:1: not valid JSON`);
    expect(bad.stderr).to.include(`${join(dir, 'missing.json')}: cannot read result: no such file`);
    expect(bad.stderr).not.to.match(/\n\s+at /);
    expect(usage.code).to.equal(2);
    expect(usage.stderr).to.match(/either two runs or --last/);
    expect(tolerance.code).to.equal(2);
    expect(tolerance.stderr).to.match(/--time-tolerance: expected a percentage/);
  });
});
