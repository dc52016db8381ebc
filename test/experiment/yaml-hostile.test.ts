/**
 * Hostile or odd YAML (issue 14 items 6 and 10): every case is exit 2 with file:line:col and a
 * field path, never "could not validate", exit 4 or "internal error"; the other files given are
 * still validated; --json prints the problems; `run --dry-run` says the same.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.ts';
import { edit, issuesOf, located, VALID } from './helpers.ts';

function billionLaughs(): string {
  const lines = ['  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
  for (let i = 1; i < 10; i++) lines.push(`  a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(', ')}]`);
  return `${VALID}x-laughs:\n${lines.join('\n')}\n`;
}

/** No alias alone expands past the limit (each *a1 is about 10 000 values), but 20 of them do. */
function wideAliasBomb(): string {
  const a0 = `[${Array.from({ length: 100 }, () => 'x').join(', ')}]`;
  const a1 = `[${Array.from({ length: 100 }, () => '*a0').join(', ')}]`;
  return `${VALID}x-a0: &a0 ${a0}\nx-a1: &a1 ${a1}\nx-wide: [${Array.from({ length: 20 }, () => '*a1').join(', ')}]\n`;
}

const CASES: Record<string, { text: string; expect: string }> = {
  'unresolved-alias.yaml': { text: edit('  name: payments-primary-down', '  name: *nope'), expect: '4:9 metadata.name: unresolved alias *nope: no anchor &nope comes before it' },
  'too-many-aliases.yaml': {
    text: `${edit('  name: payments-primary-down', '  name: &n payments-primary-down')}x-many: [${Array.from({ length: 1001 }, () => '*n').join(', ')}]\n`,
    expect: '["x-many"][1000]: more than 1000 aliases',
  },
  'billion-laughs.yaml': { text: billionLaughs(), expect: 'expands to more than 100000 values' },
  'wide-alias-bomb.yaml': { text: wideAliasBomb(), expect: 'the document expands to more than 100000 values once its aliases are expanded' },
  'infinity.yaml': { text: edit('  rate: 200/s', '  rate: .inf'), expect: '15:9 load.rate: .inf (infinity) is not a valid number here; write a finite number' },
  'merge-key.yaml': { text: edit('  timeout: 2s', '  <<: { timeout: 2s }'), expect: '16:3 load["<<"]: YAML merge keys ("<<") are not supported' },
  'proto.yaml': { text: edit('  name: payments-primary-down', '  name: payments-primary-down\n  labels: { __proto__: polluted }'), expect: '5:13 metadata.labels.__proto__: the key "__proto__" is not allowed' },
  'deep.yaml': { text: `${VALID}x-deep: ${'['.repeat(3000)}${']'.repeat(3000)}\n`, expect: 'nested too deep for the YAML parser' },
  'map-key.yaml': { text: `${VALID}? [a, b]\n: c\n`, expect: 'a key must be a plain name, not a map, a list or an alias' },
  'nested-70.yaml': { text: `${VALID}x-deep: ${'['.repeat(70)}${']'.repeat(70)}\n`, expect: 'nested more than 64 levels deep' },
};

describe('hostile YAML is a located input error (exit 2), never a crash', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'rebound-hostile-'));
    for (const [name, c] of Object.entries(CASES)) writeFileSync(join(dir, name), c.text);
    writeFileSync(join(dir, 'good.yaml'), VALID);
    execFileSync('mkfifo', [join(dir, 'pipe.yaml')]);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const [name, c] of Object.entries(CASES)) {
    it(`${name}: one located issue (loader API)`, () => {
      const issues = located(issuesOf(c.text));
      expect(issues, issues.join('\n')).to.have.length(1);
      expect(issues[0]).to.contain(c.expect);
      expect(issues[0]).to.match(/^[1-9]\d*:[1-9]\d* /);
    });
  }

  it('a value with "k6" nowhere near: the merge key suggests nothing', () => {
    expect(located(issuesOf(CASES['merge-key.yaml']!.text)).join('\n')).to.not.contain('k6');
  });

  it('validate: every hostile file located, the good one still ✔, exit 2; --json lists them all', async () => {
    const names = [...Object.keys(CASES), 'pipe.yaml', '/dev/zero', '.', '', 'good.yaml'];
    const run = await runCli(['validate', ...names], { cwd: dir, timeoutMs: 30_000 });
    expect(run.code, run.stderr).to.equal(2);
    expect(run.stdout).to.equal('✔ good.yaml\n');
    for (const name of Object.keys(CASES)) expect(run.stderr).to.match(new RegExp(`^${name.replace('.', '\\.')}:\\d+:\\d+: `, 'm'));
    expect(run.stderr).to.contain('pipe.yaml: is a named pipe (FIFO), not a regular file');
    expect(run.stderr).to.contain('/dev/zero: is a device, not a regular file');
    expect(run.stderr).to.contain('.: is a directory, not a file');
    expect(run.stderr).to.contain('"": an empty file name is not a file');
    expect(run.stderr).to.not.contain('could not validate').and.not.match(/\n\s+at /);
    expect(run.stderr.match(/nested too deep/g)).to.have.length(1);

    const json = await runCli(['validate', '--json', 'unresolved-alias.yaml', 'good.yaml'], { cwd: dir, timeoutMs: 30_000 });
    expect(json.code).to.equal(2);
    const reports = JSON.parse(json.stdout) as { file: string; valid: boolean; issues: { line: number; path: string; message: string }[] }[];
    expect(reports.map((r) => [r.file, r.valid])).to.deep.equal([
      ['unresolved-alias.yaml', false],
      ['good.yaml', true],
    ]);
    expect(reports[0]!.issues[0]).to.include({ line: 4, path: 'metadata.name' });
  });

  it('run --dry-run on an alias bomb and on a FIFO: the same located error, exit 2, no "internal error"', async () => {
    for (const name of ['billion-laughs.yaml', 'pipe.yaml']) {
      const run = await runCli(['run', '--dry-run', name], { cwd: dir, timeoutMs: 30_000 });
      expect(run.code, run.stderr).to.equal(2);
      expect(run.stderr).to.match(new RegExp(`^${name.replace('.', '\\.')}:`, 'm'));
      expect(run.stderr).to.not.contain('internal error');
    }
  });

  it('a file over 1 MiB is refused by size, unread', async () => {
    writeFileSync(join(dir, 'huge.yaml'), `${VALID}# ${'x'.repeat(1024 * 1024)}\n`);
    const run = await runCli(['validate', 'huge.yaml'], { cwd: dir, timeoutMs: 30_000 });
    expect(run.code).to.equal(2);
    expect(run.stderr).to.contain('huge.yaml: is ').and.contain('at most 1048576 bytes');
  });
});
