import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.ts';

describe('rebound cleanup run from another directory', function () {
  this.timeout(30_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'rebound-cleanup-elsewhere-'));
    mkdirSync(join(dir, '.rebound'));
    mkdirSync(join(dir, 'sub', 'deeper'), { recursive: true });
    writeFileSync(join(dir, '.rebound', 'journal.json'), '{}\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('says where it looked and names the journal of an enclosing directory', async () => {
    const run = await runCli(['cleanup'], { cwd: join(dir, 'sub', 'deeper'), timeoutMs: 20_000 });
    expect(run.code).to.equal(0);
    expect(run.stdout).to.contain(`no journal at ${join(dir, 'sub', 'deeper', '.rebound', 'journal.json')}`);
    expect(run.stdout).to.contain('under the directory it ran in');
    expect(run.stdout).to.contain(`A journal exists at ${join(dir, '.rebound', 'journal.json')}: rebound cleanup --journal ../../.rebound/journal.json`);
  });
});
