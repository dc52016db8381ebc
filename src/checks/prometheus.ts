/**
 * prometheus: a PromQL query over a phase (or a `from`/`to` window of it), with the variables of
 * src/prometheus/variables.ts filled in, compared with `min` / `max`.
 *
 * - mode `instant` (default): one instant query at the window's end; every series must be in bounds.
 * - mode `forAll`: a range query over the window (step: `step`, default the scrape interval); every
 *   point of every series must be in bounds.
 * Scrape lag: the query waits (bounded, abortable) until one scrape interval plus a margin after the
 * window's end. No series, or only NaN values: inconclusive, with the query shown; never passed.
 * `observed` carries the query exactly as sent and the value(s) it returned.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { ResolvedCheck, Scope } from '../experiment/resolved.ts';
import { Duration, NonEmpty, PhaseName, strict, WindowFields } from '../experiment/schema-parts.ts';
import type { FieldPath } from '../experiment/yaml-source.ts';
import type { PromSample, PromSeries } from '../prometheus/client.ts';
import { promDuration, unixSeconds } from '../prometheus/duration.ts';
import type { PrometheusConnection } from '../prometheus/open.ts';
import { substituteVariables, unknownVariables, QUERY_VARIABLES, type QueryWindow } from '../prometheus/variables.ts';
import { queryWindow, waitForScrape } from '../prometheus/window.ts';
import type { CheckResult } from '../result/result.ts';
import type { CheckContext, CheckKind, CheckResolveEnv } from './check-kind.ts';
import { formatDuration } from '../format/duration.ts';
import { describeScope } from './scope.ts';

const PrometheusSchema = Type.Object(
  {
    query: NonEmpty(`PromQL; variables: ${QUERY_VARIABLES.map((v) => `$${v}`).join(', ')}.`),
    phase: PhaseName,
    ...WindowFields,
    min: Type.Optional(Type.Number({ description: 'Every value must be at least this.' })),
    max: Type.Optional(Type.Number({ description: 'Every value must be at most this.' })),
    mode: Type.Optional(Type.Union([Type.Literal('instant'), Type.Literal('forAll')], { description: 'instant: at the window end (default); forAll: every step over the window.' })),
    step: Type.Optional(Duration('forAll: the range query step (default: the scrape interval).')),
  },
  strict,
);

export interface PrometheusCheckSpec {
  readonly kind: 'prometheus';
  readonly query: string;
  readonly scope: Scope;
  readonly min?: number;
  readonly max?: number;
  readonly mode: 'instant' | 'forAll';
  readonly stepMs?: number;
  readonly namespace: string;
  /** The window's planned length and its phase's (preflight parses the query with them). */
  readonly plannedRangeMs: number;
  readonly plannedPhaseMs: number;
}

/** Semantic checks shared with the shorthands: target.prometheus is there, the window fits its phase. */
export function resolvePrometheusScope(env: CheckResolveEnv, path: FieldPath, spec: { phase: string; from?: string; to?: string }): { scope: Scope; plannedRangeMs: number; plannedPhaseMs: number; namespace: string } | undefined {
  if (!env.target.prometheus) env.ctx.error(path, 'a Prometheus check needs target.prometheus ({ url } or { embedded: true })', 'key');
  const scope = env.resolveScope(path, spec);
  const phase = scope && env.phases.find((p) => p.name === scope.phase);
  if (!scope || !phase || !env.target.prometheus) return undefined;
  const plannedRangeMs = (scope.toMs ?? phase.durationMs) - (scope.fromMs ?? 0);
  if (plannedRangeMs <= 0) {
    env.ctx.error([...path, 'phase'], `phase "${phase.name}" has no duration to query over`);
    return undefined;
  }
  return { scope, plannedRangeMs, plannedPhaseMs: phase.durationMs, namespace: env.target.kubernetes?.namespace ?? 'default' };
}

/** A window of the planned length ending now: what preflight substitutes to parse a query. */
export function plannedWindow(spec: { plannedRangeMs: number; plannedPhaseMs: number; namespace: string }, scrapeIntervalMs: number, now = Date.now()): QueryWindow {
  return { startMs: now - spec.plannedRangeMs, endMs: now, phaseStartMs: now - spec.plannedPhaseMs, phaseEndMs: now, scrapeIntervalMs, namespace: spec.namespace };
}

/** Problems with queries before any fault: target.prometheus opened, each query parses. */
export async function preflightQueries(queries: readonly string[], spec: { plannedRangeMs: number; plannedPhaseMs: number; namespace: string }, prometheus: PrometheusConnection | undefined, signal: AbortSignal): Promise<string[]> {
  if (!prometheus) return ['target.prometheus is not open'];
  const problems: string[] = [];
  for (const query of queries) {
    const sent = substituteVariables(query, plannedWindow(spec, prometheus.scrapeIntervalMs));
    const error = await prometheus.client.parseError(sent, signal);
    if (error !== undefined) problems.push(`query does not parse: ${error}; query: ${sent}`);
  }
  return problems;
}

