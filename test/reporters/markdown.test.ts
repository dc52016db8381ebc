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
    expect(md).to.include('| Verdict | Check | Observed | Expected | n | 95% interval | Mode | Why |');
    const checkRows = lines.filter((l) => /^\| [✔✘?!] /.test(l));
    expect(checkRows).to.have.length(7);
    expect(checkRows[0]).to.match(/^\| ✘ failed \| checkout keeps working \| (ratio )?30(\.0)?%[^|]* \| ≥ 90%[^|]* \| [\d,]+ \| /);
    expect(md).to.include('| Phase | Duration | Requests | Success | Failures | p99 | Served by |');
    expect(lines.filter((l) => /^\| (baseline|outage|recovery) \|/.test(l))).to.have.length(3);
    expect(md).to.include('`report.html` in the workflow artifact **rebound-report**');
  });

  it('links the HTML path when no artifact name is known', () => {
    expect(renderMarkdown(makeResult(), { htmlPath: '/tmp/x/report.html' })).to.include('Full report: `/tmp/x/report.html`');
  });

  it('escapes pipes, markdown and HTML in user text so tables stay intact', () => {
    expect(escapeMarkdown('a|b *c* [x](y) <b>\nnext `code`')).to.equal('a\\|b \\*c\\* \\[x\\](y) &lt;b&gt; next \\`code\\`');
    const md = renderMarkdown(makeResult({ hostile: `${HOSTILE} | pipe` }));
    expect(md).not.to.include('<img');
    for (const line of md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| ---'))) {
      const unescapedPipes = line.replace(/\\\|/g, '').split('|').length - 1;
      expect(unescapedPipes).to.be.oneOf([8, 9]);
    }
  });
});
