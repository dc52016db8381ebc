import { expect } from 'chai';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeResult } from './fixtures/make-result.ts';
import { withTempDir } from './helpers.ts';
import { runCli } from '../helpers/cli.ts';

// Unset (spawn drops undefined values), so that the terminal decides: a pipe, no colour.
const rebound = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(args, { env: { NO_COLOR: undefined, FORCE_COLOR: undefined, ...env }, timeoutMs: 20_000 });

describe('cli: rebound report', function () {
  this.timeout(30_000);

  it('re-renders html, junit and markdown next to result.json; the report path is the last line', async () => {
    await withTempDir(async (dir) => {
      const file = join(dir, 'result.json');
      await writeFile(file, JSON.stringify(makeResult({ variant: 'failed' })));
      const run = await rebound(['report', file]);
      expect(run.stderr).to.equal('');
      expect(run.code).to.equal(0);
      expect((await readdir(dir)).sort()).to.deep.equal(['junit.xml', 'report.html', 'result.json', 'summary.md']);
      expect(run.stdout).not.to.match(/\u001b\[/);
      expect(run.stdout).to.include('✘ FAILED  payments-primary-down');
      expect(run.stdout.trimEnd().split('\n').at(-1)).to.equal(`Report: ${join(dir, 'report.html')}`);
      expect(await readFile(join(dir, 'report.html'), 'utf8')).to.include('data-verdict="failed"');

      const out = join(dir, 'again');
      const only = await rebound(['report', file, '--out', out, '--format', 'junit,json']);
      expect(only.code).to.equal(0);
      expect((await readdir(out)).sort()).to.deep.equal(['junit.xml', 'result.json']);
    });
  });

  it('decides colour like rebound run: FORCE_COLOR="" colours a pipe, --no-color wins over it', async () => {
    await withTempDir(async (dir) => {
      const file = join(dir, 'result.json');
      await writeFile(file, JSON.stringify(makeResult({ variant: 'failed' })));
      const args = (out: string) => ['report', file, '--out', join(dir, out), '--format', 'json'];
      const [forced, flagged] = await Promise.all([rebound(args('a'), { FORCE_COLOR: '' }), rebound([...args('b'), '--no-color'], { FORCE_COLOR: '' })]);
      expect(forced.code).to.equal(0);
      expect(forced.stdout).to.include('\u001b[31m');
      expect(flagged.code).to.equal(0);
      expect(flagged.stdout).not.to.match(/\u001b\[/);
    });
  });

  it('rejects an invalid result file with the JSON path and exit 2', async () => {
    await withTempDir(async (dir) => {
      const broken = JSON.parse(JSON.stringify(makeResult())) as Record<string, any>;
      broken.phases[0].successRatio = 'high';
      const file = join(dir, 'result.json');
      await writeFile(file, JSON.stringify(broken));
      const run = await rebound(['report', file, '--out', join(dir, 'out')]);
      expect(run.code).to.equal(2);
      expect(run.stderr).to.include(`${file}: phases[0].successRatio: must be number,null`);
      expect(run.stderr).not.to.match(/\n\s+at /);
      expect(await readdir(dir)).to.deep.equal(['result.json']);
    });
  });

  it('reports usage errors with exit 2 and prints help with exit 0', async () => {
    // Independent processes: run them together to keep the suite fast on a loaded machine.
    const [missing, format, nofile, help] = await Promise.all([
      rebound(['report']),
      rebound(['report', 'x.json', '--format', 'pdf']),
      rebound(['report', '/nonexistent/result.json']),
      rebound(['report', '--help']),
    ]);
    expect(missing.code).to.equal(2);
    expect(missing.stderr).to.include('missing <result.json>');
    expect(format.code).to.equal(2);
    expect(format.stderr).to.include("--format: unknown format 'pdf'");
    expect(nofile.code).to.equal(2);
    expect(nofile.stderr).to.include('cannot read result: no such file');
    expect(help.code).to.equal(0);
    expect(help.stdout).to.include('Usage: rebound report <result.json>');
  });

  it('exits 4 when a report cannot be written', async () => {
    await withTempDir(async (dir) => {
      const file = join(dir, 'result.json');
      await writeFile(file, JSON.stringify(makeResult()));
      const blocker = join(dir, 'blocker');
      await writeFile(blocker, 'a file where a directory is needed');
      const run = await rebound(['report', file, '--out', join(blocker, 'sub')]);
      expect(run.code).to.equal(4);
      expect(run.stderr).to.include('rebound report: could not write reports:');
    });
  });
});
