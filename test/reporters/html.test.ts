import { expect } from 'chai';
import { renderHtml } from '../../src/reporters/html/render-html.ts';
import { HELPER_NAMES } from '../../src/reporters/html/helpers.ts';
import { buildReportView } from '../../src/reporters/html/view-model.ts';
import { groupColours, instanceGroup } from '../../src/reporters/html/chart-data.ts';
import { layoutMarkers } from '../../src/reporters/html/charts.ts';
import { formatPercent } from '../../src/format/percent.ts';
import { REPORT_PERCENT } from '../../src/reporters/format.ts';
import { makeResult } from './fixtures/make-result.ts';
import { HOSTILE } from './helpers.ts';

/** One canvas's drawing of a chart (each chart is drawn wide, medium and narrow). */
function variant(page: string, chartId: string, canvas: 'wide' | 'medium' | 'narrow'): string {
  const figure = page.slice(page.indexOf(`id="${chartId}"`));
  const from = figure.indexOf(`data-canvas="${canvas}"`);
  return figure.slice(from, figure.indexOf('</svg>', from));
}

describe('reporters: HTML report', () => {
  const html = renderHtml(makeResult());

  it('has every section, in the order a reader needs them', () => {
    const order = ['id="verdict"', 'id="checks"', 'id="chart-timeline"', 'id="chart-latency"', 'id="chart-served-by"', 'id="phases"', 'id="faults"', 'id="pod-events"', 'id="experiment"', 'id="environment"'];
    const positions = order.map((marker) => html.indexOf(marker));
    for (const [i, position] of positions.entries()) expect(position, order[i]).to.be.greaterThan(-1);
    expect([...positions].sort((a, b) => a - b)).to.deep.equal(positions);
  });

  it('shows per check the headline observed value with n and interval, the expected value, mode and reason', () => {
    expect(html).to.include('data-verdict="passed"');
    expect(html).to.include('all 5 strict checks passed');
    const view = buildReportView(makeResult());
    const [ratio, failover, recovers, split, latency, pods] = view.checks;
    expect(ratio!.observedLines).to.deep.equal([{ label: '', value: ratio!.observedLines[0]!.value }]);
    expect(ratio!.observedLines[0]!.value).to.match(/^9\d\.\d %$/);
    expect(ratio!.observedSub).to.match(/^n = [\d,]+ · 95 % CI [\d.]+–[\d.]+ % · [\d,]+ failed \(/);
    expect(ratio!.expectedLines).to.deep.equal([{ label: '', value: '≥ 90 %' }]);
    expect(ratio!.expectedSub).to.equal('in outage');
    expect(failover!.observedLines).to.deep.equal([{ label: 'failover', value: '1.3 s' }]);
    expect(failover!.observedSub).to.include('± 100 ms (bucket resolution)');
    expect(failover!.expectedLines).to.deep.equal([{ label: '', value: '≤ 2 s' }]);
    expect(recovers!.observedLines[0]).to.deep.equal({ label: 'recovery', value: '1.2 s' });
    expect(split!.observedLines).to.deep.equal([{ label: 'payments-primary', value: '100.0 %' }]);
    expect(split!.expectedLines).to.deep.equal([{ label: 'payments-primary', value: '100 % ± 2 %' }]);
    expect(latency!.observedLines[0]!.label).to.equal('p99');
    expect(latency!.expectedLines).to.deep.equal([{ label: 'p99', value: '≤ 500 ms' }]);
    expect(pods!.observedLines).to.deep.equal([{ label: 'ready after', value: '3.5 s' }]);
    expect(pods!.expectedLines).to.deep.equal([{ label: '2 ready', value: '≤ 10 s' }]);
    // Every field stays available, collapsed.
    expect(html.match(/<details class="fields">/g)).to.have.length(7);
    expect(html).to.include('<dt>observed failures by kind</dt>');
    expect(html).to.include('<span class="tag">advisory</span>');
    expect(html).to.include('data-verdict="inconclusive"');
    // No more dumps of every field in the table cells.
    expect(html).not.to.include('min samples 20, scope');
  });

  it('never claims more precision than the bucket resolution', () => {
    const result = makeResult();
    const checks = result.checks.map((c) => (c.kind === 'timeToFailover' ? { ...c, observed: { failoverMs: 0, resolutionMs: 100 } } : c));
    const view = buildReportView({ ...result, checks });
    expect(view.checks[1]!.observedLines).to.deep.equal([{ label: 'failover', value: '< 100 ms' }]);
    expect(view.checks[1]!.observedSub).to.include('within the first 100 ms bucket');
    const percent = (ratio: number) => formatPercent(ratio, REPORT_PERCENT);
    expect(percent(0.99996)).to.equal('99.996 %');
    expect(percent(0.9999999)).to.equal('99.99999 %');
    expect(percent(1)).to.equal('100.0 %');
    expect(percent(0.0004)).to.equal('0.04 %');
  });

  it('names the failed strict check with observed vs expected in the banner, and shades its window on the timeline', () => {
    const failed = renderHtml(makeResult({ variant: 'failed' }));
    const banner = failed.slice(failed.indexOf('id="verdict"'), failed.indexOf('</header>'));
    expect(banner).to.match(/<p class="reason failed-check">✘ checkout keeps working: observed 3\d\.\d %, expected ≥ 90 %<\/p>/);
    expect(banner).to.include('✘ fails over fast: observed no failover, expected ≤ 2 s');
    const timeline = variant(failed, 'chart-timeline', 'wide');
    expect(timeline.match(/<g class="hl-failed">/g)).to.have.length(2);
    expect(timeline).to.include('>SLO ≥ 90 %</text>');
    expect(failed.slice(failed.indexOf('id="chart-timeline"'), failed.indexOf('id="chart-rate"'))).to.include('failed check window');
    // The failed share is filled, so the outage reads as a block, not a thin line on the axis.
    expect(timeline).to.match(/<path class="a-failed" d="M[\d.]+ [\d.]+L/);
  });

  it('registers no helper whose name shadows a view-model field', () => {
    const view = buildReportView(makeResult()) as unknown as Record<string, unknown>;
    const fields = new Set<string>(Object.keys(view));
    const collect = (value: unknown) => {
      if (Array.isArray(value)) value.forEach(collect);
      else if (value && typeof value === 'object') for (const [key, inner] of Object.entries(value)) {
        fields.add(key);
        collect(inner);
      }
    };
    collect(view);
    for (const name of HELPER_NAMES) expect(fields.has(name), `helper ${name} shadows a field`).to.equal(false);
  });

  it('draws phases, fault markers, pod marks and meaningful failover/recovery labels on the timeline', () => {
    const timeline = variant(html, 'chart-timeline', 'wide');
    expect(timeline.match(/<rect class="band /g)).to.have.length(3);
    const labels = [...timeline.matchAll(/<text class="marker-label"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(buildReportView(makeResult()).faults.map((f) => (f as { reverted: string }).reverted)).to.deep.equal(['0:35.0', 'n/a']);
    expect(labels).to.deep.equal(['proxy-down applied', 'failover ✔ 1.3 s', 'pod-kill applied', 'pods ready ✔ 3.5 s', 'proxy-down reverted', 'recovered ✔ 1.2 s']);
    // Check windows (from/to) and start instants are not drawn as labelled lines.
    expect(timeline).not.to.match(/>(from|to)<\/text>/);
    expect(timeline).to.include('class="pod-deleted"');
    expect(timeline).to.include('class="pod-created"');
    expect(timeline.match(/class="pod-ready"/g)).to.have.length(1); // the replacement; pods Ready at the start are not drawn
    expect(timeline).to.match(/data-series="success ratio" d="M[\d.]+ [\d.]+L/);
    expect(timeline).to.include('>success (%), 90–100 magnified</text>');
    expect(timeline).to.include('>time since load start · UTC</text>');
    // Wall-clock times under the run-clock ticks: the fixture's load started at 09:26:53 UTC.
    expect(timeline).to.include('>09:26:53</text>');
    expect(timeline).to.include('>09:27:03</text>');
    // Request rate has its own panel, not the success chart's percent axis.
    expect(timeline).not.to.include('data-series="request rate"');
    expect(variant(html, 'chart-rate', 'wide')).to.match(/data-series="request rate" d="M[\d.]+ [\d.]+L/);
    expect(variant(html, 'chart-rate', 'wide')).to.include('>req/s</text>');
  });

  it('lays out marker labels in rows so that none overlaps, and lists any that cannot fit', () => {
    const x = (ms: number) => 64 + ms / 10;
    const raw = Array.from({ length: 12 }, (_, i) => ({ atMs: 5000 + i * 30, label: `marker number ${i}`, title: '', cls: 'm-apply' }));
    const { markers, unplaced } = layoutMarkers(raw, Object.assign(x, { domain: [0, 1] as const, range: [0, 1] as const }), 16, { left: 64, right: 1092 });
    const placed = markers.filter((m) => m.label);
    expect(placed.length + unplaced.length).to.equal(12);
    expect(unplaced.length).to.be.greaterThan(0);
    expect(new Set(placed.map((m) => m.labelY)).size).to.be.greaterThan(1);
  });

  it('groups served-by pods by instance group with stable colours, keeping per-pod shares in a table', () => {
    expect(instanceGroup('payments-primary-bpnq7rgtvz-2sqnl')).to.equal('payments-primary');
    expect(instanceGroup('payments-primary-7c9d-x2b4q')).to.equal('payments-primary');
    expect(instanceGroup('inventory-v1-w8nzzss469-2pf7g')).to.equal('inventory-v1');
    expect(instanceGroup('10.0.0.7:8080')).to.equal('10.0.0.7:8080');
    const a = groupColours(['payments-primary', 'payments-secondary']);
    const b = groupColours(['payments-secondary', 'payments-primary', 'inventory-v1']);
    expect(a.get('payments-primary')).to.equal(b.get('payments-primary'));
    expect(a.get('payments-primary')).not.to.equal(a.get('payments-secondary'));
    const served = html.slice(html.indexOf('id="chart-served-by"'), html.indexOf('id="phases"'));
    const legend = [...served.matchAll(/<\/svg>([^<]+)<\/li>/g)].map((m) => m[1]);
    expect(legend).to.deep.equal(['payments-primary (1 pod)', 'payments-secondary (1 pod)', 'failed / no server']);
    const view = buildReportView(makeResult());
    expect(view.servedByPods.rows.map((r) => r.pod)).to.deep.equal(['payments-primary-7c9d-x2b4q', 'payments-secondary-5f6b-q9wz1']);
    // Shares of all the phase's requests: the failures that named no server are a slice of their own.
    expect(view.phases[1]!.servedBy).to.deep.equal(['payments-secondary 94.8 %', 'failed / no server 5.2 %']);
  });

  it('summarises pods Ready at the start in one line instead of one row each', () => {
    const view = buildReportView(makeResult());
    expect(view.podsAtStart).to.equal('At start: 3 pods Ready (payments-primary ×2, payments-secondary).');
    expect(view.podEvents.map((e) => e.kind)).to.deep.equal(['pod-deleted', 'pod-created', 'pod-ready']);
    expect(html).to.include('<p class="at-start">At start: 3 pods Ready');
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
