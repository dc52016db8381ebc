import { expect } from 'chai';
import { renderConsoleSummary } from '../../src/reporters/console/render-console.ts';
import { buildReportView } from '../../src/reporters/html/view-model.ts';
import { renderHtml } from '../../src/reporters/html/render-html.ts';
import { renderJunit } from '../../src/reporters/junit/render-junit.ts';
import { renderMarkdown } from '../../src/reporters/markdown/render-markdown.ts';
import type { CheckResult, Result } from '../../src/result/result.ts';
import { makeResult } from './fixtures/make-result.ts';

/** The fixture's success-ratio check, failing `≥ 100 %` by one request in 250,000. */
function almostPerfect(): Result {
  const result = makeResult();
  const [first, ...rest] = result.checks;
  const check: CheckResult = {
    ...first!,
    verdict: 'failed',
    reason: 'success ratio 99.9996% < 100% (n=250000, 95% CI 99.998–99.9999%)',
    observed: { ratio: 249_999 / 250_000, successes: 249_999, failures: 1, failuresByKind: { timeout: 1 }, resolutionMs: 100 },
    expected: { min: 1, minSamples: 20, scope: 'in outage' },
    n: 250_000,
    interval: [0.9999774, 0.9999993],
  };
  return { ...result, checks: [check, ...rest] };
}

describe('reporters: a value that fails its threshold is never shown rounded onto it', () => {
  const result = almostPerfect();
  const name = result.checks[0]!.name;

  it('console', () => {
    const row = renderConsoleSummary(result, [], false).split('\n').find((line) => line.includes(name))!;
    expect(row).to.include('99.9996 %').and.include('≥ 100 %').and.not.include('100.0 %');
  });

  it('markdown', () => {
    const row = renderMarkdown(result).split('\n').find((line) => line.startsWith('| ✘') && line.includes(name))!;
    expect(row).to.include('99.9996 %').and.include('95 % CI 99.998–99.9999 %').and.not.include('100.0 %');
  });

  it('junit', () => {
    const junit = renderJunit(result);
    expect(junit).to.include('observed: ratio 99.9996 %, successes 249,999').and.include('95% interval: 99.998–99.9999 %');
  });

  it('html', () => {
    const view = buildReportView(result);
    expect(view.checks[0]!.observedLines).to.deep.equal([{ label: '', value: '99.9996 %' }]);
    expect(view.checks[0]!.fields.find((f) => f.key === 'observed ratio')!.value).to.equal('99.9996 %');
    expect(renderHtml(result)).to.include('99.9996 %');
  });

  it('nor a latency or a readiness time on its limit', () => {
    const base = makeResult();
    const latency = base.checks.find((c) => c.kind === 'latency')!;
    const pods = base.checks.find((c) => c.kind === 'podsReady')!;
    const result = {
      ...base,
      checks: [
        { ...latency, verdict: 'failed' as const, observed: { ...latency.observed, latencyMs: 500.2 }, expected: { ...latency.expected, maxMs: 500 } },
        { ...pods, verdict: 'failed' as const, observed: { ...pods.observed, readyMs: 10_004 }, expected: { ...pods.expected, withinMs: 10_000 } },
      ],
    };
    const text = renderConsoleSummary(result, [], false);
    expect(text).to.match(/p99 500\.2 ms +p99 ≤ 500 ms/);
    expect(text).to.match(/ready after 10\.004 s +2 ready ≤ 10 s/);
  });
});
