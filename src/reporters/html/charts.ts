/**
 * Chart models for the HTML report: geometry computed here, drawn by templates/chart.hbs.
 * Every label that comes from user text stays a plain string here and is escaped by the
 * template; path data is numbers only.
 */
import type { CheckResult, Result } from '../../result/result.ts';
import { formatDuration, formatOffset } from '../../format/duration.ts';
import { formatThreshold } from '../../format/percent.ts';
import { CHECK_SYMBOL, REPORT_PERCENT } from '../format.ts';
import { type ChartPoint, type ChartSeries, groupColours, groupServedBy, instanceGroup, servedByGroups } from './chart-data.ts';
import { expectedHeadline, observedHeadline } from '../check-summary.ts';
import { FAILED_SLICE, type Slice, servedBySlices, UNNAMED_SLICE } from './served-by-shares.ts';
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
  /** The label sits left of its line (near the right edge). */
  readonly anchorEnd?: boolean;
}

/** A failed check's window, shaded on the timeline, with its expected threshold when it has one. */
export interface Highlight {
  readonly x: number;
  readonly width: number;
  readonly top: number;
  readonly height: number;
  readonly title: string;
  readonly label: string;
  readonly labelX: number;
  readonly labelY: number;
  /** y of the expected threshold line across the window (ratio checks). */
  readonly thresholdY?: number;
  readonly thresholdLabel?: string;
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
  readonly highlights: readonly Highlight[];
  readonly podMarks: readonly PodMark[];
  readonly podLaneY?: number;
  readonly legend: readonly LegendEntry[];
  readonly note?: string;
}

export const WIDTH = 1100;
const MARGIN = { left: 64, right: 70 };
const LABEL_ROW = 16;
const LABEL_ROWS = 4;
/** Width of one character of a bold 12 px marker label, a little generous so that estimates never overlap. */
const CHAR_WIDTH = 7.6;
/** Width of one character of a 12 px band label. */
const BAND_CHAR_WIDTH = 7.2;

export interface Frame {
  readonly x: Scale;
  readonly endMs: number;
  readonly xTicks: readonly Tick[];
  readonly bands: (top: number, height: number) => PhaseBand[];
}

export function frameFor(result: Result, series: ChartSeries): Frame {
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
        label: truncate(phase.name, width - 8, BAND_CHAR_WIDTH),
        title: `${phase.name}: ${formatOffset(phase.startMs)} – ${formatOffset(phase.endMs)}`,
        cls: `band band-${index % 2}${phase.faults.length > 0 ? ' band-fault' : ''}`,
        top,
        height,
      };
    });
  return { x, endMs, xTicks, bands };
}

