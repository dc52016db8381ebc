/**
 * Chart models for the HTML report: geometry computed here, drawn by templates/chart.hbs.
 * Every label that comes from user text stays a plain string here and is escaped by the
 * template; path data is numbers only.
 */
import type { CheckResult, Result } from '../../result/result.ts';
import { formatDuration, formatOffset } from '../../format/duration.ts';
import { formatPercent, formatThreshold } from '../../format/percent.ts';
import { CHECK_SYMBOL, REPORT_PERCENT, formatCount } from '../format.ts';
import { type ChartPoint, type ChartSeries, downsampleBuckets, groupColours, groupServedBy, instanceGroup, servedByGroups } from './chart-data.ts';
import { expectedHeadline, observedHeadline } from '../check-summary.ts';
import { harnessSpans } from './harness-view.ts';
import { formatInstant, loadStartEpoch } from './wall-clock.ts';
import { bandPath, focusRatioScale, formatTimeTick, formatUtcTick, linePath, linearScale, logScale, logTicks, niceCeiling, niceTicks, type Scale, timeTicks } from './scales.ts';
import { FAILED_SLICE, type Slice, servedBySlices, UNNAMED_SLICE } from './served-by-shares.ts';

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

/** A failed check's window, shaded on the timeline (its threshold is one of the SLO lines). */
export interface Highlight {
  readonly x: number;
  readonly width: number;
  readonly top: number;
  readonly height: number;
  readonly title: string;
  readonly label: string;
  readonly labelX: number;
  readonly labelY: number;
}

export interface PodMark {
  readonly x: number;
  readonly y: number;
  readonly symbol: 'deleted' | 'created' | 'ready';
  readonly title: string;
  /** `×3` when marks closer than a symbol's width were drawn as one. */
  readonly count?: string;
}

/** A dashed SLO line (a ratio check's minimum) across the check's window. */
export interface ThresholdLine {
  readonly x1: number;
  readonly x2: number;
  readonly y: number;
  readonly cls: string;
  readonly title: string;
  readonly label?: { readonly x: number; readonly y: number; readonly text: string; readonly anchorEnd: boolean };
}

/** A transparent column with the values under it, as a hover title (works with scripts off). */
export interface HoverColumn {
  readonly x: number;
  readonly width: number;
  readonly title: string;
}

/** A span where the harness was over a bound: shaded across the plot. */
export interface HarnessShade {
  readonly x: number;
  readonly width: number;
  readonly title: string;
}

export interface AxisTick {
  readonly at: number;
  readonly label: string;
  readonly utc?: string;
  readonly anchor: 'start' | 'middle' | 'end';
}

export interface LegendEntry {
  readonly label: string;
  readonly cls: string;
  readonly swatch: 'line' | 'dash' | 'area' | 'marker' | 'deleted' | 'created' | 'ready' | 'band';
}

export interface ChartModel {
  readonly id: string;
  readonly canvas: Canvas['name'];
  readonly title: string;
  readonly summary: string;
  readonly width: number;
  readonly height: number;
  readonly plot: { readonly left: number; readonly top: number; readonly right: number; readonly bottom: number; readonly width: number; readonly height: number };
  readonly xTicks: readonly AxisTick[];
  readonly xLabel: string;
  /** Baselines of the x tick labels, their UTC line and the x axis title. */
  readonly xTickY: number;
  readonly xUtcY: number;
  readonly xLabelY: number;
  readonly yTicks: readonly Tick[];
  readonly yLabel: string;
  /** y of a break drawn on the y axis (a magnified range above it). */
  readonly yBreak?: number;
  readonly bands: readonly PhaseBand[];
  readonly thresholds: readonly ThresholdLine[];
  readonly harnessShades: readonly HarnessShade[];
  readonly hovers: readonly HoverColumn[];
  readonly areas: readonly SeriesPath[];
  readonly series: readonly SeriesPath[];
  readonly markers: readonly MarkerLine[];
  readonly highlights: readonly Highlight[];
  readonly podMarks: readonly PodMark[];
  readonly podLanes: readonly { readonly y: number; readonly label: string }[];
  /** Where marker lines end: below the pod lanes when there are any. */
  readonly markerBottom: number;
  readonly legend: readonly LegendEntry[];
  readonly note?: string;
}

/** One drawing of a chart at one width; the page shows the one that fits the screen (CSS only). */
export interface Canvas {
  readonly name: 'wide' | 'medium' | 'narrow';
  readonly width: number;
  readonly plotHeight: number;
  readonly xTickCount: number;
  readonly labelRows: number;
  readonly maxPoints: number;
  readonly maxHovers: number;
}

/*
 * Text is 12 user units. Each canvas is shown only where its drawn width keeps that at ≥ 10 CSS px
 * (styles.css: wide from a 1024 px viewport, medium from 680 px, narrow below; 15 px of scrollbar allowed for).
 */
export const WIDE: Canvas = { name: 'wide', width: 1100, plotHeight: 230, xTickCount: 10, labelRows: 4, maxPoints: 1200, maxHovers: 240 };
export const MEDIUM: Canvas = { name: 'medium', width: 640, plotHeight: 210, xTickCount: 6, labelRows: 4, maxPoints: 640, maxHovers: 160 };
export const NARROW: Canvas = { name: 'narrow', width: 380, plotHeight: 200, xTickCount: 4, labelRows: 3, maxPoints: 380, maxHovers: 76 };
export const CANVASES: readonly Canvas[] = [WIDE, MEDIUM, NARROW];

/** A chart drawn once per canvas; legend and caption are shared. */
export interface ChartFigure {
  readonly id: string;
  readonly title: string;
  readonly summary: string;
  readonly legend: readonly LegendEntry[];
  readonly variants: readonly ChartModel[];
  /**
   * The hover titles as text, for keyboard and screen-reader users (a hover needs a pointer):
   * the narrow drawing's, the fewest steps that still show every phase.
   */
  readonly values: readonly string[];
}

