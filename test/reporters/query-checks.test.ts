import { expect } from 'chai';
import type { CheckResult, Result } from '../../src/result/result.ts';
import { renderHtml } from '../../src/reporters/html/render-html.ts';
import { buildReportView } from '../../src/reporters/html/view-model.ts';
import { makeResult } from './fixtures/make-result.ts';

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

  it('has no such section when no check queried anything', () => {
    expect(buildReportView(makeResult()).queryChecks).to.deep.equal([]);
    expect(renderHtml(makeResult())).to.not.contain('What Prometheus saw');
  });
});