function truncate(text: string, widthPx: number, charWidth = CHAR_WIDTH): string {
  const max = Math.floor(widthPx / charWidth);
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

/** Check markers worth a labelled line: the instant the thing measured happened. Start instants and windows are not drawn. */
const CHECK_MARKERS: Readonly<Record<string, string>> = { failoverAtMs: 'failover', recoveredAtMs: 'recovered', failbackAtMs: 'failed back', readyAtMs: 'pods ready', podsReadyAtMs: 'pods ready' };

function checkMarkerLabel(check: CheckResult, word: string): string {
  const observed = observedHeadline(check).lines[0] ?? '';
  // `failover < 100 ms` → `failover ✔ < 100 ms`; `ready after 1.01 s` → `pods ready ✔ 1.01 s`.
  const value = observed.replace(/^(failover|recovery|failback|ready after)\s*/, '');
  return `${word} ${CHECK_SYMBOL[check.verdict]} ${value}`.trim();
}

/**
 * Labelled instants: fault apply/revert (a pod kill has nothing to revert, so only its kills), the
 * failover / recovery / pods-ready instants of checks (with verdict and time), guardrail and failed reverts.
 */
export function collectMarkers(result: Result): RawMarker[] {
  const markers: RawMarker[] = [];
  for (const fault of result.faults) {
    if (fault.appliedMs !== undefined) {
      markers.push({ atMs: fault.appliedMs, label: `${fault.kind} applied`, title: `${fault.description} (${fault.target}) applied at ${formatOffset(fault.appliedMs)}`, cls: 'm-apply' });
    }
    if (fault.revertedMs !== undefined && fault.kind !== 'pod-kill') {
      markers.push({ atMs: fault.revertedMs, label: `${fault.kind} reverted`, title: `${fault.description} (${fault.target}) reverted at ${formatOffset(fault.revertedMs)}`, cls: 'm-revert' });
    }
  }
  for (const event of result.events) {
    if (event.kind === 'fault-revert-failed') markers.push({ atMs: event.atMs, label: 'revert failed', title: `${event.message} at ${formatOffset(event.atMs)}`, cls: 'm-fail' });
    if (event.kind === 'guardrail-tripped') markers.push({ atMs: event.atMs, label: 'guardrail', title: `${event.message} at ${formatOffset(event.atMs)}`, cls: 'm-fail' });
  }
  const seen = new Set<string>();
  for (const check of result.checks) {
    for (const [key, atMs] of Object.entries(check.markers ?? {})) {
      const word = CHECK_MARKERS[key];
      if (!word) continue;
      const label = checkMarkerLabel(check, word);
      const id = `${Math.round(atMs)} ${label}`;
      if (seen.has(id)) continue;
      seen.add(id);
      markers.push({ atMs, label, title: `${check.name}: ${word} at ${formatOffset(atMs)} — ${check.reason}`, cls: check.verdict === 'failed' ? 'm-check m-check-failed' : 'm-check' });
    }
  }
  return markers.sort((a, b) => a.atMs - b.atMs);
}

/** Pod deleted/created/ready instants: from events, or from the faults' pod records when no event names a pod. */
export function collectPodMarks(result: Result): { atMs: number; symbol: PodMark['symbol']; title: string }[] {
  const symbols = { 'pod-deleted': 'deleted', 'pod-created': 'created', 'pod-ready': 'ready' } as const;
  const marks: { atMs: number; symbol: PodMark['symbol']; title: string }[] = [];
  for (const event of result.events) {
    if (event.data?.initial === true) continue;
    if (event.kind === 'pod-deleted' || event.kind === 'pod-created' || event.kind === 'pod-ready') {
      marks.push({ atMs: event.atMs, symbol: symbols[event.kind], title: `${event.message} at ${formatOffset(event.atMs)}` });
    }
  }
  if (marks.length > 0 || result.events.some((e) => e.kind.startsWith('pod-'))) return marks;
  for (const fault of result.faults) {
    for (const pod of fault.pods ?? []) {
      marks.push({ atMs: pod.deletedMs, symbol: 'deleted', title: `pod ${pod.pod} deleted at ${formatOffset(pod.deletedMs)}` });
      if (pod.replacementCreatedMs !== undefined) marks.push({ atMs: pod.replacementCreatedMs, symbol: 'created', title: `pod ${pod.replacement ?? '?'} created at ${formatOffset(pod.replacementCreatedMs)}` });
      if (pod.replacementReadyMs !== undefined) marks.push({ atMs: pod.replacementReadyMs, symbol: 'ready', title: `pod ${pod.replacement ?? '?'} ready at ${formatOffset(pod.replacementReadyMs)}` });
    }
  }
  return marks;
}

/**
 * Places each label in the first of LABEL_ROWS rows where it overlaps no other label, to the right
 * of its line (to the left near the right edge). A label that fits no row is left off the chart
 * and listed in the chart's note, so labels never overlap.
 */
export function layoutMarkers(raw: readonly RawMarker[], x: Scale, firstRowY: number, bounds: { left: number; right: number } = { left: 0, right: WIDTH }): { markers: MarkerLine[]; unplaced: RawMarker[] } {
  const placed: { px: number; row: number; span: [number, number]; text: [number, number] }[] = [];
  const unplaced: RawMarker[] = [];
  const markers = raw.map((marker): MarkerLine => {
    const px = x(marker.atMs);
    const width = marker.label.length * CHAR_WIDTH;
    const toRight = px + 3 + width <= bounds.right;
    const span: [number, number] = toRight ? [px - 1, px + 3 + width + 6] : [px - 3 - width - 6, px + 1];
    // Where the text itself is: another marker's line may touch the padding but must not cross the text.
    const text: [number, number] = toRight ? [px + 2, px + 3 + width] : [px - 3 - width, px - 2];
    const fits = (row: number) =>
      placed.every((other) => {
        const labelsClear = other.row !== row || span[1] <= other.span[0] || span[0] >= other.span[1];
        // A line runs down from its label through the rows below it.
        const otherLineClear = other.row >= row || other.px <= text[0] || other.px >= text[1];
        const ownLineClear = other.row <= row || px <= other.text[0] || px >= other.text[1];
        return labelsClear && otherLineClear && ownLineClear;
      });
    let row = -1;
    for (let r = 0; r < LABEL_ROWS && marker.label; r++) {
      if (fits(r)) {
        row = r;
        break;
      }
    }
    if (row === -1) {
      if (marker.label) unplaced.push(marker);
      return { x: px, label: '', title: marker.title, cls: marker.cls };
    }
    placed.push({ px, row, span, text });
    return { x: px, label: marker.label, title: marker.title, cls: marker.cls, labelY: firstRowY + row * LABEL_ROW, ...(toRight ? {} : { anchorEnd: true }) };
  });
  return { markers, unplaced };
}

/** Failed checks' windows (from → to, or start → the instant or the end of the run), with the expected ratio drawn across. */
function failedWindows(result: Result, x: Scale, endMs: number, y: Scale, top: number, height: number): Highlight[] {
  const highlights: Highlight[] = [];
  const labelSpans: [number, number, number][] = [];
  for (const check of result.checks) {
    if (check.verdict !== 'failed' || !check.strict || !check.markers) continue;
    const m = check.markers;
    const from = m.fromMs ?? m.startMs ?? m.faultAppliedMs ?? m.recoveryStartMs ?? m.failbackStartMs;
    if (from === undefined) continue;
    const phase = result.phases.find((p) => p.startMs <= from && from < p.endMs);
    const to = Math.min(endMs, m.toMs ?? m.readyAtMs ?? phase?.endMs ?? endMs);
    const x0 = x(from);
    const width = Math.max(2, x(to) - x0);
    const min = typeof check.expected.min === 'number' ? check.expected.min : undefined;
    const ratioCheck = (check.kind === 'successRatio' && min !== undefined) || (check.kind === 'timeToFailover' || check.kind === 'timeToRecover');
    const t = check.kind === 'successRatio' ? min : typeof check.expected.threshold === 'number' ? check.expected.threshold : undefined;
    const label = truncate(`${CHECK_SYMBOL.failed} ${check.name}: ${observedHeadline(check).lines[0]} vs ${expectedHeadline(check).lines[0]}`, WIDTH - MARGIN.right - x0 - 8, 7);
    // Labels of windows that start close together stack upwards from the bottom of the plot.
    const span: [number, number] = [x0, x0 + 4 + label.length * 7];
    let row = 0;
    while (labelSpans.some(([r, a, b]) => r === row && span[0] < b && a < span[1])) row++;
    labelSpans.push([row, span[0], span[1]]);
    highlights.push({
      x: x0,
      width,
      top,
      height,
      title: `${check.name} failed: ${check.reason}`,
      label,
      labelX: x0 + 4,
      labelY: top + height - 8 - row * 16,
      ...(ratioCheck && t !== undefined ? { thresholdY: y(t), thresholdLabel: `expected ≥ ${formatThreshold(t, REPORT_PERCENT)}` } : {}),
    });
  }
  return highlights;
}

function resolutionNote(series: ChartSeries, bucketMs: number): string {
  if (series.bucketsPerPoint === 1) return `One point per ${bucketMs} ms bucket.`;
  return `One point per ${series.pointMs} ms (${series.bucketsPerPoint} buckets of ${bucketMs} ms merged; counts summed exactly).`;
}

export function timelineChart(result: Result, series: ChartSeries): ChartModel {
  const frame = frameFor(result, series);
  const top = 10 + LABEL_ROW * LABEL_ROWS;
  const plotHeight = 230;
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
  // The failed share filled between the success line and 100 %: an outage reads as a red block.
  const failXs: number[] = [];
  const failLower: number[] = [];
  for (const p of series.points) {
    const ratioY = p.total > 0 ? y(p.successes / p.total) : y(1);
    for (const at of [p.startMs, Math.min(p.endMs, frame.endMs)]) {
      failXs.push(frame.x(at));
      failLower.push(ratioY);
    }
  }
  const hasFailures = series.points.some((p) => p.total > p.successes);
  const failedArea = hasFailures ? bandPath(failXs, failLower, failXs.map(() => y(1))) : '';
  const layout = layoutMarkers(collectMarkers(result), frame.x, 16, { left: MARGIN.left, right: WIDTH - 8 });
  const markers = layout.markers;
  const highlights = failedWindows(result, frame.x, frame.endMs, y, top, plotHeight);
  const podMarks = collectPodMarks(result).map((mark) => ({ x: frame.x(mark.atMs), y: podLaneY, symbol: mark.symbol, title: mark.title }));
  const legend: LegendEntry[] = [
    { label: 'success ratio (%)', cls: 's-success', swatch: 'line' },
    ...(hasFailures ? [{ label: 'failed share', cls: 'a-failed', swatch: 'area' as const }] : []),
    { label: 'request rate (req/s, right axis)', cls: 's-rate', swatch: 'line' },
    { label: 'fault applied', cls: 'm-apply', swatch: 'marker' },
    { label: 'fault reverted', cls: 'm-revert', swatch: 'marker' },
    { label: 'failover / recovery / failback / pods ready (from checks)', cls: 'm-check', swatch: 'dash' },
  ];
  if (highlights.length > 0) legend.push({ label: 'failed check window', cls: 'hl-failed', swatch: 'area' });
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
    yTicks: [0, 0.25, 0.5, 0.75, 1].map((v) => ({ at: y(v), label: formatThreshold(v, REPORT_PERCENT) })),
    yLabel: 'success ratio (%)',
    y2Ticks: niceTicks(0, rateTop, 4).map((v) => ({ at: y2(v), label: String(v) })),
    y2Label: 'requests/s',
    bands: frame.bands(top, plotHeight),
    areas: failedArea ? [{ name: 'failed requests (share)', d: failedArea, cls: 'a-failed' }] : [],
    series: [
      { name: 'request rate', d: rate, cls: 's-rate' },
      { name: 'success ratio', d: ratio, cls: 's-success' },
    ],
    markers,
    highlights,
    podMarks,
    ...(podMarks.length > 0 ? { podLaneY } : {}),
    legend,
    note: [
      resolutionNote(series, result.timeline.bucketMs),
      layout.unplaced.length > 0 ? `Not labelled for lack of room: ${layout.unplaced.map((m) => `${m.label} at ${formatOffset(m.atMs)}`).join('; ')}.` : '',
    ].filter(Boolean).join(' '),
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
    yTicks: ticks.map((v) => ({ at: y(v), label: formatDuration(v) })),
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
    highlights: [],
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

/**
 * Stacked share of all requests per serving instance group, plus failures that named no server and
 * successes that named none (so an outage shows as a failed block, never as a gap); undefined when
 * no response named a server and no served-by header was asked for.
 */
export function servedByChart(result: Result, series: ChartSeries): ChartModel | undefined {
  // Pods of one Deployment/ReplicaSet are one group: the chart shows where traffic went, not which replica.
  const points = series.points.map((point) => ({ ...point, servedBy: groupServedBy(point.servedBy) }));
  const groups = servedByGroups(points);
  if (groups.names.length === 0 && !result.load.servedByHeader) return undefined;
  const colours = groupColours(groups.names);
  const podsPerGroup = new Map<string, Set<string>>();
  for (const point of series.points) {
    for (const name of Object.keys(point.servedBy)) {
      const group = instanceGroup(name);
      podsPerGroup.set(group, (podsPerGroup.get(group) ?? new Set()).add(name));
    }
  }
  const frame = frameFor(result, series);
  const top = 16;
  const plotHeight = 150;
  const bottom = top + plotHeight;
  const y = linearScale([0, 1], [bottom, top]);
  const pointSlices = points.map((point) => servedBySlices(point));
  const hasSlice = (kind: Slice['kind']) => pointSlices.some((slices) => slices.some((slice) => slice.kind === kind));
  const keys: (string | undefined)[] = [...groups.names, ...(groups.other ? [undefined] : []), ...(hasSlice('failed') ? [FAILED_SLICE] : []), ...(hasSlice('unnamed') ? [UNNAMED_SLICE] : [])];
  const xs: number[] = [];
  const shares: number[][] = keys.map(() => []);
  // Each point spans its own width: draw step edges at both ends so shares read per point.
  for (const [p, point] of points.entries()) {
    const count = (name: string) => pointSlices[p]!.find((slice) => slice.name === name)?.count ?? 0;
    const values = keys.map((key) => {
      if (point.total === 0) return 0;
      if (key !== undefined) return count(key) / point.total;
      const named = Object.values(point.servedBy).reduce((sum, n) => sum + n, 0);
      const listed = groups.names.reduce((sum, name) => sum + (point.servedBy[name] ?? 0), 0);
      return (named - listed) / point.total;
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
    const cls = key === undefined ? 'sb sb-other' : key === FAILED_SLICE ? 'sb sb-failed' : key === UNNAMED_SLICE ? 'sb sb-unnamed' : `sb sb-${colours.get(key) ?? 0}`;
    return { name: key ?? 'other', d, cls };
  });
  return {
    id: 'chart-served-by',
    title: 'Served by',
    summary: 'Share of all requests per serving instance group, stacked; requests that failed without naming a server are their own slice.',
    width: WIDTH,
    height: bottom + 44,
    plot: { left: MARGIN.left, top, right: WIDTH - MARGIN.right, bottom, width: WIDTH - MARGIN.left - MARGIN.right, height: plotHeight },
    xTicks: frame.xTicks,
    xLabel: 'time since load start',
    yTicks: [0, 0.5, 1].map((v) => ({ at: y(v), label: formatThreshold(v, REPORT_PERCENT) })),
    yLabel: 'share of requests (%)',
    y2Ticks: [],
    bands: frame.bands(top, plotHeight).map((band) => ({ ...band, cls: `${band.cls} band-outline` })),
    areas,
    series: [],
    markers: collectMarkers(result).map((m) => ({ x: frame.x(m.atMs), label: '', title: m.title, cls: m.cls })),
    highlights: [],
    podMarks: [],
    legend: keys.map((key, i) => {
      if (key === FAILED_SLICE || key === UNNAMED_SLICE) return { label: key, cls: areas[i]!.cls, swatch: 'area' as const };
      const pods = key === undefined ? 0 : (podsPerGroup.get(key)?.size ?? 0);
      return { label: key === undefined ? 'other' : pods > 1 || (pods === 1 && !podsPerGroup.get(key)!.has(key)) ? `${key} (${pods} pod${pods === 1 ? '' : 's'})` : key, cls: areas[i]!.cls, swatch: 'area' as const };
    }),
    note: `${result.load.servedByHeader ? `From the ${result.load.servedByHeader} response header, ` : ''}pods grouped by name (<group>-<hash>-<suffix>); per-pod shares are in the table below. Gaps are times without requests.`,
  };
}