export function chartFigure(draw: (canvas: Canvas) => ChartModel): ChartFigure {
  const variants = CANVASES.map(draw);
  const wide = variants[0]!;
  // A narrow drawing may merge buckets the wide one keeps apart (and so draw a worst-bucket line): the legend names everything any drawing shows.
  const legend = new Map<string, LegendEntry>();
  for (const variant of variants) for (const entry of variant.legend) if (!legend.has(entry.label)) legend.set(entry.label, entry);
  const narrow = variants.find((variant) => variant.canvas === NARROW.name) ?? wide;
  return { id: wide.id, title: wide.title, summary: wide.summary, legend: [...legend.values()], variants, values: narrow.hovers.map((hover) => hover.title) };
}

const LABEL_ROW = 16;
const LABEL_ROWS = 4;
/** Width of one character of a bold 12 px marker label, a little generous so that estimates never overlap. */
const CHAR_WIDTH = 7.6;
/** Width of one character of a 12 px band label. */
const BAND_CHAR_WIDTH = 7.2;
/** Width of one character of a 12 px tick label (digits and units). */
const TICK_CHAR_WIDTH = 7;
/** Room right of the plot for half of the last tick's `09:27:53` label. */
const RIGHT_MARGIN = 32;
/** The rotated y-axis title is centred here; tick labels keep clear of it. */
const Y_TITLE_X = 13;

export interface Frame {
  readonly x: Scale;
  readonly fromMs: number;
  readonly endMs: number;
  readonly left: number;
  readonly right: number;
  readonly xTicks: readonly AxisTick[];
  readonly bands: (top: number, height: number) => PhaseBand[];
}

/** The left margin that fits the y tick labels between the axis and the rotated y title. */
export function leftMargin(tickLabels: readonly string[]): number {
  const longest = tickLabels.reduce((max, label) => Math.max(max, label.length), 0);
  return Math.ceil(Y_TITLE_X + 9 + longest * TICK_CHAR_WIDTH + 8);
}

export function frameFor(result: Result, series: ChartSeries, canvas: Canvas, left: number, window?: { fromMs: number; toMs: number }): Frame {
  const lastPoint = series.points[series.points.length - 1];
  const lastPhase = result.phases[result.phases.length - 1];
  const fromMs = window?.fromMs ?? 0;
  const endMs = window ? window.toMs : Math.max(lastPoint?.endMs ?? 0, lastPhase?.endMs ?? 0, 1);
  const right = canvas.width - RIGHT_MARGIN;
  const x = linearScale([fromMs, endMs], [left, right]);
  const epoch = loadStartEpoch(result);
  const ticks = timeTicks(endMs, canvas.xTickCount, fromMs);
  const subSecond = ticks.length > 1 && ticks[1]! - ticks[0]! < 1000;
  let lastRight = -Infinity;
  const xTicks = ticks.map((at): AxisTick => {
    const label = formatTimeTick(at);
    const utc = epoch === undefined ? undefined : formatUtcTick(epoch, at, subSecond);
    const half = (Math.max(label.length, utc?.length ?? 0) * TICK_CHAR_WIDTH) / 2;
    const px = x(at);
    const anchor = px + half > canvas.width - 2 ? 'end' : px - half < 2 ? 'start' : 'middle';
    const [from, to] = anchor === 'end' ? [px - 2 * half, px] : anchor === 'start' ? [px, px + 2 * half] : [px - half, px + half];
    // A label that would touch its neighbour is left off; its tick line stays.
    if (from < lastRight + 6) return { at: px, label: '', anchor };
    lastRight = to;
    return { at: px, label, ...(utc ? { utc } : {}), anchor };
  });
  const bands = (top: number, height: number) =>
    result.phases.flatMap((phase, index) => {
      if (phase.endMs <= fromMs || phase.startMs >= endMs) return [];
      const x0 = x(Math.max(fromMs, phase.startMs));
      const width = Math.max(0, x(Math.min(endMs, phase.endMs)) - x0);
      return [{
        x: x0,
        width,
        label: truncate(phase.name, width - 8, BAND_CHAR_WIDTH),
        title: `${phase.name}: ${formatOffset(phase.startMs)} – ${formatOffset(phase.endMs)}`,
        cls: `band band-${index % 2}${phase.faults.length > 0 ? ' band-fault' : ''}`,
        top,
        height,
      }];
    });
  return { x, fromMs, endMs, left, right, xTicks, bands };
}

