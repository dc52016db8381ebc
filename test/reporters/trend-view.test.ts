import { expect } from 'chai';
import { indexEntryOf } from '../../src/history/index-entry.ts';
import { renderHtml } from '../../src/reporters/html/render-html.ts';
import { trendView, TREND_RUNS } from '../../src/reporters/html/trend-view.ts';
import type { Result } from '../../src/result/result.ts';
import { validateResult } from '../../src/result/validate-result.ts';
import { makeResult } from './fixtures/make-result.ts';

function withHistory(result: Result, previous: readonly Result[]): Result {
  return { ...result, history: previous.map((r, i) => ({ ...indexEntryOf(r, `run-${i}/result.json`, { commit: `c0ffee${i}` }), startedAt: `2026-01-0${i + 1}T00:00:00.000Z` })) };
}

describe('HTML report: trend panel', () => {
  it('absent when the result carries no history (a run without an index, or an older result)', () => {
    const result = makeResult();
    expect(trendView(result)).to.equal(undefined);
    expect(renderHtml(result)).not.to.include('id="trend"');
  });

  it('this run and the previous ones: verdicts, key values, a sparkline per check; valid against the result schema', () => {
    const result = withHistory(makeResult(), [makeResult({ variant: 'failed' }), makeResult()]);
    expect(() => validateResult(JSON.parse(JSON.stringify(result)), 'r.json')).not.to.throw();
    const view = trendView(result)!;
    expect(view.runs.map((r) => [r.verdict, r.current, r.label])).to.deep.equal([['failed', false, '01-01 00:00'], ['passed', false, '01-02 00:00'], [result.verdict, true, '03-14 09:26']]);
    const ratioCheck = result.checks.find((c) => c.kind === 'successRatio')!;
    const row = view.checks.find((c) => c.name === ratioCheck.name)!;
    expect(row.key).to.equal('ratio');
    expect(row.cells.map((c) => c.value)).to.deep.equal(
      [makeResult({ variant: 'failed' }), makeResult(), result].map((r) => `${((r.checks.find((c) => c.name === ratioCheck.name)!.observed.ratio as number) * 100).toFixed(2)} %`),
    );
    expect(row.sparkline!.points.split(' ')).to.have.length(3);
    expect(row.sparkline!.dots.map((d) => d.colour)).to.deep.equal(['#cf222e', '#1a7f37', '#1a7f37']);
    const html = renderHtml(result);
    expect(html).to.include('id="trend"');
    expect(html).to.include('3 runs of payments-primary-down');
    expect(html).to.include('c0ffee0');
    expect(html).to.match(/<polyline points="[\d., ]+"/);
  });

  it('at most the last ten runs', () => {
    const previous = Array.from({ length: 15 }, () => makeResult());
    expect(trendView(withHistory(makeResult(), previous))!.runs).to.have.length(TREND_RUNS);
  });

  it('escapes every text from the history (a hostile check name or commit never becomes markup)', () => {
    const hostile = '<script>alert(1)</script>';
    const result = withHistory(makeResult({ hostile }), [makeResult({ hostile })]);
    const html = renderHtml({ ...result, history: result.history!.map((h) => ({ ...h, commit: hostile, ref: hostile })) });
    const trend = html.slice(html.indexOf('id="trend"'), html.indexOf('</section>', html.indexOf('id="trend"')));
    expect(trend).to.include('&lt;script&gt;');
    expect(trend).not.to.include('<script>');
  });
});
