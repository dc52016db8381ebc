import { expect } from 'chai';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { createReporters, multiplexReporters, renderReports, ReportersFailedError } from '../../src/reporters/index.ts';
import type { Reporter } from '../../src/reporters/reporter.ts';
import { redactResult } from '../../src/result/redact.ts';
import type { Result } from '../../src/result/result.ts';
import { makeResult } from './fixtures/make-result.ts';
import { withTempDir } from './helpers.ts';

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

describe('reporters: wiring', () => {
  it('summary.md links report.html relatively, with no runner-local path', async () => {
    await withTempDir(async (dir) => {
      const out = capture();
      const reporters = createReporters({ formats: ['html', 'markdown'], stdout: out.stream, isTTY: false, color: false });
      await multiplexReporters(reporters).onRunEnd!(makeResult(), join(dir, 'out'));
      const summary = await readFile(join(dir, 'out', 'summary.md'), 'utf8');
      expect(summary).to.include('[report.html](report.html)');
      expect(summary).not.to.include(dir);
      await multiplexReporters(createReporters({ formats: ['html', 'markdown'], stdout: out.stream, isTTY: false, color: false, githubActions: true })).onRunEnd!(makeResult(), join(dir, 'ci'));
      expect(await readFile(join(dir, 'ci', 'summary.md'), 'utf8')).to.include('[report.html](report.html) in the run\'s output directory (upload it with actions/upload-artifact');
    });
  });

  it('writes every format atomically and prints the summary with the HTML path last', async () => {
    await withTempDir(async (dir) => {
      const out = capture();
      const summaryFile = join(dir, 'step-summary.md');
      await writeFile(summaryFile, '# earlier step\n');
      const reporters = createReporters({ formats: ['html', 'json', 'junit', 'markdown'], stdout: out.stream, isTTY: false, color: false, githubStepSummary: summaryFile, htmlArtifactName: 'rebound-report' });
      expect(reporters.at(-1)!.name).to.equal('console');
      const multiplex = multiplexReporters(reporters);
      const result = makeResult({ variant: 'failed' });
      multiplex.onEvent!(result.events.find((e) => e.kind === 'phase-started')!);
      const written = await multiplex.onRunEnd!(result, join(dir, 'out'));
      expect([...written].map((p) => p.slice(dir.length)).sort()).to.deep.equal(['/out/junit.xml', '/out/report.html', '/out/result.json', '/out/summary.md']);
      expect((await readdir(join(dir, 'out'))).sort()).to.deep.equal(['junit.xml', 'report.html', 'result.json', 'summary.md']);
      expect(JSON.parse(await readFile(join(dir, 'out', 'result.json'), 'utf8'))).to.deep.equal(JSON.parse(JSON.stringify(result)));
      const step = await readFile(summaryFile, 'utf8');
      expect(step.startsWith('# earlier step\n## ✘ FAILED: payments-primary-down')).to.equal(true);
      expect(step).to.include('**rebound-report**');

      const text = out.text();
      expect(text).not.to.match(/\u001b\[/);
      expect(text).to.include('phase-started');
      expect(text).to.match(/✘ FAILED {2}payments-primary-down/);
      expect(text).to.match(/✘ checkout keeps working +30\.0 % +≥ 90 % +strict\n {6}30\.0% < 90% \(n=\d+\)\n/);
      expect(text).to.match(/\? last second +100\.0 % +≥ 99 % +advisory\n {6}only 20 samples/);
      const lines = text.trimEnd().split('\n');
      expect(lines.at(-1)).to.equal(`Report: ${join(dir, 'out', 'report.html')}`);
      expect(text).to.include(join(dir, 'out', 'junit.xml'));
    });
  });

  it('colours the console only when asked', async () => {
    await withTempDir(async (dir) => {
      const out = capture();
      const multiplex = multiplexReporters(createReporters({ formats: [], stdout: out.stream, isTTY: true, color: true }));
      await multiplex.onRunEnd!(makeResult(), dir);
      expect(out.text()).to.match(/\u001b\[32m/);
      expect(await readdir(dir)).to.deep.equal([]);
    });
  });

  it('fails visibly when a reporter fails: AggregateError naming it, the others still run', async () => {
    await withTempDir(async (dir) => {
      const calls: string[] = [];
      const broken: Reporter = { name: 'broken', onRunEnd: async () => Promise.reject(new Error('disk full')), onEvent: () => { throw new Error('bad event'); } };
      const sync: Reporter = { name: 'sync-throw', onRunEnd: () => { throw new Error('boom'); } };
      const fine: Reporter = { name: 'fine', onRunEnd: async () => (calls.push('fine'), ['/x']), onEvent: () => void calls.push('event') };
      const multiplex = multiplexReporters([broken, sync, fine]);
      let caught: unknown;
      try {
        await multiplex.onRunEnd!(makeResult(), dir);
      } catch (error) {
        caught = error;
      }
      expect(caught).to.be.instanceOf(AggregateError);
      const error = caught as ReportersFailedError;
      expect(error.reporters).to.deep.equal(['broken', 'sync-throw']);
      expect(error.message).to.equal('reporters failed in onRunEnd: broken: disk full; sync-throw: boom');
      expect(error.written).to.deep.equal(['/x']);
      expect(calls).to.deep.equal(['fine']);
      expect(() => multiplex.onEvent!(makeResult().events[0]!)).to.throw(AggregateError, 'broken: bad event');
      expect(calls).to.deep.equal(['fine', 'event']);
    });
  });

  it('re-renders chosen formats from a result (renderReports)', async () => {
    await withTempDir(async (dir) => {
      const written = await renderReports(makeResult(), dir, ['junit', 'markdown']);
      expect(written.map((p) => p.slice(dir.length + 1)).sort()).to.deep.equal(['junit.xml', 'summary.md']);
    });
  });

  it('never writes a secret or credential header value into any file', async () => {
    await withTempDir(async (dir) => {
      const secret = 'tok-9f8e7d6c5b';
      const dirty = JSON.parse(JSON.stringify(makeResult({ variant: 'error' }))) as Result & { experiment: { source: string }; error: { message: string }; checks: { reason: string }[] };
      dirty.experiment.source += `\n# headers: { authorization: "Bearer ${secret}", cookie: "sid=cookie-value-77" }\n`;
      dirty.error.message = `upstream said: Authorization: Bearer ${secret}`;
      dirty.checks[0]!.reason = `saw ${secret}`;
      const clean = redactResult(dirty, { secrets: [secret], headerNames: [] });
      const files = await renderReports(clean, dir, ['html', 'json', 'junit', 'markdown']);
      expect(files).to.have.length(4);
      for (const file of files) {
        const content = await readFile(file, 'utf8');
        expect(content, file).not.to.include(secret);
        expect(content, file).not.to.include('cookie-value-77');
      }
    });
  });
});