function truncate(text: string, widthPx: number, charWidth = CHAR_WIDTH): string {
  const max = Math.floor(widthPx / charWidth);
  if (max <= 1) return '';
  return text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1))}…`;
}

function centre(point: ChartPoint): number {
  return (point.startMs + point.endMs) / 2;
}

/** Axis rows below the plot: tick labels, their UTC time, the axis title. */
function axisRows(bottom: number): { xTickY: number; xUtcY: number; xLabelY: number; height: number } {
  // Tick labels start below the lowest y tick label's descent (y labels sit on their value, +4).
  return { xTickY: bottom + 21, xUtcY: bottom + 36, xLabelY: bottom + 55, height: bottom + 61 };
}

/**
 * What every chart over run time has in common: its size, the plot box and the x axis (ticks,
 * UTC line, title), whose rows start below `axisTop` (the plot's bottom, or the pod lanes').
 */
export function timeAxes(result: Result, canvas: Canvas, frame: Frame, box: { top: number; plotHeight: number; axisTop?: number }): Pick<ChartModel, 'width' | 'height' | 'plot' | 'xTicks' | 'xLabel' | 'xTickY' | 'xUtcY' | 'xLabelY'> {
  const bottom = box.top + box.plotHeight;
  const axis = axisRows(box.axisTop ?? bottom);
  return {
    width: canvas.width,
    height: axis.height,
    plot: { left: frame.left, top: box.top, right: frame.right, bottom, width: frame.right - frame.left, height: box.plotHeight },
    xTicks: frame.xTicks,
    xLabel: xTitle(result),
    xTickY: axis.xTickY,
    xUtcY: axis.xUtcY,
    xLabelY: axis.xLabelY,
  };
}

/** Groups of consecutive points, at most `max` of them, for hover columns. */
function hoverGroups(points: readonly ChartPoint[], max: number): ChartPoint[][] {
  const per = Math.max(1, Math.ceil(points.length / Math.max(1, max)));
  const groups: ChartPoint[][] = [];
  for (let i = 0; i < points.length; i += per) groups.push(points.slice(i, i + per));
  return groups;
}

export function hoverColumns(result: Result, frame: Frame, points: readonly ChartPoint[], max: number, describe: (group: readonly ChartPoint[]) => string): HoverColumn[] {
  return hoverGroups(points, max).flatMap((group) => {
    const from = group[0]!.startMs;
    const to = Math.min(group[group.length - 1]!.endMs, frame.endMs);
    if (to <= from) return [];
    const x0 = frame.x(from);
    return [{ x: x0, width: Math.max(0.5, frame.x(to) - x0), title: `${formatInstant(result, from)} – ${formatOffset(to)}: ${describe(group)}` }];
  });
}

export function harnessShades(result: Result, frame: Frame): HarnessShade[] {
  return harnessSpans(result).flatMap((span) => {
    const from = Math.max(frame.fromMs, span.fromMs);
    const to = Math.min(frame.endMs, span.toMs);
    if (to <= from) return [];
    const x0 = frame.x(from);
    return [{ x: x0, width: Math.max(2, frame.x(to) - x0), title: `${formatInstant(result, span.fromMs)} – ${formatOffset(span.toMs)}: ${span.what}` }];
  });
}

function ratioText(ratio: number): string {
  return formatPercent(ratio, REPORT_PERCENT);
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
 * Places each label in the first of `rows` rows where it overlaps no other label, to the right
 * of its line (to the left near the right edge). A label that fits no row is left off the chart
 * and listed in the chart's note, so labels never overlap.
 */
export function layoutMarkers(raw: readonly RawMarker[], x: Scale, firstRowY: number, bounds: { left: number; right: number } = { left: 0, right: WIDE.width }, rows = LABEL_ROWS): { markers: MarkerLine[]; unplaced: RawMarker[] } {
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
    for (let r = 0; r < rows && marker.label; r++) {
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


/** Text boxes already drawn in a plot; a label goes to the first candidate spot that overlaps none. */
class LabelSpace {
  private readonly boxes: { left: number; right: number; top: number; bottom: number }[] = [];

  constructor(private readonly bounds: { left: number; right: number; top: number; bottom: number }) {}

  static box(x: number, y: number, text: string, anchorEnd: boolean, charWidth = CHAR_WIDTH) {
    const width = text.length * charWidth;
    return { left: anchorEnd ? x - width : x, right: anchorEnd ? x : x + width, top: y - 12, bottom: y + 3 };
  }

  take(box: { left: number; right: number; top: number; bottom: number }): boolean {
    const b = this.bounds;
    if (box.left < b.left || box.right > b.right || box.top < b.top || box.bottom > b.bottom) return false;
    if (this.boxes.some((o) => box.left < o.right && o.left < box.right && box.top < o.bottom && o.top < box.bottom)) return false;
    this.boxes.push(box);
    return true;
  }
}

/** The window a check judged, on the run clock: its markers, else its phase. */
function checkWindow(result: Result, check: CheckResult, endMs: number): { from: number; to: number } | undefined {
  const m = check.markers ?? {};
  const from = m.fromMs ?? m.startMs ?? m.faultAppliedMs ?? m.recoveryStartMs ?? m.failbackStartMs;
  if (from === undefined) return undefined;
  const phase = result.phases.find((p) => p.startMs <= from && from < p.endMs);
  return { from, to: Math.min(endMs, m.toMs ?? m.readyAtMs ?? phase?.endMs ?? endMs) };
}

/** Each successRatio check's minimum, drawn across its window (one line per distinct window and minimum). */
function sloThresholds(result: Result, frame: Frame, y: Scale, space: LabelSpace): ThresholdLine[] {
  const lines: ThresholdLine[] = [];
  const seen = new Set<string>();
  for (const check of result.checks) {
    const min = check.expected.min;
    if (check.kind !== 'successRatio' || typeof min !== 'number') continue;
    const window = checkWindow(result, check, frame.endMs);
    if (!window) continue;
    const from = Math.max(frame.fromMs, window.from);
    const to = Math.min(frame.endMs, window.to);
    if (to <= from) continue;
    const key = `${from} ${to} ${min}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const x1 = frame.x(from);
    const x2 = frame.x(to);
    const ly = y(min);
    const text = `SLO ≥ ${formatThreshold(min, REPORT_PERCENT)}`;
    const candidates = [
      { x: x1 + 4, y: ly + 14, anchorEnd: false },
      { x: x1 + 4, y: ly - 4, anchorEnd: false },
      { x: x2 - 4, y: ly + 14, anchorEnd: true },
      { x: x2 - 4, y: ly - 4, anchorEnd: true },
    ];
    const spot = x2 - x1 > text.length * CHAR_WIDTH + 8 ? candidates.find((c) => space.take(LabelSpace.box(c.x, c.y, text, c.anchorEnd))) : undefined;
    lines.push({
      x1,
      x2,
      y: ly,
      cls: `threshold${check.verdict === 'failed' ? ' threshold-failed' : ''}`,
      title: `${check.name}: expected success ≥ ${formatThreshold(min, REPORT_PERCENT)} from ${formatOffset(window.from)} to ${formatOffset(window.to)} (${check.verdict})`,
      ...(spot ? { label: { ...spot, text } } : {}),
    });
  }
  return lines;
}

