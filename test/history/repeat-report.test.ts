import { expect } from 'chai';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { combinedRunOf, writeCombinedRun, type CombinedRun } from '../../src/history/repeat-report.ts';
import { renderRepeatsHtml } from '../../src/history/render-repeats-html.ts';
import { makeResult } from '../reporters/fixtures/make-result.ts';

describe('the combined report of --repeat (repeats.json, repeats.html)', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'rebound-repeats-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("lists each repeat's verdict and key values, links only the reports that exist, and says what an interruption left out", async () => {
    await mkdir(join(dir, 'repeat-1'));
    await writeFile(join(dir, 'repeat-1', 'report.html'), '');
    await writeFile(join(dir, 'repeat-1', 'result.json'), '{}');
    const combined = combinedRunOf({
      experiment: { name: 'demo', file: 'demo.yaml' },
      requested: 3,
      quantile: 1,
      interrupted: true,
      baseDir: dir,
      repeats: [
        { index: 1, dir: 'repeat-1', result: makeResult() },
        { index: 2, dir: 'repeat-2', note: 'interrupted by SIGINT before load started; nothing was measured' },
      ],
    });
    expect(combined.verdictReason).to.match(/^interrupted after 2 of 3 repeats; /);
    expect(combined.repeats[0]).to.include({ report: 'repeat-1/report.html', result: 'repeat-1/result.json', verdict: 'passed' });
    expect(combined.repeats[0]!.checks.find((c) => c.key === 'ratio')).to.not.equal(undefined);
    expect(combined.repeats[1]).to.not.have.property('report');
    expect(combined.checks[0]!.perRepeat).to.deep.equal(['passed', 'untrusted']);
    const [json, html] = await writeCombinedRun(combined, dir, renderRepeatsHtml);
    expect((JSON.parse(await readFile(json!, 'utf8')) as CombinedRun).repeats).to.have.length(2);
    const page = await readFile(html!, 'utf8');
    expect(page).to.include('<a href="repeat-1/report.html">report</a>');
    expect(page).to.include('nothing was measured');
  });

  it('escapes every user text and holds no script', () => {
    const hostile = '<img src=x onerror=alert(1)>';
    const combined = combinedRunOf({ experiment: { name: hostile, file: hostile }, requested: 1, quantile: 1, interrupted: false, baseDir: dir, repeats: [{ index: 1, dir: 'repeat-1', result: makeResult({ hostile }) }] });
    const page = renderRepeatsHtml(combined);
    expect(page).not.to.include('<img');
    expect(page).to.include('&lt;img src=x onerror=alert(1)&gt;');
    expect(page).not.to.match(/<script/i);
    expect(page).to.include("default-src 'none'");
  });
});
