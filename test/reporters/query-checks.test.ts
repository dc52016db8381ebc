import { expect } from 'chai';
import type { CheckResult, Result } from '../../src/result/result.ts';
import { renderHtml } from '../../src/reporters/html/render-html.ts';
import { buildReportView } from '../../src/reporters/html/view-model.ts';
import { makeResult } from './fixtures/make-result.ts';
import { formatInstant } from '../../src/reporters/html/wall-clock.ts';

/** A result with one Prometheus check over the first 5 s of the run. */
function withQueryCheck(check: Partial<CheckResult> & { observed: CheckResult['observed'] }): Result {
  const result = makeResult();
  const query: CheckResult = {
    name: 'mesh saw <payments> fail',
    kind: 'meshFailureRatio',
    strict: false,
    verdict: 'failed',
    reason: 'x',
    expected: { max: 0.01 },
    markers: { fromMs: 0, toMs: 5000 },
    ...check,
  };
  return { ...result, checks: [...result.checks, query] };
}

describe('HTML report: what Prometheus saw, next to Rebound', () => {
  it('shows the query, the window, the series as bars, and Rebound’s own ratio of the same kind over the same window', () => {
    const result = withQueryCheck({
      observed: { ratio: 0.2, query: 'sum(increase(istio_requests_total{response_code=~"5.."}[5s]))', windowStart: '2026-11-30T10:00:00.000Z', windowEnd: '2026-11-30T10:00:05.000Z', series: { '{pod="a"}': 30, '{pod="b"}': 10 } as never },
    });
    const [view] = buildReportView(result).queryChecks;
    expect(view).to.deep.include({ measure: 'failure ratio', measured: '20.00 %', window: '2026-11-30T10:00:00.000Z – 2026-11-30T10:00:05.000Z' });
    expect(view!.series).to.deep.equal([
      { labels: '{pod="a"}', value: '30', barPercent: 100 },
      { labels: '{pod="b"}', value: '10', barPercent: 33 },
    ]);
    // Rebound's failure ratio over [0, 5 s), from the same timeline the report charts.
    const buckets = result.timeline.buckets.filter((b) => b.index * result.timeline.bucketMs < 5000);
    const total = buckets.reduce((sum, b) => sum + b.total, 0);
    expect(view!.rebound).to.match(new RegExp(`\\(n = ${total}\\)$`));
    const html = renderHtml(result);
    expect(html).to.contain('What Prometheus saw');
    expect(html).to.contain('mesh saw &lt;payments&gt; fail');
    expect(html).to.contain('istio_requests_total{response_code&#x3D;~&quot;5..&quot;}');
    expect(html).to.contain('style="width: 33%"');
  });

  it('draws a query judged at every step as a line over its window, the bound dashed and each point out of bounds a dot with its time and value', () => {
    const points: [number, number | null][] = [[0, 0.001], [1000, 0.004], [2000, null], [3000, 0.03], [4000, 0.002], [5000, 0.0]];
    const result = withQueryCheck({
      kind: 'prometheus',
      observed: { value: 0.03, query: 'q', windowStart: '2026-11-30T10:00:00.000Z', windowEnd: '2026-11-30T10:00:05.000Z', series: {} as never },
      rangeSeries: [{ labels: '{pod="a<b"}', points }, { labels: '{pod="c"}', points: [[0, 0.005], [5000, 0.006]] }],
    });
    const [view] = buildReportView(result).queryChecks;
    const range = view!.range!;
    expect(range.lines.map((line) => line.labels)).to.deep.equal(['{pod="a<b"}', '{pod="c"}']);
    expect(range.multiple).to.equal(true);
    // the null point breaks the line: two pieces
    expect(range.lines[0]!.d.match(/M/g)).to.have.length(2);
    expect(range.bounds).to.have.length(1);
    expect(range.bounds[0]!.title).to.equal('max 0.01');
    expect(range.outside.map((dot) => dot.title)).to.deep.equal([`${formatInstant(result, 3000)}: 0.03 {pod="a<b"}`]);
    const dot = range.outside[0]!;
    expect(dot.y).to.be.below(range.bounds[0]!.y);
    const [first, last] = [range.lines[0]!.d.match(/^M([\d.]+)/)![1], range.lines[1]!.d.match(/L([\d.]+) [\d.]+$/)![1]];
    expect(Number(first)).to.be.below(Number(last));
    expect(range.label).to.equal('2 series over 0:00.0 – 0:05.0, from 0 to 0.03; bound: max 0.01');
    expect(range.yLow).to.equal('0');
    expect(range.from).to.equal('0:00.0');
    expect(range.to).to.equal('0:05.0');
    const html = renderHtml(result);
    expect(html).to.contain('<figure class="range-chart">');
    expect(html).to.contain('{pod&#x3D;&quot;a&lt;b&quot;}');
    expect(html).to.contain('Red dots: the 1 points out of bounds');
  });

  it('has no such section when no check queried anything', () => {
    expect(buildReportView(makeResult()).queryChecks).to.deep.equal([]);
    expect(renderHtml(makeResult())).to.not.contain('What Prometheus saw');
  });
});