/** Failed strict checks' windows, shaded, with a label stacked up from the bottom of the plot. */
function failedWindows(result: Result, frame: Frame, top: number, height: number, space: LabelSpace): Highlight[] {
  const highlights: Highlight[] = [];
  for (const check of result.checks) {
    if (check.verdict !== 'failed' || !check.strict || !check.markers) continue;
    const window = checkWindow(result, check, frame.endMs);
    if (!window) continue;
    const from = Math.max(frame.fromMs, window.from);
    const to = Math.min(frame.endMs, window.to);
    if (to < from || window.from > frame.endMs) continue;
    const x0 = frame.x(from);
    const width = Math.max(2, frame.x(to) - x0);
    const label = truncate(`${CHECK_SYMBOL.failed} ${check.name}: ${observedHeadline(check).lines[0]} vs ${expectedHeadline(check).lines[0]}`, frame.right - x0 - 8, 7);
    let labelY = -1;
    for (let row = 0; row < 6 && label; row++) {
      const y = top + height - 8 - row * 16;
      if (space.take(LabelSpace.box(x0 + 4, y, label, false, 7))) {
        labelY = y;
        break;
      }
    }
    highlights.push({ x: x0, width, top, height, title: `${check.name} failed: ${check.reason}`, label: labelY < 0 ? '' : label, labelX: x0 + 4, labelY });
  }
  return highlights;
}

const POD_LANES = [
  { symbol: 'deleted', label: 'deleted' },
  { symbol: 'created', label: 'created' },
  { symbol: 'ready', label: 'ready' },
] as const;
const POD_LANE_GAP = 15;
/** Marks closer than this (px) in one lane are drawn as one, with a count: room for the mark and its `×n`. */
const POD_MARK_SPAN = 30;

/** Pod marks in one lane per kind (so a deletion never hides under a creation), merged when they would touch. */
function podMarksFor(result: Result, frame: Frame, laneTop: number): PodMark[] {
  const marks: PodMark[] = [];
  POD_LANES.forEach((lane, laneIndex) => {
    const y = laneTop + laneIndex * POD_LANE_GAP;
    const inLane = collectPodMarks(result)
      .filter((mark) => mark.symbol === lane.symbol && mark.atMs >= frame.fromMs && mark.atMs <= frame.endMs)
      .sort((a, b) => a.atMs - b.atMs);
    let group: typeof inLane = [];
    const flush = () => {
      if (group.length === 0) return;
      const x = frame.x(group[0]!.atMs);
      marks.push({ x, y, symbol: lane.symbol, title: group.map((mark) => mark.title).join('\n'), ...(group.length > 1 ? { count: `×${group.length}` } : {}) });
      group = [];
    };
    for (const mark of inLane) {
      if (group.length > 0 && frame.x(mark.atMs) - frame.x(group[0]!.atMs) >= POD_MARK_SPAN) flush();
      group.push(mark);
    }
    flush();
  });
  return marks;
}

function resolutionNote(series: ChartSeries, bucketMs: number): string {
  if (series.bucketsPerPoint === 1) return `One point per ${bucketMs} ms bucket.`;
  return `One point per ${formatDuration(series.pointMs)} (${series.bucketsPerPoint} buckets of ${bucketMs} ms merged; counts summed exactly; the thin red line is the worst ${bucketMs} ms bucket in each point).`;
}

function seriesFor(result: Result, canvas: Canvas, window?: { fromMs: number; toMs: number }): ChartSeries {
  return downsampleBuckets(result.timeline.buckets, result.timeline.bucketMs, canvas.maxPoints, window);
}

const SUCCESS_TICKS = [0, 0.5, 0.9, 0.95, 0.99, 1];