export const prometheusCheck: CheckKind<Static<typeof PrometheusSchema>, PrometheusCheckSpec> = {
  key: 'prometheus',
  schema: PrometheusSchema,
  resolve(env, path, spec) {
    if (spec.min === undefined && spec.max === undefined) env.ctx.error(path, 'set "min", "max" or both', 'key');
    if (spec.min !== undefined && spec.max !== undefined && spec.min > spec.max) env.ctx.error([...path, 'min'], `min ${spec.min} is above max ${spec.max}`);
    const unknown = typeof spec.query === 'string' ? unknownVariables(spec.query) : [];
    if (unknown.length > 0) env.ctx.error([...path, 'query'], `unknown variable${unknown.length > 1 ? 's' : ''} ${unknown.map((v) => `$${v}`).join(', ')}; known: ${QUERY_VARIABLES.map((v) => `$${v}`).join(', ')}`);
    const mode = spec.mode ?? 'instant';
    if (spec.step !== undefined && mode !== 'forAll') env.ctx.error([...path, 'step'], '"step" is for mode: forAll', 'key');
    const stepMs = env.ctx.ms(spec.step);
    if (stepMs !== undefined && stepMs < 1) env.ctx.error([...path, 'step'], 'step must be longer than 0');
    const window = resolvePrometheusScope(env, path, spec);
    if (!window || (spec.min === undefined && spec.max === undefined) || unknown.length > 0) return undefined;
    return {
      kind: 'prometheus',
      query: spec.query,
      ...window,
      ...(spec.min !== undefined ? { min: spec.min } : {}),
      ...(spec.max !== undefined ? { max: spec.max } : {}),
      mode,
      ...(stepMs !== undefined ? { stepMs } : {}),
    };
  },
  defaultName: (spec) => `prometheus ${boundText(spec)} ${spec.mode === 'forAll' ? 'for all of' : 'at end of'} ${describeScope(spec.scope).replace(/^in /, '')}: ${spec.query.length > 60 ? `${spec.query.slice(0, 57)}...` : spec.query}`,
  preflight: (check, { target, signal }) => preflightQueries([check.spec.query], check.spec, target.prometheus, signal),
  evaluate: (check, context) => evaluatePrometheus(check, context),
};

function boundText(spec: { min?: number; max?: number }): string {
  if (spec.min !== undefined && spec.max !== undefined) return `in [${spec.min}, ${spec.max}]`;
  return spec.min !== undefined ? `≥ ${spec.min}` : `≤ ${spec.max}`;
}

function inBounds(value: number, spec: { min?: number; max?: number }): boolean {
  return (spec.min === undefined || value >= spec.min) && (spec.max === undefined || value <= spec.max);
}

/** How far out of bounds (≤ 0 inside): picks the worst value of a set. */
function badness(value: number, spec: { min?: number; max?: number }): number {
  return Math.max(spec.min === undefined ? -Infinity : spec.min - value, spec.max === undefined ? -Infinity : value - spec.max);
}

/** `{destination_service="payments…",reporter="source"}`, `{}` for a scalar. */
export function seriesKey(labels: Readonly<Record<string, string>>): string {
  return `{${Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
    .join(',')}}`;
}

const MAX_SERIES_SHOWN = 20;

/** Waits for the window's scrape, or explains why the check cannot run. */
export async function prepareWindow(
  check: ResolvedCheck<{ kind: string; scope: Scope; namespace: string }>,
  context: CheckContext,
): Promise<{ prometheus: PrometheusConnection; window: NonNullable<ReturnType<typeof queryWindow>>; waitedMs: number } | CheckResult> {
  const base = { name: check.name, kind: check.spec.kind, strict: check.strict };
  const prometheus = context.target?.prometheus;
  const expected = { scope: describeScope(check.spec.scope) };
  if (!prometheus) return { ...base, verdict: 'inconclusive', reason: 'target.prometheus is not open (a re-evaluation cannot query it)', observed: {}, expected };
  // The run's signal is aborted (interrupt, guardrail, harness error): a check that waits on a system must not start.
  if (context.signal.aborted) return { ...base, verdict: 'inconclusive', reason: 'the run was aborted before its end; Prometheus was not queried', observed: {}, expected };
  const window = queryWindow(check.spec.scope, context, prometheus.scrapeIntervalMs, check.spec.namespace);
  if (!window) return { ...base, verdict: 'inconclusive', reason: `phase "${check.spec.scope.phase}" did not run (or its window is empty)`, observed: {}, expected };
  const waitedMs = await waitForScrape(window.endMs, prometheus.scrapeIntervalMs, context.signal);
  if (waitedMs === undefined) return { ...base, verdict: 'inconclusive', reason: 'interrupted while waiting for the window to be scraped', observed: {}, expected };
  return { prometheus, window, waitedMs };
}

