import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VALID, edit } from './helpers.ts';
import { runCli } from '../helpers/cli.ts';

const rebound = (args: string[], cwd: string) => runCli(args, { cwd, env: { NO_COLOR: '1' }, timeoutMs: 20_000 });

describe('rebound validate (CLI, black box)', function () {
  this.timeout(30_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'rebound-validate-'));
    writeFileSync(join(dir, 'good.yaml'), VALID);
    writeFileSync(join(dir, 'bad.yaml'), edit('    duration: 10s', '    duraton: 10s', edit('proxy: payments-primary, down', 'proxy: payments, down')));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints ✔ for valid files and every located error of invalid ones, exits 2, no stack trace', async () => {
    const bad = await rebound(['validate', 'good.yaml', 'bad.yaml', 'missing.yaml'], dir);
    expect(bad.code).to.equal(2);
    expect(bad.stdout).to.equal('✔ good.yaml\n');
    expect(bad.stderr).to.contain('bad.yaml:21:5: phases[0].duration: missing required field "duration"\n');
    expect(bad.stderr).to.contain('bad.yaml:22:5: phases[0].duraton: unknown field "duraton" (did you mean "duration"?)\n');
    expect(bad.stderr).to.contain('bad.yaml:26:29: phases[1].faults[0].toxiproxy.proxy: no proxy named "payments" in target.toxiproxy.proxies');
    expect(bad.stderr).to.contain('missing.yaml: file not found\n');
    expect(bad.stderr).to.contain('✖ 2 of 3 files invalid (4 problems)');
    expect(bad.stderr).not.to.match(/\n\s+at /);
  });

  it('prints JSON with --json; exits 0 when every file is valid', async () => {
    const all = await rebound(['validate', '--json', 'good.yaml'], dir);
    expect(all.code).to.equal(0);
    expect(JSON.parse(all.stdout)).to.deep.equal([{ file: 'good.yaml', valid: true, experiment: 'payments-primary-down', issues: [] }]);
    const out = await rebound(['validate', '--json', 'good.yaml', 'bad.yaml'], dir);
    expect(out.code).to.equal(2);
    const reports = JSON.parse(out.stdout) as { file: string; valid: boolean; experiment?: string; issues: { line: number; column: number; path: string }[] }[];
    expect(reports.map((r) => [r.file, r.valid, r.experiment])).to.deep.equal([
      ['good.yaml', true, 'payments-primary-down'],
      ['bad.yaml', false, undefined],
    ]);
    expect(reports[1]!.issues.map((i) => `${i.line}:${i.column} ${i.path}`)).to.deep.equal(['21:5 phases[0].duration', '22:5 phases[0].duraton', '26:29 phases[1].faults[0].toxiproxy.proxy']);
  });

  it('treats an unknown flag as a usage error (exit 2) and shows the help', async () => {
    const flag = await rebound(['validate', '--frobnicate', 'good.yaml'], dir);
    expect(flag.code).to.equal(2);
    expect(flag.stderr).to.contain("Unknown option '--frobnicate'").and.contain('Usage: rebound validate');
  });
});
