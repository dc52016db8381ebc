/**
 * "Failures over time, by kind": a small panel under the traffic chart, failures per second
 * stacked by failure kind, on the same time axis (same frame and point width as the other charts).
 */
import type { Result } from '../../result/result.ts';
import { FAILURE_KINDS, type FailureKind } from '../../load/sample.ts';
import { formatCount } from '../format.ts';
import { type ChartSeries, downsampleBuckets } from './chart-data.ts';
import { type Canvas, type ChartModel, frameFor, harnessShades, hoverColumns, leftMargin, timeAxes, WIDE } from './charts.ts';
import { bandPath, linearScale, niceCeiling, niceTicks } from './scales.ts';

/** How each kind reads in the legend. */
export const FAILURE_KIND_LABEL: Readonly<Record<FailureKind, string>> = {
  http_status: 'bad HTTP status',
  timeout: 'timeout',
  connection_refused: 'connection refused',
  connection_reset: 'connection reset',
  dropped: 'dropped (in-flight cap)',
  other: 'other (success rule, transport)',
};

/** Failures per chart point and kind, summed exactly from the buckets (same merging as `series`). */
export function failuresPerPoint(result: Result, series: ChartSeries): Partial<Record<FailureKind, number>>[] {
  const perPoint = series.points.map((): Partial<Record<FailureKind, number>> => ({}));
  for (const bucket of result.timeline.buckets) {
    const slot = perPoint[Math.floor(bucket.index / series.bucketsPerPoint)];
    if (!slot) continue;
    for (const [kind, n] of Object.entries(bucket.failures) as [FailureKind, number][]) slot[kind] = (slot[kind] ?? 0) + n;
  }
  return perPoint;
}

/** Undefined when no request failed. Drawn per canvas like the other charts (charts.ts CANVASES). */
export function failuresChart(result: Result, canvas: Canvas = WIDE): ChartModel | undefined {
  const series = downsampleBuckets(result.timeline.buckets, result.timeline.bucketMs, canvas.maxPoints);
  const perPoint = failuresPerPoint(result, series);
  const kinds = FAILURE_KINDS.filter((kind) => perPoint.some((p) => (p[kind] ?? 0) > 0));
  if (kinds.length === 0) return undefined;
  const top = 12;
  const plotHeight = 110;
  const bottom = top + plotHeight;
  const seconds = series.pointMs / 1000;
  const maxRate = perPoint.reduce((max, p) => Math.max(max, kinds.reduce((sum, kind) => sum + (p[kind] ?? 0), 0) / seconds), 0);
  const yTop = niceCeiling(maxRate);
  const y = linearScale([0, yTop], [bottom, top]);
  const yTicks = niceTicks(0, yTop, 3);
  const frame = frameFor(result, series, canvas, leftMargin(yTicks.map((v) => formatCount(v))));
  const xs: number[] = [];
  const rates: number[][] = kinds.map(() => []);
  series.points.forEach((point, i) => {
    for (const at of [point.startMs, Math.min(point.endMs, frame.endMs)]) {
      xs.push(frame.x(at));
      kinds.forEach((kind, k) => rates[k]!.push((perPoint[i]![kind] ?? 0) / seconds));
    }
  });
  let lower = xs.map(() => y(0));
  let cumulative = xs.map(() => 0);
  const areas = kinds.map((kind, k) => {
    cumulative = cumulative.map((c, j) => c + rates[k]![j]!);
    const upper = cumulative.map((c) => y(c));
    const d = bandPath(xs, lower, upper);
    lower = upper;
    return { name: FAILURE_KIND_LABEL[kind], d, cls: `fk fk-${kind}` };
  });
  const totals = kinds.map((kind) => perPoint.reduce((sum, p) => sum + (p[kind] ?? 0), 0));
  const indexOf = new Map(series.points.map((point, i) => [point, i]));
  const describe = (group: readonly (typeof series.points)[number][]): string => {
    const counts = kinds.map((kind) => [kind, group.reduce((sum, point) => sum + (perPoint[indexOf.get(point)!]![kind] ?? 0), 0)] as const).filter(([, n]) => n > 0);
    return counts.length === 0 ? 'no failures' : counts.map(([kind, n]) => `${FAILURE_KIND_LABEL[kind]} ${formatCount(n)}`).join(', ');
  };
  return {
    id: 'chart-failures',
    canvas: canvas.name,
    title: 'Failures over time, by kind',
    summary: 'Failed requests per second, stacked by why they failed (attributed to when they were scheduled).',
    ...timeAxes(result, canvas, frame, { top, plotHeight }),
    yTicks: yTicks.map((v) => ({ at: y(v), label: formatCount(v) })),
    yLabel: 'failures/s',
    thresholds: [],
    harnessShades: harnessShades(result, frame),
    hovers: hoverColumns(result, frame, series.points, canvas.maxHovers, describe),
    bands: frame.bands(top, plotHeight).map((band) => ({ ...band, label: '', cls: `${band.cls} band-outline` })),
    areas,
    series: [],
    markers: [],
    highlights: [],
    podMarks: [],
    podLanes: [],
    markerBottom: bottom,
    legend: kinds.map((kind, k) => ({ label: `${FAILURE_KIND_LABEL[kind]} (${formatCount(totals[k]!)})`, cls: `fk fk-${kind}`, swatch: 'area' as const })),
  };
}
