import { expect } from 'chai';
import { renderHtml } from '../../src/reporters/html/render-html.ts';
import { CANVASES, NARROW, WIDE, faultWindows, reportCharts, timelineChart, latencyChart } from '../../src/reporters/html/charts.ts';
import { failuresChart } from '../../src/reporters/html/failure-chart.ts';
import { harnessSpans } from '../../src/reporters/html/harness-view.ts';
import type { Result } from '../../src/result/result.ts';
import { formatOffset } from '../../src/format/duration.ts';
import { makeResult } from './fixtures/make-result.ts';
import { overloadedResult, withLatencyWindows } from './fixtures/overloaded-result.ts';

describe('reporters: report charts', () => {
  it('draws each successRatio minimum as an SLO line at its y, over its window, with 99 % clear of 100 %', () => {
    const result = makeResult();
    const chart = timelineChart(result, WIDE);
    const tickY = (label: string) => chart.yTicks.find((t) => t.label === label)!.at;
    const slo90 = chart.thresholds.find((t) => t.title.startsWith('checkout keeps working'))!;
    expect(slo90.y).to.equal(tickY('90 %'));
    const slo99 = chart.thresholds.find((t) => t.title.startsWith('last second'))!;
    expect(slo99.y).to.equal(tickY('99 %'));
    // On the magnified axis 99 % sits well away from 100 % (a linear axis puts them 2 px apart).
    expect(tickY('99 %') - tickY('100 %')).to.be.at.least(15);
    const outage = result.phases.find((p) => p.name === 'outage')!;
    expect(slo90.x1).to.be.closeTo(chart.plot.left + outage.startMs * (chart.plot.width / 60_000), 1);
    expect(slo90.x2).to.be.closeTo(chart.plot.left + outage.endMs * (chart.plot.width / 60_000), 1);
  });

  it('puts deleted, created and ready pod marks in lanes of their own, so none hides another', () => {
    const base = makeResult();
    const at = 15_000;
    const result: Result = {
      ...base,
      events: [
        ...base.events.filter((e) => !e.kind.startsWith('pod-')),
        { kind: 'pod-deleted', atMs: at, at: base.startedAt, message: 'pod a deleted', data: { pod: 'a' } },
        { kind: 'pod-created', atMs: at, at: base.startedAt, message: 'pod b created', data: { pod: 'b' } },
        { kind: 'pod-ready', atMs: at + 10, at: base.startedAt, message: 'pod b ready', data: { pod: 'b' } },
      ],
    };
    const marks = timelineChart(result, WIDE).podMarks;
    expect(marks.map((m) => m.symbol)).to.deep.equal(['deleted', 'created', 'ready']);
    expect(new Set(marks.map((m) => m.y)).size).to.equal(3);
  });

  it('gives every chart its values as text in a closed <details> under it, for readers without a pointer: the narrow drawing\'s hover titles, escaped', () => {
    const result = makeResult({ variant: 'failed' });
    const html = renderHtml(result);
    const figures = reportCharts(result);
    for (const figure of [figures.timeline, figures.rate, figures.latency]) {
      const narrow = figure.variants.find((variant) => variant.canvas === NARROW.name)!;
      expect(figure.values).to.deep.equal(narrow.hovers.map((hover) => hover.title));
      expect(figure.values.length).to.be.greaterThan(3);
      const section = html.slice(html.indexOf(`<figure class="chart" id="${figure.id}">`));
      const details = section.slice(section.indexOf('<details class="chart-values">'), section.indexOf('</figure>'));
      expect(details, figure.id).to.contain(`<summary>${figure.title}: the values over time, as text</summary>`);
      const items = [...details.matchAll(/<li>([^<]*)<\/li>/g)].map((match) => match[1]!.replace(/&#x27;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#x3D;/g, '=').replace(/&#x60;/g, '`').replace(/&amp;/g, '&'));
      expect(items).to.deep.equal(figure.values);
    }
  });

  it('gives hover titles with values: success, rate and worst bucket; latency with n', () => {
    const result = makeResult({ variant: 'failed' });
    const timeline = timelineChart(result, WIDE);
    expect(timeline.hovers.length).to.be.within(100, WIDE.maxHovers);
    const outage = timeline.hovers.find((h) => h.title.startsWith('0:21.0'))!;
    expect(outage.title).to.match(/^0:21\.0 \(09:27:14\.0 UTC\) – 0:21\.\d: success 3\d\.\d % of [\d,]+ requests \([\d,.]+ req\/s\)/);
    expect(latencyChart(result, WIDE).hovers[0]!.title).to.match(/p50 .* · p95 .* · p99 .* · max .* \(n = \d+/);
  });

  it('draws every chart for every canvas; the narrow one with fewer points and ticks', () => {
    const charts = reportCharts(makeResult());
    for (const figure of [charts.timeline, charts.rate, charts.latency, charts.servedBy!]) {
      expect(figure.variants.map((v) => v.canvas)).to.deep.equal(CANVASES.map((c) => c.name));
      const [wide, , narrow] = figure.variants;
      expect(narrow!.width).to.equal(NARROW.width);
      expect(narrow!.xTicks.filter((t) => t.label).length).to.be.below(wide!.xTicks.filter((t) => t.label).length);
    }
    // The y title (centred at x = 13) and the tick labels never share space: ticks end at left − 6.
    for (const variant of charts.timeline.variants) {
      const longest = Math.max(...variant.yTicks.map((t) => t.label.length));
      expect(variant.plot.left - 6 - longest * 7).to.be.at.least(13 + 8);
    }
  });

  it('adds a full-resolution view around each fault when the run is long', () => {
    expect(reportCharts(makeResult()).zooms).to.deep.equal([]);
    const long = makeResult({ durationMs: 1_200_000, ratePerSecond: 50 });
    const { zooms } = reportCharts(long);
    expect(zooms.length).to.be.at.least(1);
    const zoom = zooms[0]!.variants[0]!;
    expect(zoom.note).to.match(/^One point per 100 ms bucket\./);
    const applied = long.faults[0]!.appliedMs!;
    // ±30 s around the first apply (merged with the pod kill's window, which overlaps it).
    expect(zooms[0]!.title.startsWith(`Around the fault at ${formatOffset(applied - 30_000)} – `)).to.equal(true);
    expect(zoom.markers.some((m) => m.x > zoom.plot.left && m.x < zoom.plot.right && m.title.includes(`applied`))).to.equal(true);
  });

  it('zooms the latency too: per span a latency view at full resolution, its markers and lines inside the window', () => {
    const long = makeResult({ durationMs: 1_200_000, ratePerSecond: 50 });
    const spans = faultWindows(long);
    for (const source of [long, withLatencyWindows(long)]) {
      const { zooms } = reportCharts(source);
      expect(zooms.map((figure) => figure.id)).to.deep.equal(spans.slice(0, 6).flatMap((_, i) => [`chart-zoom-${i + 1}`, `chart-zoom-latency-${i + 1}`]));
      const latency = zooms[1]!;
      const around = `${formatOffset(spans[0]!.fromMs)} – ${formatOffset(spans[0]!.toMs)}`;
      expect(latency.title).to.equal(`Latency around the fault at ${around}`);
      for (const variant of latency.variants) {
        expect(variant.markers.length).to.be.greaterThan(0);
        for (const marker of variant.markers) expect(marker.x, marker.title).to.be.within(variant.plot.left, variant.plot.right);
        for (const line of variant.series) {
          const xs = [...line.d.matchAll(/[ML](-?[\d.]+)[ ,]/g)].map((match) => Number(match[1]));
          expect(xs.length, line.name).to.be.greaterThan(0);
          for (const x of xs) expect(x, line.name).to.be.within(variant.plot.left - 0.5, variant.plot.right + 0.5);
        }
      }
      const full = latencyChart(source, WIDE);
      const wide = latency.variants[0]!;
      // the same percentiles, spread over the plot's width instead of 1/20 of it
      if (source.timeline.latencyWindows) {
        const inside = source.timeline.latencyWindows.windows.filter((w) => (w.fromMs + w.toMs) / 2 >= spans[0]!.fromMs && (w.fromMs + w.toMs) / 2 <= spans[0]!.toMs);
        expect(wide.summary).to.contain(`apart over ${around}`);
        expect(wide.hovers.length).to.equal(Math.min(inside.length, WIDE.maxHovers));
      } else {
        expect(wide.note).to.match(/^One point per 100 ms bucket\./);
        expect(full.note).to.not.match(/^One point per 100 ms bucket\./);
      }
    }
  });

  it('shows the harness section and shades where the harness was over its bounds', () => {
    const result = overloadedResult();
    expect(result.harness!.healthy).to.equal(false);
    const spans = harnessSpans(result);
    expect(spans.map((s) => [s.fromMs, s.toMs])).to.deep.equal([[20_000, 23_000], [40_000, 41_000]]);
    const html = renderHtml(result);
    const section = html.slice(html.indexOf('<section id="harness">'), html.indexOf('</section>', html.indexOf('<section id="harness">')));
    expect(section).to.include('The harness was overloaded');
    expect(section).to.match(/Load driver send lag[^<]*<\/td><td class="num">[^<]+<\/td><td class="num"><strong>350 ms<\/strong>/);
    expect(section).to.include('0:20.0');
    const chart = timelineChart(result, WIDE);
    expect(chart.harnessShades).to.have.length(2);
    expect(chart.harnessShades[0]!.title).to.include('send lag up to 350 ms');
    expect(failuresChart(result, WIDE)!.harnessShades.map((shade) => shade.title)).to.deep.equal(chart.harnessShades.map((shade) => shade.title));
    expect(renderHtml(makeResult())).not.to.include('<section id="harness">');
  });

  it('the failures panel has hover values: per column, each kind with its count, summing to the failures there', () => {
    const result = makeResult({ variant: 'failed' });
    const chart = failuresChart(result, WIDE)!;
    expect(chart.hovers.length).to.be.greaterThan(0);
    let counted = 0;
    for (const hover of chart.hovers) {
      for (const [, n] of hover.title.matchAll(/(?:bad HTTP status|timeout|connection refused|connection reset|dropped \(in-flight cap\)|other \(success rule, transport\)) ([\d,]+)/g)) counted += Number(n!.replace(/,/g, ''));
    }
    const failures = result.timeline.buckets.reduce((sum, bucket) => sum + Object.values(bucket.failures).reduce((a, n) => a + n, 0), 0);
    expect(counted).to.equal(failures);
    expect(renderHtml(result)).to.match(/<title>[^<]*: timeout [\d,]+, connection refused [\d,]+<\/title>/);
  });

  it('draws success and failure latency apart over windows of ≥ 50 samples when the result has them', () => {
    const result = withLatencyWindows(makeResult());
    const chart = latencyChart(result, WIDE);
    expect(chart.title).to.equal('Latency');
    expect(chart.series.map((s) => s.name)).to.deep.equal(['failed p50', 'p50', 'p95', 'p99']);
    // The failover (10 s – 11.3 s) is one window that grew to collect 50 successes among the refusals.
    const failover = chart.hovers.find((h) => h.title.startsWith('0:09.9'))!;
    expect(failover.title).to.match(/^0:09\.9 \(09:27:02\.9 UTC\) – 0:11\.\d/);
    expect(failover.title).to.match(/succeeded: p50 \d+ ms · p95 \d+ ms · p99 \d+ ms \(n = \d+\); failed: p50 (0\.\d+|1) ms/);
    for (const match of chart.hovers.slice(0, 10).map((h) => /succeeded: .*\(n = (\d+)\)/.exec(h.title))) expect(Number(match![1])).to.be.at.least(50);
    // Without windows (older results) the chart falls back to per-bucket percentiles, with the maximum when buckets are merged.
    expect(latencyChart(makeResult(), WIDE).title).to.equal('Latency per bucket');
    expect(latencyChart(makeResult(), WIDE).series.map((s) => s.name)).to.deep.equal(['p50', 'p95', 'p99']);
    expect(latencyChart(makeResult(), NARROW).series.map((s) => s.name)).to.deep.equal(['p50', 'p95', 'p99', 'max']);
  });
});