/** Success ratio over time with phases, faults, SLO lines, failed windows, harness shading and pod lanes. */
export function timelineChart(result: Result, canvas: Canvas = WIDE, window?: ChartWindow): ChartModel {
  const series = seriesFor(result, canvas, window);
  const tickLabels = SUCCESS_TICKS.map((v) => formatThreshold(v, REPORT_PERCENT));
  const frame = frameFor(result, series, canvas, leftMargin(tickLabels), window);
  const top = 10 + LABEL_ROW * canvas.labelRows;
  const plotHeight = canvas.plotHeight;
  const bottom = top + plotHeight;
  const y = focusRatioScale([bottom, top]);
  const pods = podMarksFor(result, frame, bottom + 16);
  const laneCount = pods.length > 0 ? POD_LANES.length : 0;
  const lanesBottom = laneCount > 0 ? bottom + 16 + (laneCount - 1) * POD_LANE_GAP + 8 : bottom;
  const ratio = linePath(series.points.map((p) => [frame.x(centre(p)), p.total > 0 ? y(p.successes / p.total) : null]));
  const merged = series.bucketsPerPoint > 1;
  const worst = merged ? linePath(series.points.map((p) => [frame.x(centre(p)), p.worstRatio === null ? null : y(p.worstRatio)])) : '';
  // The failed share filled between the success line and 100 %: an outage reads as a red block. The
  // worst-bucket line is drawn on its own: filling to it would paint every point holding one late request.
  const failXs: number[] = [];
  const failLower: number[] = [];
  for (const p of series.points) {
    const low = p.total > 0 ? p.successes / p.total : null;
    for (const at of [p.startMs, Math.min(p.endMs, frame.endMs)]) {
      failXs.push(frame.x(at));
      failLower.push(y(low ?? 1));
    }
  }
  const hasFailures = series.points.some((p) => p.total > p.successes);
  const failedArea = hasFailures ? bandPath(failXs, failLower, failXs.map(() => y(1))) : '';
  const layout = layoutMarkers(collectMarkers(result).filter((m) => m.atMs >= frame.fromMs && m.atMs <= frame.endMs), frame.x, 16, { left: frame.left, right: canvas.width - 8 }, canvas.labelRows);
  const bands = frame.bands(top, plotHeight);
  const space = new LabelSpace({ left: frame.left, right: frame.right, top, bottom });
  for (const band of bands) if (band.label) space.take(LabelSpace.box(band.x + 4, top + 13, band.label, false, BAND_CHAR_WIDTH));
  const thresholds = sloThresholds(result, frame, y, space);
  const highlights = failedWindows(result, frame, top, plotHeight, space);
  const shades = harnessShades(result, frame);
  const bucketMs = result.timeline.bucketMs;
  const hovers = hoverColumns(result, frame, series.points, canvas.maxHovers, (group) => {
    const total = group.reduce((sum, p) => sum + p.total, 0);
    const successes = group.reduce((sum, p) => sum + p.successes, 0);
    const worstRatio = group.reduce<number | null>((min, p) => (p.worstRatio === null ? min : Math.min(min ?? 1, p.worstRatio)), null);
    const seconds = (group[group.length - 1]!.endMs - group[0]!.startMs) / 1000;
    if (total === 0) return 'no requests';
    return `success ${ratioText(successes / total)} of ${formatCount(total)} requests (${formatCount(Math.round((total / seconds) * 10) / 10)} req/s)${worstRatio !== null && worstRatio < successes / total ? `; worst ${bucketMs} ms bucket ${ratioText(worstRatio)}` : ''}`;
  });
  const legend: LegendEntry[] = [
    { label: 'success ratio (%)', cls: 's-success', swatch: 'line' },
    ...(merged ? [{ label: `worst ${bucketMs} ms bucket`, cls: 's-worst', swatch: 'line' as const }] : []),
    ...(hasFailures ? [{ label: 'failed share', cls: 'a-failed', swatch: 'area' as const }] : []),
    ...(thresholds.length > 0 ? [{ label: 'SLO (successRatio minimum)', cls: 'threshold', swatch: 'dash' as const }] : []),
    { label: 'fault applied', cls: 'm-apply', swatch: 'marker' },
    { label: 'fault reverted', cls: 'm-revert', swatch: 'marker' },
    { label: 'failover / recovery / failback / pods ready (from checks)', cls: 'm-check', swatch: 'dash' },
  ];
  if (highlights.length > 0) legend.push({ label: 'failed check window', cls: 'hl-failed', swatch: 'area' });
  if (shades.length > 0) legend.push({ label: 'harness over its bound', cls: 'harness-shade', swatch: 'area' });
  if (layout.markers.some((m) => m.cls === 'm-fail')) legend.push({ label: 'revert failed / guardrail', cls: 'm-fail', swatch: 'marker' });
  if (pods.length > 0) legend.push({ label: 'pod deleted', cls: 'pod-deleted', swatch: 'deleted' }, { label: 'pod created', cls: 'pod-created', swatch: 'created' }, { label: 'pod ready', cls: 'pod-ready', swatch: 'ready' });
  return {
    id: window?.id ?? 'chart-timeline',
    canvas: canvas.name,
    title: window?.title ?? 'Traffic over time',
    summary: `Success ratio over ${window ? `${formatOffset(window.fromMs)} – ${formatOffset(window.toMs)}` : formatTimeTick(frame.endMs)}, with phases, faults, SLO lines, pod events and the failover/recovery instants. The axis magnifies 90–100 %.`,
    ...timeAxes(result, canvas, frame, { top, plotHeight, axisTop: lanesBottom }),
    yTicks: SUCCESS_TICKS.map((v, i) => ({ at: y(v), label: tickLabels[i]! })),
    yLabel: canvas.name === 'narrow' ? 'success %, 90–100 magnified' : 'success (%), 90–100 magnified',
    yBreak: y(0.9),
    bands,
    thresholds,
    harnessShades: shades,
    hovers,
    areas: failedArea ? [{ name: 'failed requests (share)', d: failedArea, cls: 'a-failed' }] : [],
    series: [
      ...(worst ? [{ name: `worst ${bucketMs} ms bucket`, d: worst, cls: 's-worst' }] : []),
      { name: 'success ratio', d: ratio, cls: 's-success' },
    ],
    markers: layout.markers,
    highlights,
    podMarks: pods,
    podLanes: laneCount > 0 ? POD_LANES.map((lane, i) => ({ y: bottom + 16 + i * POD_LANE_GAP, label: lane.label })) : [],
    markerBottom: laneCount > 0 ? lanesBottom : bottom,
    legend,
    note: [
      resolutionNote(series, bucketMs),
      'Success axis: 0–90 % in the bottom quarter, 90–100 % magnified above the break.',
      layout.unplaced.length > 0 ? `Not labelled for lack of room: ${layout.unplaced.map((m) => `${m.label} at ${formatOffset(m.atMs)}`).join('; ')}.` : '',
    ].filter(Boolean).join(' '),
  };
}

function xTitle(result: Result): string {
  return loadStartEpoch(result) === undefined ? 'time since load start' : 'time since load start · UTC';
}

/** Requests per second, on its own axis (not on the success chart's percent axis). */
export function rateChart(result: Result, canvas: Canvas = WIDE): ChartModel {
  const series = seriesFor(result, canvas);
  const seconds = series.pointMs / 1000;
  const maxRate = series.points.reduce((max, p) => Math.max(max, p.total / seconds), 0);
  const rateTop = niceCeiling(Math.max(maxRate * 1.1, 1), 3);
  const ticks = niceTicks(0, rateTop, 3);
  const frame = frameFor(result, series, canvas, leftMargin(ticks.map((v) => formatCount(v))));
  const top = 12;
  const plotHeight = 90;
  const bottom = top + plotHeight;
  const y = linearScale([0, rateTop], [bottom, top]);
  const rate = linePath(series.points.map((p) => [frame.x(centre(p)), y(p.total / seconds)]));
  return {
    id: 'chart-rate',
    canvas: canvas.name,
    title: 'Request rate',
    summary: `Requests per second scheduled by the load driver (target ${result.load.targetRate}).`,
    ...timeAxes(result, canvas, frame, { top, plotHeight }),
    yTicks: ticks.map((v) => ({ at: y(v), label: formatCount(v) })),
    yLabel: 'req/s',
    bands: frame.bands(top, plotHeight),
    thresholds: [],
    harnessShades: harnessShades(result, frame),
    hovers: hoverColumns(result, frame, series.points, canvas.maxHovers, (group) => {
      const total = group.reduce((sum, p) => sum + p.total, 0);
      const span = (group[group.length - 1]!.endMs - group[0]!.startMs) / 1000;
      return `${formatCount(Math.round((total / span) * 10) / 10)} req/s (${formatCount(total)} requests)`;
    }),
    areas: [],
    series: [{ name: 'request rate', d: rate, cls: 's-rate' }],
    markers: collectMarkers(result).map((m) => ({ x: frame.x(m.atMs), label: '', title: m.title, cls: m.cls })),
    highlights: [],
    podMarks: [],
    podLanes: [],
    markerBottom: bottom,
    legend: [{ label: 'request rate (req/s)', cls: 's-rate', swatch: 'line' }],
    note: `Dropped requests (in-flight cap) count as scheduled. ${resolutionNote(series, result.timeline.bucketMs).replace(/ \(.*$/, '.')}`,
  };
}

