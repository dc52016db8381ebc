import { expect } from 'chai';
import { renderHtml } from '../../src/reporters/html/render-html.ts';
import { HELPER_NAMES } from '../../src/reporters/html/helpers.ts';
import { buildReportView } from '../../src/reporters/html/view-model.ts';
import { makeResult } from './fixtures/make-result.ts';
import { HOSTILE } from './helpers.ts';

describe('reporters: HTML report', () => {
  const html = renderHtml(makeResult());

  it('has every section, in the order a reader needs them', () => {
    const order = ['id="verdict"', 'id="checks"', 'id="chart-timeline"', 'id="chart-latency"', 'id="chart-served-by"', 'id="phases"', 'id="faults"', 'id="pod-events"', 'id="experiment"', 'id="environment"'];
    const positions = order.map((marker) => html.indexOf(marker));
    for (const [i, position] of positions.entries()) expect(position, order[i]).to.be.greaterThan(-1);
    expect([...positions].sort((a, b) => a - b)).to.deep.equal(positions);
  });

  it('shows the verdict, the reason and per-check observed/expected/n/interval', () => {
    expect(html).to.include('data-verdict="passed"');
    expect(html).to.include('all 5 strict checks passed');
    const view = buildReportView(makeResult());
    const ratio = view.checks[0]!;
    expect(ratio.interval).to.match(/^\d+(\.\d+)?% – \d+(\.\d+)?%$/);
    expect(html).to.include(`<td class="num">${ratio.interval}</td>`);
    expect(html).to.include('≤ 2 s, window 1 s, threshold 99%');
    expect(html).to.include('<span class="tag">advisory</span>');
    expect(html).to.include('data-verdict="inconclusive"');
  });

  it('registers no helper whose name shadows a view-model field', () => {
    const view = buildReportView(makeResult()) as unknown as Record<string, unknown>;
    const fields = new Set<string>(Object.keys(view));
    const collect = (value: unknown) => {
      if (Array.isArray(value)) value.forEach(collect);
      else if (value && typeof value === 'object') for (const [key, inner] of Object.entries(value)) (fields.add(key), collect(inner));
    };
    collect(view);
    for (const name of HELPER_NAMES) expect(fields.has(name), `helper ${name} shadows a field`).to.equal(false);
  });

  it('draws phases, fault markers, pod marks and failover/recovery markers on the timeline', () => {
    const timeline = html.slice(html.indexOf('id="chart-timeline"'), html.indexOf('id="chart-latency"'));
    expect(timeline.match(/<rect class="band /g)).to.have.length(3);
    expect(timeline).to.include('>proxy-down applied</text>');
    expect(timeline).to.include('>proxy-down reverted</text>');
    expect(timeline).to.include('>failover</text>');
    expect(timeline).to.include('>recovered</text>');
    expect(timeline).to.include('class="pod-deleted"');
    expect(timeline).to.include('class="pod-created"');
    expect(timeline).to.include('class="pod-ready"');
    expect(timeline).to.match(/data-series="success ratio" d="M[\d.]+ [\d.]+L/);
    expect(timeline).to.include('>success ratio (%)</text>');
    expect(timeline).to.include('>requests/s</text>');
    expect(timeline).to.include('>time since load start</text>');
  });

  it('is self-contained: no external URL, no script, a CSP that forbids fetching', () => {
    expect(html).not.to.match(/<script/i);
    expect(html).not.to.match(/\b(src|href)\s*=\s*["']?(https?:)?\/\//i);
    expect(html).not.to.match(/@import|url\(/i);
    expect(html).to.include(`content="default-src 'none'; style-src 'unsafe-inline'`);
  });

  it('escapes user text everywhere', () => {
    const hostile = renderHtml(makeResult({ hostile: HOSTILE, variant: 'error' }));
    expect(hostile).not.to.include('<img');
    expect(hostile).not.to.include('onerror=alert(1)>');
    expect(hostile).to.include('&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;');
  });

  it('renders the error variant with the harness error and the failed revert', () => {
    const error = renderHtml(makeResult({ variant: 'error' }));
    expect(error).to.include('data-verdict="error"');
    expect(error).to.include('Harness error (RevertFailed)');
    expect(error).to.include('revert failed:</strong>');
    expect(error).to.include('>revert failed</text>');
  });

  it('keeps a 1-hour run at 1,000 req/s in 100 ms buckets under 2 MB', () => {
    const big = renderHtml(makeResult({ durationMs: 3_600_000, ratePerSecond: 1000 }));
    expect(Buffer.byteLength(big)).to.be.below(2 * 1024 * 1024);
    expect(big).to.include('30 buckets of 100 ms merged');
  });
});
