/**
 * Chart models for the HTML report: geometry computed here, drawn by templates/chart.hbs.
 * Every label that comes from user text stays a plain string here and is escaped by the
 * template; path data is numbers only.
 */
import type { Result } from '../../result/result.ts';
import { formatOffset, humanizeKey } from '../format.ts';
import { type ChartPoint, type ChartSeries, servedByGroups } from './chart-data.ts';
import { bandPath, formatTimeTick, linePath, linearScale, logScale, logTicks, niceCeiling, niceTicks, type Scale, timeTicks } from './scales.ts';

export interface Tick {
  readonly at: number;
  readonly label: string;
}

export interface PhaseBand {
  readonly x: number;
  readonly width: number;
  readonly label: string;
  readonly title: string;
  readonly cls: string;
  readonly top: number;
  readonly height: number;
}

export interface SeriesPath {
  readonly name: string;
  readonly d: string;
  readonly cls: string;
}

export interface MarkerLine {
  readonly x: number;
  readonly label: string;
  readonly title: string;
  readonly cls: string;
  /** Label baseline; undefined draws the line without a label. */
  readonly labelY?: number;
}

export interface PodMark {
  readonly x: number;
  readonly y: number;
  readonly symbol: 'deleted' | 'created' | 'ready';
  readonly title: string;
}

export interface LegendEntry {
  readonly label: string;
  readonly cls: string;
  readonly swatch: 'line' | 'dash' | 'area' | 'marker' | 'deleted' | 'created' | 'ready' | 'band';
}

export interface ChartModel {
  readonly id: string;
  readonly title: string;
  readonly summary: string;
  readonly width: number;
  readonly height: number;
  readonly plot: { readonly left: number; readonly top: number; readonly right: number; readonly bottom: number; readonly width: number; readonly height: number };
  readonly xTicks: readonly Tick[];
  readonly xLabel: string;
  readonly yTicks: readonly Tick[];
  readonly yLabel: string;
  readonly y2Ticks: readonly Tick[];
  readonly y2Label?: string;
  readonly bands: readonly PhaseBand[];
  readonly areas: readonly SeriesPath[];
  readonly series: readonly SeriesPath[];
  readonly markers: readonly MarkerLine[];
  readonly podMarks: readonly PodMark[];
  readonly podLaneY?: number;
  readonly legend: readonly LegendEntry[];
  readonly note?: string;
}

const WIDTH = 1100;
const MARGIN = { left: 64, right: 70 };
const LABEL_ROW = 14;
const LABEL_ROWS = 3;
const CHAR_WIDTH = 6.3;

interface Frame {
  readonly x: Scale;
  readonly endMs: number;
  readonly xTicks: readonly Tick[];
  readonly bands: (top: number, height: number) => PhaseBand[];
}

function frameFor(result: Result, series: ChartSeries): Frame {
  const lastPoint = series.points[series.points.length - 1];
  const lastPhase = result.phases[result.phases.length - 1];
  const endMs = Math.max(lastPoint?.endMs ?? 0, lastPhase?.endMs ?? 0, 1);
  const x = linearScale([0, endMs], [MARGIN.left, WIDTH - MARGIN.right]);
  const xTicks = timeTicks(endMs).map((at) => ({ at: x(at), label: formatTimeTick(at) }));
  const bands = (top: number, height: number) =>
    result.phases.map((phase, index) => {
      const x0 = x(Math.max(0, phase.startMs));
      const width = Math.max(0, x(Math.min(endMs, phase.endMs)) - x0);
      return {
        x: x0,
        width,
        label: truncate(phase.name, width - 8),
        title: `${phase.name}: ${formatOffset(phase.startMs)} – ${formatOffset(phase.endMs)}`,
        cls: `band band-${index % 2}${phase.faults.length > 0 ? ' band-fault' : ''}`,
        top,
        height,
      };
    });
  return { x, endMs, xTicks, bands };
}