/** A log axis when latencies span more than 30×, else linear from 0; fewer ticks on a short plot. */
function latencyAxis(low: number, high: number, top: number, bottom: number): { y: Scale; ticks: number[]; useLog: boolean } {
  const useLog = high > 0 && low > 0 && low !== Infinity && high / low > 30;
  if (useLog) {
    const d0 = 10 ** Math.floor(Math.log10(low));
    const d1 = 10 ** Math.ceil(Math.log10(high));
    let ticks = logTicks(d0, d1);
    // Three ticks per decade crowd a short plot: keep the powers of ten there.
    if ((bottom - top) / ticks.length < 18) ticks = ticks.filter((v) => Number.isInteger(Math.log10(v)));
    return { y: logScale([d0, d1], [bottom, top]), ticks, useLog };
  }
  const d1 = niceCeiling(Math.max(high * 1.05, 1));
  return { y: linearScale([0, d1], [bottom, top]), ticks: niceTicks(0, d1, 4), useLog };
}

/** A chart's view of part of the run (a zoom around a fault), with its own id and title. */
export interface ChartWindow {
  readonly fromMs: number;
  readonly toMs: number;
  readonly id: string;
  readonly title: string;
}

/** Fault and check markers as thin lines without labels; a zoom keeps those inside its window. */
function plainMarkers(result: Result, frame: Frame, window: ChartWindow | undefined): MarkerLine[] {
  const inside = window ? collectMarkers(result).filter((m) => m.atMs >= frame.fromMs && m.atMs <= frame.endMs) : collectMarkers(result);
  return inside.map((m) => ({ x: frame.x(m.atMs), label: '', title: m.title, cls: m.cls }));
}

export function latencyChart(result: Result, canvas: Canvas = WIDE, window?: ChartWindow): ChartModel {
  const windowed = result.timeline.latencyWindows;
  if (windowed && windowed.windows.length > 0) {
    // a window is drawn at its middle: a zoom keeps those whose middle it shows
    const shown = window ? { ...windowed, windows: windowed.windows.filter((w) => (w.fromMs + w.toMs) / 2 >= window.fromMs && (w.fromMs + w.toMs) / 2 <= window.toMs) } : windowed;
    if (shown.windows.length > 0) return windowedLatencyChart(result, canvas, shown, window);
  }
  const series = seriesFor(result, canvas, window);
  const withLatency = series.points.filter((p) => p.latency !== null);
  const low = withLatency.reduce((min, p) => Math.min(min, p.latency!.p50), Infinity);
  // A merged point also draws its buckets' maximum: the envelope that a spike cannot hide under.
  const merged = series.bucketsPerPoint > 1;
  const high = withLatency.reduce((max, p) => Math.max(max, merged ? p.latency!.max : p.latency!.p99), 0);
  const plot = latencyPlot(result, canvas, series, low, high, window);
  const { frame, y, useLog } = plot;
  const path = (pick: (l: NonNullable<ChartPoint['latency']>) => number) =>
    linePath(series.points.map((p) => [frame.x(centre(p)), p.latency ? y(pick(p.latency)) : null]));
  const hovers = hoverColumns(result, frame, series.points, canvas.maxHovers, (group) => {
    const n = group.reduce((sum, p) => sum + (p.latency ? p.total : 0), 0);
    const l = group.reduce<NonNullable<ChartPoint['latency']> | null>((acc, p) => (!p.latency ? acc : !acc ? p.latency : { p50: Math.max(acc.p50, p.latency.p50), p95: Math.max(acc.p95, p.latency.p95), p99: Math.max(acc.p99, p.latency.p99), max: Math.max(acc.max, p.latency.max) }), null);
    if (!l) return 'no latency (no request completed)';
    return `p50 ${formatDuration(l.p50)} · p95 ${formatDuration(l.p95)} · p99 ${formatDuration(l.p99)} · max ${formatDuration(l.max)} (n = ${formatCount(n)}${n < 100 ? '; under 100 samples p99 is the maximum' : ''})`;
  });
  return latencyModel(result, canvas, plot, window, {
    title: 'Latency per bucket',
    summary: `p50, p95 and p99 latency from the scheduled time${window ? ` over ${formatOffset(window.fromMs)} – ${formatOffset(window.toMs)}` : ''}, ${useLog ? 'log' : 'linear'} scale; the sample count of each point is in its hover title.`,
    hovers,
    series: [
      { name: 'p50', d: path((l) => l.p50), cls: 's-p50' },
      { name: 'p95', d: path((l) => l.p95), cls: 's-p95' },
      { name: 'p99', d: path((l) => l.p99), cls: 's-p99' },
      ...(merged ? [{ name: 'max', d: path((l) => l.max), cls: 's-max' }] : []),
    ],
    legend: [
      { label: 'p50', cls: 's-p50', swatch: 'line' },
      { label: 'p95', cls: 's-p95', swatch: 'line' },
      { label: 'p99', cls: 's-p99', swatch: 'line' },
      ...(merged ? [{ label: 'max of merged buckets', cls: 's-max', swatch: 'line' as const }] : []),
    ],
    note:
      series.bucketsPerPoint > 1
        ? `${resolutionNote(series, result.timeline.bucketMs).replace(/ \(.*$/, '.')} A merged point shows the highest percentile of its buckets. Latency is measured from the scheduled send time; failed requests count too.`
        : `${resolutionNote(series, result.timeline.bucketMs)} Latency is measured from the scheduled send time (no coordinated omission); failed requests count too. With fewer than 20 samples in a bucket its p95 and p99 are its maximum.`,
  });
}

/** The latency charts' plot: its vertical extent, axis (log past 30×) and time frame. */
interface LatencyPlot {
  readonly top: number;
  readonly bottom: number;
  readonly plotHeight: number;
  readonly y: Scale;
  readonly ticks: readonly number[];
  readonly tickLabels: readonly string[];
  readonly useLog: boolean;
  readonly frame: Frame;
}

