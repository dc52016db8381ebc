import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ToxiproxyClient } from '../../src/faults/toxiproxy-client.ts';
import type { Result } from '../../src/result/result.ts';
import { validateResult } from '../../src/result/validate-result.ts';
import type { ToxiproxyServer } from '../../src/toxiproxy/index.ts';
import { REPO, useSystemBehindToxiproxy, TempDir, waitForOutput, type ShopSystem } from '../cli/system.ts';

const MOCHA = join(REPO, 'node_modules/mocha/bin/mocha.js');
const SUITE = join(REPO, 'test/mocha/fixtures/interrupted.suite.ts');

describe('mocha helper: Ctrl-C in the middle of an experiment', function () {
  this.timeout(90_000);
  let dir: TempDir;
  let system: ShopSystem;
  let toxiproxy: ToxiproxyServer;
  let client: ToxiproxyClient;

  useSystemBehindToxiproxy((fixture) => ({ dir, system, toxiproxy, client } = fixture));

  it('SIGINT to the mocha process aborts the run; its fault is reverted and its report written before the process ends by the signal', async () => {
    const journal = dir.join('journal.json');
    // The real mocha CLI: with .mocharc's node options it runs the suite in a child it forwards SIGINT (and SIGTERM) to.
    const child = spawn(process.execPath, [MOCHA, SUITE], {
      cwd: REPO,
      env: { ...process.env, TOXIPROXY_URL: toxiproxy.url, PROXY_PORT: String(system.proxyPort), PRIMARY_PORT: String(system.primaryPort), APP_URL: system.failoverUrl, OUT_DIR: dir.join('out'), JOURNAL: journal },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const exited = new Promise<void>((done) => child.on('close', () => done()));
    const killer = setTimeout(() => child.kill('SIGKILL'), 80_000);
    let downBeforeSigint: boolean | undefined;
    try {
      await waitForOutput(() => output, /FAULT-APPLIED/, 60_000);
      downBeforeSigint = (await client.findProxy('primary'))?.enabled === false;
      child.kill('SIGINT');
      await exited;
      expect(downBeforeSigint, 'the proxy was down when SIGINT was sent').to.equal(true);
      // The suite's process ended by the signal once the run was over (mocha's own exit code for that is its business).
      expect(output, 'the suite stopped: its tests did not run on').not.to.contain('IT-RAN');
    } finally {
      clearTimeout(killer);
      child.kill('SIGKILL');
    }
    expect((await client.findProxy('primary'))?.enabled, 'the proxy is up again').to.equal(true);
    expect(existsSync(journal), 'nothing left in the journal').to.equal(false);
    const file = join(dir.join('out'), 'result.json');
    const result: Result = validateResult(JSON.parse(await readFile(file, 'utf8')), file);
    expect(result.interrupted).to.equal(true);
    expect(result.faults[0]!.revertedAt).to.be.a('string');
    // mocha's parent forwards Ctrl-C to its child as SIGINT and at once SIGTERM; which one the
    // child's threads handle first is not fixed (CI saw both), and either aborts the run the same way.
    expect(result.events.find((event) => event.kind === 'interrupted')?.message).to.match(/^aborted by the caller: interrupted by SIG(INT|TERM)$/);
  });
});
