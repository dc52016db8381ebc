/**
 * result.harness for the report: the measured bounds as table rows, and the spans of the run
 * where the harness itself was over a bound (shaded on the timeline charts).
 */
import type { Result } from '../../result/result.ts';
import { formatDuration, formatOffset } from '../../format/duration.ts';
import { utcOf } from './wall-clock.ts';

export interface HarnessSpan {
  readonly fromMs: number;
  readonly toMs: number;
  /** What was exceeded, for the hover title: `send lag max 240 ms > 100 ms`. */
  readonly what: string;
}

export interface HarnessRow {
  readonly measure: string;
  readonly p50: string;
  readonly p99: string;
  readonly max: string;
  readonly bound: string;
  readonly over: boolean;
}

export interface HarnessView {
  readonly healthy: boolean;
  readonly headline: string;
  readonly rows: readonly HarnessRow[];
  readonly latePhases: readonly { readonly phase: string; readonly late: string; readonly over: boolean }[];
  readonly warnings: readonly string[];
  readonly spans: readonly { readonly from: string; readonly fromUtc: string; readonly to: string; readonly what: string }[];
  readonly windowNote: string;
}

/** Merges consecutive windows over a bound into spans; adds late phase starts (planned → actual start). */
export function harnessSpans(result: Result): HarnessSpan[] {
  const harness = result.harness;
  if (!harness) return [];
  const spans: HarnessSpan[] = [];
  const windows = harness.windows;
  if (windows) {
    const count = Math.max(windows.sendLagMaxMs.length, windows.eventLoopDelayMaxMs.length);
    let open: { fromMs: number; toMs: number; lag: number; loop: number } | undefined;
    const close = () => {
      if (!open) return;
      const parts = [
        open.lag > harness.bounds.sendLagP99Ms ? `send lag up to ${formatDuration(open.lag)} (bound ${formatDuration(harness.bounds.sendLagP99Ms)})` : '',
        open.loop > harness.bounds.eventLoopDelayP99Ms ? `event-loop delay up to ${formatDuration(open.loop)} (bound ${formatDuration(harness.bounds.eventLoopDelayP99Ms)})` : '',
      ].filter(Boolean);
      spans.push({ fromMs: open.fromMs, toMs: open.toMs, what: `harness over its bound: ${parts.join(', ')}` });
      open = undefined;
    };
    for (let i = 0; i < count; i++) {
      const lag = windows.sendLagMaxMs[i] ?? 0;
      const loop = windows.eventLoopDelayMaxMs[i] ?? 0;
      const over = lag > harness.bounds.sendLagP99Ms || loop > harness.bounds.eventLoopDelayP99Ms;
      if (!over) {
        close();
        continue;
      }
      const fromMs = i * windows.windowMs;
      if (open && open.toMs === fromMs) open = { fromMs: open.fromMs, toMs: fromMs + windows.windowMs, lag: Math.max(open.lag, lag), loop: Math.max(open.loop, loop) };
      else {
        close();
        open = { fromMs, toMs: fromMs + windows.windowMs, lag, loop };
      }
    }
    close();
  }
  for (const phase of result.phases) {
    const late = harness.phaseStartLateMs.byPhase[phase.name];
    if (late !== undefined && late > harness.bounds.phaseStartLateMs) {
      spans.push({ fromMs: Math.max(0, phase.startMs - late), toMs: phase.startMs, what: `phase ${phase.name} started ${formatDuration(late)} late (bound ${formatDuration(harness.bounds.phaseStartLateMs)})` });
    }
  }
  return spans.sort((a, b) => a.fromMs - b.fromMs);
}

export function harnessView(result: Result): HarnessView | undefined {
  const harness = result.harness;
  if (!harness) return undefined;
  const row = (measure: string, stats: { p50: number; p99: number; max: number }, bound: number): HarnessRow => ({
    measure,
    p50: formatDuration(stats.p50),
    p99: formatDuration(stats.p99),
    max: formatDuration(stats.max),
    bound: `p99 ≤ ${formatDuration(bound)}`,
    over: stats.p99 > bound,
  });
  const spans = harnessSpans(result);
  return {
    healthy: harness.healthy,
    headline: harness.healthy
      ? 'The harness kept up: its own delays stayed within the bounds, so the timings below are the system under test.'
      : 'The harness was overloaded: some timings below measure the harness, not the system under test.',
    rows: [
      row('Load driver send lag (sent − scheduled)', harness.sendLagMs, harness.bounds.sendLagP99Ms),
      row('Runner event-loop delay', harness.eventLoopDelayMs, harness.bounds.eventLoopDelayP99Ms),
      ...(harness.infrastructure ?? []).map((host) => ({ ...row(`${host.role} host event-loop delay (informative)`, host.eventLoopDelayMs, harness.bounds.eventLoopDelayP99Ms), over: false })),
    ],
    latePhases: Object.entries(harness.phaseStartLateMs.byPhase).map(([phase, late]) => ({ phase, late: formatDuration(late), over: late > harness.bounds.phaseStartLateMs })),
    warnings: harness.warnings,
    spans: spans.map((span) => ({ from: formatOffset(span.fromMs), fromUtc: utcOf(result, span.fromMs), to: formatOffset(span.toMs), what: span.what })),
    windowNote: harness.windows
      ? `Per ${formatDuration(harness.windows.windowMs)} window, the highest send lag and event-loop delay are kept; windows over a bound are shaded on the timeline charts.`
      : 'This result has no per-window harness data (recorded by newer versions), so the charts cannot show where the bounds were exceeded.',
  };
}