function latencyPlot(result: Result, canvas: Canvas, series: ChartSeries, low: number, high: number, window: ChartWindow | undefined): LatencyPlot {
  const top = 16;
  const plotHeight = Math.round(canvas.plotHeight * 0.83);
  const bottom = top + plotHeight;
  const { y, ticks, useLog } = latencyAxis(low, high, top, bottom);
  const tickLabels = ticks.map((v) => formatDuration(v));
  const frame = frameFor(result, series, canvas, leftMargin(tickLabels), window);
  return { top, bottom, plotHeight, y, ticks, tickLabels, useLog, frame };
}

/** A latency chart's model: what differs between the per-bucket and the windowed drawings is in `parts`. */
function latencyModel(
  result: Result,
  canvas: Canvas,
  plot: LatencyPlot,
  window: ChartWindow | undefined,
  parts: Pick<ChartModel, 'title' | 'summary' | 'hovers' | 'series' | 'legend' | 'note'>,
): ChartModel {
  const { top, bottom, plotHeight, y, ticks, tickLabels, useLog, frame } = plot;
  return {
    id: window?.id ?? 'chart-latency',
    canvas: canvas.name,
    title: window?.title ?? parts.title,
    summary: parts.summary,
    ...timeAxes(result, canvas, frame, { top, plotHeight }),
    yTicks: ticks.map((v, i) => ({ at: y(v), label: tickLabels[i]! })),
    yLabel: `latency${useLog ? ' (log scale)' : ''}`,
    bands: frame.bands(top, plotHeight),
    thresholds: [],
    harnessShades: harnessShades(result, frame),
    hovers: parts.hovers,
    areas: [],
    series: parts.series,
    markers: plainMarkers(result, frame, window),
    highlights: [],
    podMarks: [],
    podLanes: [],
    markerBottom: bottom,
    legend: parts.legend,
    note: parts.note,
  };
}

type LatencyWindows = NonNullable<Result['timeline']['latencyWindows']>;
type WindowLatency = NonNullable<LatencyWindows['windows'][number]['success']>;

/** Latency of successful and of failed requests apart, over windows that hold enough samples (result.timeline.latencyWindows). */
function windowedLatencyChart(result: Result, canvas: Canvas, windowed: LatencyWindows, window?: ChartWindow): ChartModel {
  const windows = windowed.windows;
  const values = windows.flatMap((w) => [w.success, w.failure]).filter((l): l is WindowLatency => l !== null);
  const low = values.reduce((min, l) => Math.min(min, l.p50), Infinity);
  const high = values.reduce((max, l) => Math.max(max, l.p99), 0);
  // The frame needs points only for its end: one per window, counts unused.
  const points: ChartPoint[] = windows.map((w) => ({ startMs: w.fromMs, endMs: w.toMs, total: (w.success?.n ?? 0) + (w.failure?.n ?? 0), successes: w.success?.n ?? 0, failures: w.failure?.n ?? 0, servedBy: {}, worstRatio: null, latency: null }));
  const plot = latencyPlot(result, canvas, { points, pointMs: 0, bucketsPerPoint: 1 }, low, high, window);
  const { frame, y, useLog } = plot;
  const mid = (w: LatencyWindows['windows'][number]) => frame.x((w.fromMs + w.toMs) / 2);
  const path = (side: 'success' | 'failure', pick: (l: WindowLatency) => number) => linePath(windows.map((w) => [mid(w), w[side] ? y(pick(w[side])) : null]));
  const per = Math.max(1, Math.ceil(windows.length / canvas.maxHovers));
  const hovers: HoverColumn[] = [];
  for (let i = 0; i < windows.length; i += per) {
    const group = windows.slice(i, i + per);
    const from = Math.max(group[0]!.fromMs, frame.fromMs);
    const to = Math.min(group[group.length - 1]!.toMs, frame.endMs);
    const x0 = frame.x(from);
    const describe = (side: 'success' | 'failure') => {
      const all = group.map((w) => w[side]).filter((l): l is WindowLatency => l !== null);
      if (all.length === 0) return side === 'success' ? 'no successful request' : 'no failed request';
      const n = all.reduce((sum, l) => sum + l.n, 0);
      const top = (pick: (l: WindowLatency) => number) => formatDuration(Math.max(...all.map(pick)));
      return `${side === 'success' ? 'succeeded' : 'failed'}: p50 ${top((l) => l.p50)} · p95 ${top((l) => l.p95)} · p99 ${top((l) => l.p99)} (n = ${formatCount(n)})`;
    };
    hovers.push({ x: x0, width: Math.max(0.5, frame.x(to) - x0), title: `${formatInstant(result, from)} – ${formatOffset(to)}: ${describe('success')}; ${describe('failure')}` });
  }
  const hasFailures = windows.some((w) => w.failure !== null);
  const short = windows.filter((w) => w.success !== null && w.success.n < windowed.minSamples).length;
  return latencyModel(result, canvas, plot, window, {
    title: 'Latency',
    summary: `Latency of successful requests (p50, p95, p99) and of failed ones apart${window ? ` over ${formatOffset(window.fromMs)} – ${formatOffset(window.toMs)}` : ''}, ${useLog ? 'log' : 'linear'} scale, over windows of at least ${windowed.minSamples} successful samples; each window's n is in its hover title.`,
    hovers,
    series: [
      ...(hasFailures ? [{ name: 'failed p50', d: path('failure', (l) => l.p50), cls: 's-failed-latency' }] : []),
      { name: 'p50', d: path('success', (l) => l.p50), cls: 's-p50' },
      { name: 'p95', d: path('success', (l) => l.p95), cls: 's-p95' },
      { name: 'p99', d: path('success', (l) => l.p99), cls: 's-p99' },
    ],
    legend: [
      { label: 'p50 (succeeded)', cls: 's-p50', swatch: 'line' },
      { label: 'p95 (succeeded)', cls: 's-p95', swatch: 'line' },
      { label: 'p99 (succeeded)', cls: 's-p99', swatch: 'line' },
      ...(hasFailures ? [{ label: 'p50 of failed requests', cls: 's-failed-latency', swatch: 'line' as const }] : []),
    ],
    note: `${windows.length} windows, each grown until it held ${windowed.minSamples} successful samples (at most 10 s)${short > 0 ? `; ${short} could not reach that (quiet or failing stretches)` : ''}. Latency is measured from the scheduled send time (no coordinated omission). Dropped requests have no latency.`,
  });
}