function truncate(text: string, widthPx: number): string {
  const max = Math.floor(widthPx / CHAR_WIDTH);
  if (max <= 1) return '';
  return text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1))}…`;
}

function centre(point: ChartPoint): number {
  return (point.startMs + point.endMs) / 2;
}

interface RawMarker {
  readonly atMs: number;
  readonly label: string;
  readonly title: string;
  readonly cls: string;
}

/** Fault apply/revert instants (from the faults table) and check markers (failover, recovery). */
export function collectMarkers(result: Result): RawMarker[] {
  const markers: RawMarker[] = [];
  for (const fault of result.faults) {
    if (fault.appliedMs !== undefined) {
      markers.push({ atMs: fault.appliedMs, label: `${fault.kind} applied`, title: `${fault.description} (${fault.target}) applied at ${formatOffset(fault.appliedMs)}`, cls: 'm-apply' });
    }
    if (fault.revertedMs !== undefined) {
      markers.push({ atMs: fault.revertedMs, label: `${fault.kind} reverted`, title: `${fault.description} (${fault.target}) reverted at ${formatOffset(fault.revertedMs)}`, cls: 'm-revert' });
    }
  }
  for (const event of result.events) {
    if (event.kind === 'fault-revert-failed') markers.push({ atMs: event.atMs, label: 'revert failed', title: `${event.message} at ${formatOffset(event.atMs)}`, cls: 'm-fail' });
    if (event.kind === 'guardrail-tripped') markers.push({ atMs: event.atMs, label: 'guardrail', title: `${event.message} at ${formatOffset(event.atMs)}`, cls: 'm-fail' });
  }
  for (const check of result.checks) {
    for (const [key, atMs] of Object.entries(check.markers ?? {})) {
      const what = humanizeKey(key).replace(/ at$/, '');
      markers.push({ atMs, label: what, title: `${check.name}: ${what} at ${formatOffset(atMs)}`, cls: 'm-check' });
    }
  }
  return markers.sort((a, b) => a.atMs - b.atMs);
}

/** Pod deleted/created/ready instants: from events, or from the faults' pod records when no event names a pod. */
export function collectPodMarks(result: Result): { atMs: number; symbol: PodMark['symbol']; title: string }[] {
  const symbols = { 'pod-deleted': 'deleted', 'pod-created': 'created', 'pod-ready': 'ready' } as const;
  const marks: { atMs: number; symbol: PodMark['symbol']; title: string }[] = [];
  for (const event of result.events) {
    if (event.kind === 'pod-deleted' || event.kind === 'pod-created' || event.kind === 'pod-ready') {
      marks.push({ atMs: event.atMs, symbol: symbols[event.kind], title: `${event.message} at ${formatOffset(event.atMs)}` });
    }
  }
  if (marks.length > 0) return marks;
  for (const fault of result.faults) {
    for (const pod of fault.pods ?? []) {
      marks.push({ atMs: pod.deletedMs, symbol: 'deleted', title: `pod ${pod.pod} deleted at ${formatOffset(pod.deletedMs)}` });
      if (pod.replacementCreatedMs !== undefined) marks.push({ atMs: pod.replacementCreatedMs, symbol: 'created', title: `pod ${pod.replacement ?? '?'} created at ${formatOffset(pod.replacementCreatedMs)}` });
      if (pod.replacementReadyMs !== undefined) marks.push({ atMs: pod.replacementReadyMs, symbol: 'ready', title: `pod ${pod.replacement ?? '?'} ready at ${formatOffset(pod.replacementReadyMs)}` });
    }
  }
  return marks;
}

/** Places labels in up to LABEL_ROWS rows so that they do not overlap; the rest get no label (title only). */
function layoutMarkers(raw: readonly RawMarker[], x: Scale, firstRowY: number): MarkerLine[] {
  const rowEnds: number[] = new Array(LABEL_ROWS).fill(-Infinity);
  return raw.map((marker) => {
    const px = x(marker.atMs);
    const width = marker.label.length * CHAR_WIDTH + 10;
    const row = rowEnds.findIndex((end) => end < px - 2);
    if (row === -1) return { x: px, label: '', title: marker.title, cls: marker.cls };
    rowEnds[row] = px + width;
    return { x: px, label: marker.label, title: marker.title, cls: marker.cls, labelY: firstRowY + row * LABEL_ROW };
  });
}

function resolutionNote(series: ChartSeries, bucketMs: number): string {
  if (series.bucketsPerPoint === 1) return `One point per ${bucketMs} ms bucket.`;
  return `One point per ${series.pointMs} ms (${series.bucketsPerPoint} buckets of ${bucketMs} ms merged; counts summed exactly).`;
}

export function timelineChart(result: Result, series: ChartSeries): ChartModel {
  const frame = frameFor(result, series);
  const top = 10 + LABEL_ROW * LABEL_ROWS;
  const plotHeight = 210;
  const bottom = top + plotHeight;
  const podLaneY = bottom + 16;
  const height = podLaneY + 52;
  const y = linearScale([0, 1], [bottom, top]);
  const seconds = series.pointMs / 1000;
  const maxRate = series.points.reduce((max, p) => Math.max(max, p.total / seconds), 0);
  // Headroom keeps the rate line in the lower part of the plot, clear of a 100 % success line.
  const rateTop = niceCeiling(maxRate * 1.6);
  const y2 = linearScale([0, rateTop], [bottom, top]);
  const ratio = linePath(series.points.map((p) => [frame.x(centre(p)), p.total > 0 ? y(p.successes / p.total) : null]));
  const rate = linePath(series.points.map((p) => [frame.x(centre(p)), y2(p.total / seconds)]));
  const markers = layoutMarkers(collectMarkers(result), frame.x, 20);
  const podMarks = collectPodMarks(result).map((mark) => ({ x: frame.x(mark.atMs), y: podLaneY, symbol: mark.symbol, title: mark.title }));
  const legend: LegendEntry[] = [
    { label: 'success ratio (%)', cls: 's-success', swatch: 'line' },
    { label: 'request rate (req/s, right axis)', cls: 's-rate', swatch: 'line' },
    { label: 'fault applied', cls: 'm-apply', swatch: 'marker' },
    { label: 'fault reverted', cls: 'm-revert', swatch: 'marker' },
    { label: 'failover / recovery (from checks)', cls: 'm-check', swatch: 'dash' },
  ];
  if (markers.some((m) => m.cls === 'm-fail')) legend.push({ label: 'revert failed / guardrail', cls: 'm-fail', swatch: 'marker' });
  if (podMarks.length > 0) legend.push({ label: 'pod deleted', cls: 'pod-deleted', swatch: 'deleted' }, { label: 'pod created', cls: 'pod-created', swatch: 'created' }, { label: 'pod ready', cls: 'pod-ready', swatch: 'ready' });
  return {
    id: 'chart-timeline',
    title: 'Traffic over time',
    summary: `Success ratio and request rate over ${formatTimeTick(frame.endMs)}, with phases, faults, pod events and the failover/recovery instants.`,
    width: WIDTH,
    height,
    plot: { left: MARGIN.left, top, right: WIDTH - MARGIN.right, bottom, width: WIDTH - MARGIN.left - MARGIN.right, height: plotHeight },
    xTicks: frame.xTicks,
    xLabel: 'time since load start',
    yTicks: [0, 0.25, 0.5, 0.75, 1].map((v) => ({ at: y(v), label: `${Math.round(v * 100)}%` })),
    yLabel: 'success ratio (%)',
    y2Ticks: niceTicks(0, rateTop, 4).map((v) => ({ at: y2(v), label: String(v) })),
    y2Label: 'requests/s',
    bands: frame.bands(top, plotHeight),
    areas: [],
    series: [
      { name: 'request rate', d: rate, cls: 's-rate' },
      { name: 'success ratio', d: ratio, cls: 's-success' },
    ],
    markers,
    podMarks,
    ...(podMarks.length > 0 ? { podLaneY } : {}),
    legend,
    note: resolutionNote(series, result.timeline.bucketMs),
  };
}

export function latencyChart(result: Result, series: ChartSeries): ChartModel {
  const frame = frameFor(result, series);
  const top = 16;
  const plotHeight = 190;
  const bottom = top + plotHeight;
  const withLatency = series.points.filter((p) => p.latency !== null);
  const low = withLatency.reduce((min, p) => Math.min(min, p.latency!.p50), Infinity);
  const high = withLatency.reduce((max, p) => Math.max(max, p.latency!.p99), 0);
  const useLog = withLatency.length > 0 && low > 0 && high / low > 30;
  let y: Scale;
  let ticks: number[];
  if (useLog) {
    const d0 = 10 ** Math.floor(Math.log10(low));
    const d1 = 10 ** Math.ceil(Math.log10(high));
    y = logScale([d0, d1], [bottom, top]);
    ticks = logTicks(d0, d1);
  } else {
    const d1 = niceCeiling(Math.max(high * 1.05, 1));
    y = linearScale([0, d1], [bottom, top]);
    ticks = niceTicks(0, d1, 4);
  }
  const path = (pick: (l: NonNullable<ChartPoint['latency']>) => number) =>
    linePath(series.points.map((p) => [frame.x(centre(p)), p.latency ? y(pick(p.latency)) : null]));
  const markers = collectMarkers(result).map((m) => ({ x: frame.x(m.atMs), label: '', title: m.title, cls: m.cls }));
  return {
    id: 'chart-latency',
    title: 'Latency per bucket',
    summary: `p50, p95 and p99 latency from the scheduled time, ${useLog ? 'log' : 'linear'} scale.`,
    width: WIDTH,
    height: bottom + 44,
    plot: { left: MARGIN.left, top, right: WIDTH - MARGIN.right, bottom, width: WIDTH - MARGIN.left - MARGIN.right, height: plotHeight },
    xTicks: frame.xTicks,
    xLabel: 'time since load start',
    yTicks: ticks.map((v) => ({ at: y(v), label: v >= 1000 ? `${v / 1000} s` : `${v} ms` })),
    yLabel: `latency (ms${useLog ? ', log scale' : ''})`,
    y2Ticks: [],
    bands: frame.bands(top, plotHeight),
    areas: [],
    series: [
      { name: 'p50', d: path((l) => l.p50), cls: 's-p50' },
      { name: 'p95', d: path((l) => l.p95), cls: 's-p95' },
      { name: 'p99', d: path((l) => l.p99), cls: 's-p99' },
    ],
    markers,
    podMarks: [],
    legend: [
      { label: 'p50', cls: 's-p50', swatch: 'line' },
      { label: 'p95', cls: 's-p95', swatch: 'line' },
      { label: 'p99', cls: 's-p99', swatch: 'line' },
    ],
    note:
      series.bucketsPerPoint > 1
        ? `${resolutionNote(series, result.timeline.bucketMs)} A merged point shows the highest percentile of its buckets.`
        : `${resolutionNote(series, result.timeline.bucketMs)} Latency is measured from the scheduled send time (no coordinated omission).`,
  };
}

/** Stacked share of responses per serving instance; undefined when no response named one. */
export function servedByChart(result: Result, series: ChartSeries): ChartModel | undefined {
  const groups = servedByGroups(series.points);
  if (groups.names.length === 0) return undefined;
  const frame = frameFor(result, series);
  const top = 16;
  const plotHeight = 150;
  const bottom = top + plotHeight;
  const y = linearScale([0, 1], [bottom, top]);
  const keys = [...groups.names, ...(groups.other ? [undefined] : [])];
  const xs: number[] = [];
  const shares: number[][] = keys.map(() => []);
  // Each point spans its own width: draw step edges at both ends so shares read per point.
  for (const point of series.points) {
    const named = Object.values(point.servedBy).reduce((sum, n) => sum + n, 0);
    const values = keys.map((key) => {
      if (named === 0) return 0;
      if (key !== undefined) return (point.servedBy[key] ?? 0) / named;
      const listed = groups.names.reduce((sum, name) => sum + (point.servedBy[name] ?? 0), 0);
      return (named - listed) / named;
    });
    for (const at of [point.startMs, point.endMs]) {
      xs.push(frame.x(Math.min(at, frame.endMs)));
      values.forEach((value, i) => shares[i]!.push(value));
    }
  }
  let lower = xs.map(() => y(0));
  let cumulative = xs.map(() => 0);
  const areas: SeriesPath[] = keys.map((key, i) => {
    cumulative = cumulative.map((c, j) => c + shares[i]![j]!);
    const upper = cumulative.map((c) => y(Math.min(1, c)));
    const d = bandPath(xs, lower, upper);
    lower = upper;
    return { name: key ?? 'other', d, cls: `sb sb-${i}` };
  });
  return {
    id: 'chart-served-by',
    title: 'Served by',
    summary: 'Share of responses per serving instance (response header), stacked.',
    width: WIDTH,
    height: bottom + 44,
    plot: { left: MARGIN.left, top, right: WIDTH - MARGIN.right, bottom, width: WIDTH - MARGIN.left - MARGIN.right, height: plotHeight },
    xTicks: frame.xTicks,
    xLabel: 'time since load start',
    yTicks: [0, 0.5, 1].map((v) => ({ at: y(v), label: `${v * 100}%` })),
    yLabel: 'share of responses (%)',
    y2Ticks: [],
    bands: frame.bands(top, plotHeight).map((band) => ({ ...band, cls: `${band.cls} band-outline` })),
    areas,
    series: [],
    markers: collectMarkers(result).map((m) => ({ x: frame.x(m.atMs), label: '', title: m.title, cls: m.cls })),
    podMarks: [],
    legend: areas.map((area) => ({ label: area.name, cls: area.cls, swatch: 'area' as const })),
    note: result.load.servedByHeader ? `From the ${result.load.servedByHeader} response header; gaps are buckets where no response named an instance.` : undefined,
  };
}
