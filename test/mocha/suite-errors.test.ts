import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from '../cli/system.ts';
import { TEARDOWN_MARGIN_MS } from '../../src/mocha/index.ts';

const MOCHA = join(REPO, 'node_modules/mocha/bin/mocha.js');

function runMocha(suite: string, args: string[] = [], env: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [MOCHA, ...args, suite], { cwd: REPO, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`mocha ${suite} did not finish within 60 s:\n${output}`));
    }, 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, output });
    });
  });
}

describe('mocha helper: a bad experiment', function () {
  this.timeout(70_000);

  it('fails the suite’s before hook with every located problem, and its tests do not run', async () => {
    const { code, output } = await runMocha(join(REPO, 'test/mocha/fixtures/invalid.suite.ts'));
    expect(code, output).to.equal(1);
    expect(output).to.contain('"before all" hook');
    expect(output).to.contain('experiment object "bad-suite": phases[0].duration: expected a duration like');
    expect(output).not.to.contain('IT-RAN');
  });
});

describe('mocha helper: the before hook\'s timeout', function () {
  this.timeout(70_000);
  const suite = join(REPO, 'test/mocha/fixtures/hook-timeout.suite.ts');

  it('is the run\'s own deadline (guardrails.maxDuration) plus the teardown margin, whatever mocha\'s default', async () => {
    const { code, output } = await runMocha(suite, ['--timeout', '2000'], { MAX_DURATION: '45s' });
    expect(code, output).to.equal(0);
    expect(output).to.contain(`HOOK-TIMEOUT=${45_000 + TEARDOWN_MARGIN_MS} VERDICT=passed`);
    const longer = await runMocha(suite, ['--timeout', '2000'], { MAX_DURATION: '2m' });
    expect(longer.output).to.contain(`HOOK-TIMEOUT=${120_000 + TEARDOWN_MARGIN_MS} VERDICT=passed`);
  });

  it('stays off when mocha runs without timeouts (--timeout 0, as under a debugger)', async () => {
    const { code, output } = await runMocha(suite, ['--timeout', '0'], { MAX_DURATION: '45s' });
    expect(code, output).to.equal(0);
    expect(output).to.contain('HOOK-TIMEOUT=0 VERDICT=passed');
  });
});
