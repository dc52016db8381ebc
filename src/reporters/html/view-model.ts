/** What report.hbs renders: the Result, preformatted. Strings here are raw; the template escapes. */
import type { Result } from '../../result/result.ts';
import { formatDuration, formatOffset } from '../../format/duration.ts';
import { formatInterval, formatPercent } from '../../format/percent.ts';
import { REPORT_PERCENT, formatCount, formatFailures } from '../format.ts';
import { instanceGroup } from './chart-data.ts';
import { type CheckField, ratioLimits, checkFields, expectedHeadline, failureHeadline, formatCheckRecord, type HeadlinePart, observedHeadline, splitHeadline } from '../check-summary.ts';
import { type ChartFigure, reportCharts } from './charts.ts';
import { type HarnessView, harnessView } from './harness-view.ts';
import { queryChecks, type QueryCheckView } from './query-checks.ts';
import { utcOf } from './wall-clock.ts';
import { buildFailureView, type FailureView } from './failure-view.ts';
import { servedByShareLines } from './served-by-shares.ts';
import { trendView, type TrendView } from './trend-view.ts';

/** Event rows shown in the page; the rest stay in result.json (long runs with repeated kills). */
export const MAX_EVENT_ROWS = 2000;

export interface ReportView {
  readonly schemaVersion: number;
  readonly reboundVersion: string;
  readonly verdict: Result['verdict'];
  readonly verdictReason: string;
  readonly error?: Result['error'];
  readonly interrupted: boolean;
  readonly experiment: {
    readonly name: string;
    readonly description?: string;
    readonly file: string;
    readonly source: string;
    readonly labels: readonly { readonly name: string; readonly value: string }[];
  };
  readonly facts: readonly { readonly label: string; readonly value: string }[];
  readonly checkSummary: string;
  /** Checks that queried Prometheus: query, window, series, and Rebound's own ratio beside it. */
  readonly queryChecks: readonly QueryCheckView[];
  /** One line per failed strict check: name, observed vs expected (empty when none failed). */
  readonly failedStrict: readonly string[];
  readonly checks: readonly {
    readonly name: string;
    readonly kind: string;
    readonly strict: boolean;
    readonly verdict: string;
    readonly reason: string;
    readonly observed: string;
    readonly expected: string;
    readonly observedLines: readonly HeadlinePart[];
    readonly observedSub: string;
    readonly expectedLines: readonly HeadlinePart[];
    readonly expectedSub: string;
    readonly fields: readonly CheckField[];
    readonly n: string;
    readonly interval: string;
  }[];
  readonly servedByPods: {
    readonly phases: readonly string[];
    readonly rows: readonly { readonly pod: string; readonly group: string; readonly shares: readonly string[] }[];
  };
  /** `9 pods Ready when the watch started: checkout ×2, …` (pod-ready events with data.initial). */
  readonly podsAtStart: string;
  readonly charts: { readonly timeline: ChartFigure; readonly rate: ChartFigure; readonly latency: ChartFigure; readonly servedBy?: ChartFigure; readonly zooms: readonly ChartFigure[] };
  readonly harness?: HarnessView;
  /** "Why requests failed"; absent when no request failed. */
  readonly failures?: FailureView;
  readonly phases: readonly Record<string, string | readonly string[]>[];
  readonly loadSummary: string;
  readonly faults: readonly unknown[];
  readonly podEvents: readonly EventRow[];
  readonly podEventsOmitted: number;
  readonly events: readonly EventRow[];
  readonly eventCount: number;
  readonly eventsOmitted: number;
  readonly environment: readonly { readonly label: string; readonly value: string }[];
  /** Load start (run clock 0) as UTC. */
  readonly loadStartUtc: string;
  /** Previous runs of this experiment and this one (absent when the result carries no history). */
  readonly trend?: TrendView;
}

/** A headline split so that the value never wraps: `payments-primary` + `100.0 %`. */
interface EventRow {
  readonly at: string;
  /** UTC wall-clock time, to match against logs and dashboards. */
  readonly utc: string;
  readonly kind: string;
  readonly phase: string;
  readonly message: string;
}

function percent(ratio: number | null): string {
  return formatPercent(ratio, REPORT_PERCENT);
}

/** Pod names counted per group: `checkout ×2, inventory-v1 ×2, payments-secondary`. */
function podGroupsText(pods: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const pod of pods) counts.set(instanceGroup(pod), (counts.get(instanceGroup(pod)) ?? 0) + 1);
  return [...counts.entries()].map(([group, n]) => (n > 1 ? `${group} ×${n}` : group)).join(', ');
}

