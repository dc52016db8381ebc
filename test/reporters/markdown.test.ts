import { expect } from 'chai';
import { escapeMarkdown, renderMarkdown } from '../../src/reporters/markdown/render-markdown.ts';
import { makeResult } from './fixtures/make-result.ts';
import { HOSTILE } from './helpers.ts';

describe('reporters: summary.md', () => {
  it('has the verdict, the checks table, the phases table and the artifact name', () => {
    const md = renderMarkdown(makeResult({ variant: 'failed' }), { htmlArtifactName: 'rebound-report' });
    const lines = md.split('\n');
    expect(lines[0]).to.equal('## ✘ FAILED: payments-primary-down');
    expect(md).to.match(/\*\*checkout keeps working: 30(\.0)?% &lt; 90% \(n=\d+\)\*\*/);
    expect(md).to.include('| Verdict | Check | Observed | Expected | Mode |\n| --- | --- | --- | --- | --- |\n');
    const checkRows = lines.filter((l) => /^\| [✔✘?!] /.test(l));
    expect(checkRows).to.have.length(7);
    // Headline values, the detail in small print; no dump of every field.
    expect(checkRows[0]).to.match(/^\| ✘ failed \| checkout keeps working \| 3\d\.\d %<br><sub>n = [\d,]+ · 95 % CI [\d.]+–[\d.]+ % · [\d,]+ failed \([^)]*\)<\/sub> \| ≥ 90 %<br><sub>in outage<\/sub> \| strict \|$/);
    expect(checkRows[1]).to.equal('| ✘ failed | fails over fast | no failover<br><sub>n = 5,004 · resolution 100 ms</sub> | ≤ 2 s<br><sub>then every 1 s window ≥ 99 %</sub> | strict |');
    expect(checkRows[3]).to.match(/^\| ✔ passed \| back on primary \| payments-primary 100\.0 %<br><sub>n = [\d,]+<\/sub> \| payments-primary 100 % ± 2 %<br><sub>in recovery \\\[10s, end\)<\/sub> \| strict \|$/);
    expect(md).not.to.include('min samples');
    // The reason of every check that did not pass, under the table; none for passed ones.
    const reasons = lines.filter((l) => l.startsWith('- '));
    expect(reasons).to.have.length(4);
    expect(reasons[0]).to.equal('- ✘ failed **checkout keeps working**: 30.0% &lt; 90% (n=5004)');
    expect(reasons[1]).to.equal('- ✘ failed **fails over fast**: never failed over: no 1 s window ≥ 99% before the outage ended');
    expect(reasons[2]).to.match(/^- ✘ failed \*\*outage p99\*\*: p99 \d+ ms &gt; 500 ms \(advisory\)$/);
    expect(reasons[3]).to.equal('- ? inconclusive **last second**: only 20 samples &lt; 40 needed: inconclusive');
    expect(lines.indexOf(reasons[0]!)).to.be.greaterThan(lines.indexOf(checkRows.at(-1)!));
    expect(md).to.include('| Phase | Duration | Requests | Success | Failures | p99 | Served by |');
    expect(lines.filter((l) => /^\| (baseline|outage|recovery) \|/.test(l))).to.have.length(3);
    expect(md).to.include('`report.html` in the workflow artifact **rebound-report**');
  });

  it('links report.html by a relative path, never a runner-local absolute one', () => {
    expect(renderMarkdown(makeResult(), { htmlPath: 'report.html' })).to.include('Full report: [report.html](report.html) (next to this summary).');
    const fromAbsolute = renderMarkdown(makeResult(), { htmlPath: '/home/runner/work/x/reports/report.html' });
    expect(fromAbsolute).to.include('[report.html](report.html)');
    expect(fromAbsolute).not.to.include('/home/runner');
  });

  it('under GitHub Actions says the report travels as an artifact', () => {
    const md = renderMarkdown(makeResult(), { htmlPath: 'report.html', githubActions: true });
    expect(md).to.include('[report.html](report.html) in the run\'s output directory (upload it with actions/upload-artifact');
  });

  it('escapes pipes, markdown and HTML in user text so tables stay intact', () => {
    expect(escapeMarkdown('a|b *c* [x](y) <b>\nnext `code`')).to.equal('a\\|b \\*c\\* \\[x\\](y) &lt;b&gt; next \\`code\\`');
    const md = renderMarkdown(makeResult({ hostile: `${HOSTILE} | pipe` }));
    expect(md).not.to.include('<img');
    for (const line of md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| ---'))) {
      const unescapedPipes = line.replace(/\\\|/g, '').split('|').length - 1;
      expect(unescapedPipes).to.be.oneOf([6, 8]);
    }
  });
});