async function evaluatePrometheus(check: ResolvedCheck<PrometheusCheckSpec>, context: CheckContext): Promise<CheckResult> {
  const { spec } = check;
  const base = { name: check.name, kind: spec.kind, strict: check.strict };
  const expected = { ...(spec.min !== undefined ? { min: spec.min } : {}), ...(spec.max !== undefined ? { max: spec.max } : {}), mode: spec.mode, scope: describeScope(spec.scope) };
  const prepared = await prepareWindow(check, context);
  if (!('window' in prepared)) return { ...prepared, expected };
  const { prometheus, window, waitedMs } = prepared;
  const query = substituteVariables(spec.query, window);
  const markers = { fromMs: window.fromMs, toMs: window.toMs };
  const common = { query, windowStart: new Date(window.startMs).toISOString(), windowEnd: new Date(window.endMs).toISOString(), waitedMs, scrapeIntervalMs: prometheus.scrapeIntervalMs };

  let values: { key: string; value: number }[];
  let where: string;
  let extra: Record<string, number | string>;
  let ranges: PromSeries[] = [];
  if (spec.mode === 'instant') {
    const time = unixSeconds(window.endMs);
    const samples: PromSample[] = await prometheus.client.instant(query, time, context.signal);
    values = samples.map((s) => ({ key: seriesKey(s.labels), value: s.value }));
    where = `at the window end (${common.windowEnd})`;
    extra = { time };
  } else {
    const stepMs = spec.stepMs ?? prometheus.scrapeIntervalMs;
    const start = unixSeconds(window.startMs);
    const end = unixSeconds(window.endMs);
    const step = String(stepMs / 1000);
    const series: PromSeries[] = await prometheus.client.range(query, start, end, step, context.signal);
    ranges = series;
    values = series.flatMap((s) => s.points.map(([, value]) => ({ key: seriesKey(s.labels), value })));
    where = `every ${promDuration(stepMs)} over ${formatDuration(window.endMs - window.startMs)}`;
    extra = { start, end, step, points: values.length };
  }
  const numeric = values.filter((v) => !Number.isNaN(v.value));
  const series: Record<string, number> = {};
  for (const v of [...numeric].sort((a, b) => badness(b.value, spec) - badness(a.value, spec))) {
    if (!(v.key in series) && Object.keys(series).length < MAX_SERIES_SHOWN) series[v.key] = v.value;
  }
  const rangeSeries = ranges.length > 0 ? { rangeSeries: worstSeries(ranges, spec, context.runStartEpochMs) } : {};
  if (numeric.length === 0) {
    const why = values.length === 0 ? 'returned no series' : 'returned only NaN (no data in the window, e.g. 0/0)';
    return { ...base, verdict: 'inconclusive', reason: `the query ${why} ${where}: ${query}`, observed: { value: null, ...common, ...extra, series }, expected, markers, ...rangeSeries };
  }
  const worst = numeric.reduce((a, b) => (badness(b.value, spec) > badness(a.value, spec) ? b : a));
  const violations = numeric.filter((v) => !inBounds(v.value, spec)).length;
  const ok = violations === 0;
  const seriesCount = new Set(numeric.map((v) => v.key)).size;
  const counted = spec.mode === 'forAll' ? `${numeric.length} points of ${seriesCount} series` : `${seriesCount} series`;
  const reason = ok
    ? `worst value ${fmt(worst.value)} ${boundText(spec)} ${where} (${counted})`
    : `${fmt(worst.value)}${seriesCount > 1 ? ` (${worst.key})` : ''} is not ${boundText(spec)} ${where}; ${violations} of ${counted} out of bounds`;
  return { ...base, verdict: ok ? 'passed' : 'failed', reason, observed: { value: worst.value, ...common, ...extra, series }, expected, markers, ...rangeSeries };
}

const RANGE_SERIES_KEPT = 5;
const RANGE_POINTS_KEPT = 500;

/**
 * The series of a range query as the result keeps them: the worst first (by their worst point),
 * on the run clock, NaN as null. A longer series keeps every k-th point and every point out of bounds.
 */
function worstSeries(series: readonly PromSeries[], spec: { min?: number; max?: number }, runStartEpochMs: number): NonNullable<CheckResult['rangeSeries']> {
  const worstOf = (s: PromSeries) => s.points.reduce((worst, [, value]) => (Number.isNaN(value) ? worst : Math.max(worst, badness(value, spec))), -Infinity);
  return series
    .map((s) => ({ s, worst: worstOf(s) }))
    .sort((a, b) => b.worst - a.worst)
    .slice(0, RANGE_SERIES_KEPT)
    .map(({ s }) => {
      const stride = Math.ceil(s.points.length / RANGE_POINTS_KEPT);
      const kept = s.points.filter(([, value], i) => i % stride === 0 || i === s.points.length - 1 || (!Number.isNaN(value) && !inBounds(value, spec)));
      return { labels: seriesKey(s.labels), points: kept.map(([at, value]): [number, number | null] => [Math.round(at * 1000 - runStartEpochMs), Number.isNaN(value) ? null : value]) };
    });
}

function fmt(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Math.round(value * 1e6) / 1e6);
}