export function checkSummary(result: Result): string {
  const strict = result.checks.filter((c) => c.strict);
  const advisory = result.checks.length - strict.length;
  const counts = new Map<string, number>();
  for (const check of strict) counts.set(check.verdict, (counts.get(check.verdict) ?? 0) + 1);
  const parts = [...counts.entries()].map(([verdict, n]) => `${n} ${verdict}`);
  return `${strict.length} strict check${strict.length === 1 ? '' : 's'}${parts.length ? ` (${parts.join(', ')})` : ''} decide the verdict; ${advisory} advisory check${advisory === 1 ? '' : 's'} reported only.`;
}

function eventRow(result: Result, event: Result['events'][number]): EventRow {
  return { at: formatOffset(event.atMs), utc: utcOf(result, event.atMs), kind: event.kind, phase: event.phase ?? '', message: event.message };
}

export function buildReportView(result: Result): ReportView {
  const total = result.load.total;
  const successes = result.phases.reduce((sum, p) => sum + p.successes, 0);
  const phaseTotal = result.phases.reduce((sum, p) => sum + p.total, 0);
  const env = result.environment;
  const environment: { label: string; value: string }[] = [
    { label: 'Rebound', value: result.rebound.version },
    { label: 'Node.js', value: env.node },
    { label: 'Platform', value: env.platform },
  ];
  if (env.hostname) environment.push({ label: 'Host', value: env.hostname });
  if (env.toxiproxy) {
    environment.push({ label: 'Toxiproxy', value: `${env.toxiproxy.embedded ? 'embedded' : 'external'} at ${env.toxiproxy.url}${env.toxiproxy.version ? `, version ${env.toxiproxy.version}` : ''}` });
  }
  if (env.kubernetes) {
    const k = env.kubernetes;
    const where = k.local ? 'local control plane' : `context ${k.context ?? '(current)'}`;
    environment.push({ label: 'Kubernetes', value: `${where}${k.server ? ` at ${k.server}` : ''}${k.version ? `, version ${k.version}` : ''}, namespace ${k.namespace}` });
  }
  environment.push({ label: 'Load driver', value: `${result.load.driver}${result.load.driverVersion ? ` ${result.load.driverVersion}` : ''}` });
  environment.push({ label: 'Run', value: `${result.startedAt} → ${result.endedAt}` });

  const events = result.events.slice(0, MAX_EVENT_ROWS).map((event) => eventRow(result, event));
  const initialReady = result.events.filter((e) => e.kind === 'pod-ready' && e.data?.initial === true);
  const initialPods = initialReady.map((e) => (typeof e.data?.pod === 'string' ? e.data.pod : e.message));
  const podEventsAll = result.events.filter((e) => e.kind.startsWith('pod-') && e.data?.initial !== true);
  const podNames = [...new Set(result.phases.flatMap((phase) => Object.keys(phase.servedBy)))].sort((a, b) => instanceGroup(a).localeCompare(instanceGroup(b)) || a.localeCompare(b));
  return {
    schemaVersion: result.schemaVersion,
    reboundVersion: result.rebound.version,
    verdict: result.verdict,
    verdictReason: result.verdictReason,
    queryChecks: queryChecks(result),
    ...((failures) => (failures ? { failures } : {}))(buildFailureView(result)),
    ...(result.history?.length ? { trend: trendView(result) } : {}),
    ...(result.error ? { error: result.error } : {}),
    interrupted: result.interrupted,
    experiment: {
      name: result.experiment.name,
      ...(result.experiment.description ? { description: result.experiment.description } : {}),
      file: result.experiment.file,
      source: result.experiment.source,
      labels: Object.entries(result.experiment.labels).map(([name, value]) => ({ name, value })),
    },
    facts: [
      { label: 'Started', value: result.startedAt.replace('T', ' ').replace(/(\.\d+)?Z$/, ' UTC') },
      { label: 'Duration', value: formatDuration(result.durationMs) },
      { label: 'Requests', value: formatCount(total) },
      { label: 'Success overall', value: phaseTotal > 0 ? percent(successes / phaseTotal) : '—' },
      { label: 'Rate', value: `${formatCount(Math.round(result.load.achievedRatePerSecond * 10) / 10)} req/s (target ${result.load.targetRate})` },
      { label: 'Faults', value: String(result.faults.length) },
    ],
    checkSummary: checkSummary(result),
    failedStrict: result.checks.filter((c) => c.strict && c.verdict === 'failed').map(failureHeadline),
    checks: result.checks.map((check) => ({
      ...((): { observedLines: readonly HeadlinePart[]; observedSub: string; expectedLines: readonly HeadlinePart[]; expectedSub: string } => {
        const observed = observedHeadline(check);
        const expected = expectedHeadline(check);
        return { observedLines: observed.lines.map(splitHeadline), observedSub: observed.sub, expectedLines: expected.lines.map(splitHeadline), expectedSub: expected.sub };
      })(),
      fields: checkFields(check),
      name: check.name,
      kind: check.kind,
      strict: check.strict,
      verdict: check.verdict,
      reason: check.reason,
      observed: formatCheckRecord(check, 'observed'),
      expected: formatCheckRecord(check, 'expected'),
      n: check.n === undefined ? '—' : formatCount(check.n),
      interval: formatInterval(check.interval, { ...REPORT_PERCENT, against: ratioLimits(check) }),
    })),
    charts: reportCharts(result),
    ...((): { harness?: HarnessView } => {
      const harness = harnessView(result);
      return harness ? { harness } : {};
    })(),
    phases: result.phases.map((phase) => ({
      name: phase.name,
      from: formatOffset(phase.startMs),
      to: formatOffset(phase.endMs),
      duration: formatDuration(phase.endMs - phase.startMs),
      total: formatCount(phase.total),
      successRatio: percent(phase.successRatio),
      failures: formatFailures(phase.failuresByKind),
      p50: phase.latency ? formatDuration(phase.latency.p50) : '—',
      p95: phase.latency ? formatDuration(phase.latency.p95) : '—',
      p99: phase.latency ? formatDuration(phase.latency.p99) : '—',
      servedBy: servedByShareLines(phase, result.load.servedByHeader),
      faults: phase.faults.map((id) => result.faults.find((f) => f.id === id)?.kind ?? id),
    })),
    servedByPods: {
      phases: result.phases.map((phase) => phase.name),
      rows: podNames.map((pod) => ({
        pod,
        group: instanceGroup(pod),
        shares: result.phases.map((phase) => {
          const total = Object.values(phase.servedBy).reduce((sum, n) => sum + n, 0);
          const n = phase.servedBy[pod] ?? 0;
          return n > 0 && total > 0 ? percent(n / total) : '—';
        }),
      })),
    },
    podsAtStart: initialPods.length > 0 ? `At start: ${initialPods.length} pod${initialPods.length === 1 ? '' : 's'} Ready (${podGroupsText(initialPods)}).` : '',
    loadSummary: `Load: ${result.load.driver} driver, target ${result.load.targetRate}, ${formatCount(result.load.scheduled)} scheduled, ${formatCount(result.load.total)} completed, ${formatCount(result.load.dropped)} dropped (in-flight cap), timeout ${formatDuration(result.load.timeoutMs)}. Requests are attributed to the phase in which they were scheduled.`,
    faults: result.faults.map((fault) => ({
      id: fault.id,
      kind: fault.kind,
      phase: fault.phase,
      target: fault.target,
      description: fault.description,
      applied: fault.appliedMs !== undefined ? formatOffset(fault.appliedMs) : fault.applyError ? 'failed' : 'not applied',
      appliedUtc: fault.appliedMs !== undefined ? utcOf(result, fault.appliedMs) : '',
      revertedUtc: fault.revertedMs !== undefined && fault.kind !== 'pod-kill' ? utcOf(result, fault.revertedMs) : '',
      // A pod kill has nothing to revert: its revertedMs is only the end of its phase.
      reverted: fault.kind === 'pod-kill' ? 'n/a' : fault.revertedMs !== undefined ? formatOffset(fault.revertedMs) : fault.revertError ? 'FAILED' : '—',
      applyError: fault.applyError,
      revertError: fault.revertError,
      active: fault.appliedMs !== undefined && fault.revertedMs !== undefined && fault.kind !== 'pod-kill' ? formatDuration(fault.revertedMs - fault.appliedMs) : '—',
      problem: Boolean(fault.applyError || fault.revertError),
      pods: (fault.pods ?? []).map((pod) => ({
        pod: pod.pod,
        deleted: formatOffset(pod.deletedMs),
        replacement: pod.replacement,
        created: pod.replacementCreatedMs !== undefined ? formatOffset(pod.replacementCreatedMs) : '—',
        ready: pod.replacementReadyMs !== undefined ? formatOffset(pod.replacementReadyMs) : 'never',
        readyAfter: pod.replacementReadyMs !== undefined ? formatDuration(pod.replacementReadyMs - pod.deletedMs) : '',
      })),
    })),
    podEvents: podEventsAll.slice(0, MAX_EVENT_ROWS).map((event) => eventRow(result, event)),
    podEventsOmitted: Math.max(0, podEventsAll.length - MAX_EVENT_ROWS),
    events,
    eventCount: result.events.length,
    eventsOmitted: Math.max(0, result.events.length - events.length),
    environment,
    loadStartUtc: `${result.startedAt.replace('T', ' ').replace(/(\.\d+)?Z$/, '')} UTC`,
  };
}