/**
 * Stacked share of all requests per serving instance group, plus failures that named no server and
 * successes that named none (so an outage shows as a failed block, never as a gap); undefined when
 * no response named a server and no served-by header was asked for.
 */
export function servedByChart(result: Result, canvas: Canvas = WIDE): ChartModel | undefined {
  const series = seriesFor(result, canvas);
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
  const shareTicks = [0, 0.5, 1];
  const frame = frameFor(result, series, canvas, leftMargin(shareTicks.map((v) => formatThreshold(v, REPORT_PERCENT))));
  const top = 16;
  const plotHeight = Math.round(canvas.plotHeight * 0.65);
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
    canvas: canvas.name,
    title: 'Served by',
    summary: 'Share of all requests per serving instance group, stacked; requests that failed without naming a server are their own slice.',
    ...timeAxes(result, canvas, frame, { top, plotHeight }),
    yTicks: shareTicks.map((v) => ({ at: y(v), label: formatThreshold(v, REPORT_PERCENT) })),
    yLabel: canvas.name === 'narrow' ? 'share (%)' : 'share of requests (%)',
    bands: frame.bands(top, plotHeight).map((band) => ({ ...band, cls: `${band.cls} band-outline`, label: '' })),
    thresholds: [],
    harnessShades: [],
    hovers: hoverColumns(result, frame, series.points, canvas.maxHovers, (group) => {
      const servedBy: Record<string, number> = {};
      for (const p of group) for (const [name, n] of Object.entries(p.servedBy)) servedBy[name] = (servedBy[name] ?? 0) + n;
      const total = group.reduce((sum, p) => sum + p.total, 0);
      const failedWithoutServer = group.reduce((sum, p) => sum + (p.failedWithoutServer ?? 0), 0);
      if (total === 0) return 'no requests';
      return servedBySlices({ total, servedBy, failedWithoutServer }).slice(0, 5).map((slice) => `${slice.name} ${ratioText(slice.count / total)}`).join(', ');
    }),
    areas,
    series: [],
    markers: collectMarkers(result).map((m) => ({ x: frame.x(m.atMs), label: '', title: m.title, cls: m.cls })),
    highlights: [],
    podMarks: [],
    podLanes: [],
    markerBottom: bottom,
    legend: keys.map((key, i) => {
      if (key === FAILED_SLICE || key === UNNAMED_SLICE) return { label: key, cls: areas[i]!.cls, swatch: 'area' as const };
      const pods = key === undefined ? 0 : (podsPerGroup.get(key)?.size ?? 0);
      return { label: key === undefined ? 'other' : pods > 1 || (pods === 1 && !podsPerGroup.get(key)!.has(key)) ? `${key} (${pods} pod${pods === 1 ? '' : 's'})` : key, cls: areas[i]!.cls, swatch: 'area' as const };
    }),
    note: `${result.load.servedByHeader ? `From the ${result.load.servedByHeader} response header, ` : ''}pods grouped by name (<group>-<hash>-<suffix>); per-pod shares are in the table below. Gaps are times without requests.`,
  };
}

/** Zoom windows of ±`padMs` around each fault's apply and revert, merged when they overlap. */
export function faultWindows(result: Result, padMs = 30_000): { fromMs: number; toMs: number }[] {
  const endMs = result.phases[result.phases.length - 1]?.endMs ?? result.durationMs;
  const spans = result.faults
    .flatMap((fault) => [fault.appliedMs, fault.kind === 'pod-kill' ? undefined : fault.revertedMs])
    .filter((at): at is number => at !== undefined)
    .map((at) => ({ fromMs: Math.max(0, at - padMs), toMs: Math.min(endMs, at + padMs) }))
    .sort((a, b) => a.fromMs - b.fromMs);
  const merged: { fromMs: number; toMs: number }[] = [];
  for (const span of spans) {
    const last = merged[merged.length - 1];
    if (last && span.fromMs <= last.toMs) last.toMs = Math.max(last.toMs, span.toMs);
    else merged.push({ ...span });
  }
  return merged.filter((span) => span.toMs > span.fromMs);
}

/** Runs whose chart merges buckets get a full-resolution view around each fault (at most `limit`). */
export function zoomFigures(result: Result, limit = 6): ChartFigure[] {
  const merged = downsampleBuckets(result.timeline.buckets, result.timeline.bucketMs, WIDE.maxPoints).bucketsPerPoint > 1;
  if (!merged) return [];
  return faultWindows(result).slice(0, limit).flatMap((span, i) => {
    const around = `${formatOffset(span.fromMs)} – ${formatOffset(span.toMs)}`;
    return [
      chartFigure((canvas) => timelineChart(result, canvas, { ...span, id: `chart-zoom-${i + 1}`, title: `Around the fault at ${around}` })),
      chartFigure((canvas) => latencyChart(result, canvas, { ...span, id: `chart-zoom-latency-${i + 1}`, title: `Latency around the fault at ${around}` })),
    ];
  });
}

/** Every chart of the report, each drawn for every canvas. */
export function reportCharts(result: Result): { timeline: ChartFigure; rate: ChartFigure; latency: ChartFigure; servedBy?: ChartFigure; zooms: ChartFigure[] } {
  const servedBy = servedByChart(result, WIDE) ? chartFigure((canvas) => servedByChart(result, canvas)!) : undefined;
  return {
    timeline: chartFigure((canvas) => timelineChart(result, canvas)),
    rate: chartFigure((canvas) => rateChart(result, canvas)),
    latency: chartFigure((canvas) => latencyChart(result, canvas)),
    ...(servedBy ? { servedBy } : {}),
    zooms: zoomFigures(result),
  };
}
