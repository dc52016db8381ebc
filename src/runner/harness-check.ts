/**
 * The harness checks itself: a load driver that sends late, an event loop that stalls, or a phase
 * that starts late means the run measured its own starvation, not the system under test. What is
 * recorded goes to `result.harness`; when it exceeds the bounds below the run's verdict becomes
 * `inconclusive` (see applyHarnessVerdict for exactly when).
 */
import { checkKindOf } from '../plugins/registry.ts';
import { createHistogram, monitorEventLoopDelay, type IntervalHistogram, type RecordableHistogram } from 'node:perf_hooks';
import type { CheckResult, HarnessInfo, Verdict } from '../result/result.ts';
import type { Sample } from '../load/sample.ts';
import type { HarnessWindows, HarnessWindowsSnapshot } from './harness-windows.ts';

export interface DelayStats {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

const LOOP_RESOLUTION_MS = 10;
/** How often the per-window event-loop delay is read (and its histogram reset). */
const WINDOW_SAMPLE_MS = 250;

/**
 * perf_hooks.monitorEventLoopDelay reports the time between its timer's ticks, i.e. the
 * resolution plus the delay; this reports the delay alone (0 when the loop was never late).
 */
export class EventLoopDelayMonitor {
  private readonly histogram: IntervalHistogram;
  private readonly windowHistogram: IntervalHistogram | undefined;
  private readonly timer: NodeJS.Timeout | undefined;

  /**
   * With `windows`, the delay is also sampled every WINDOW_SAMPLE_MS and each sample's maximum
   * recorded at the run-clock time the stall began (`now()` − delay), for the report's timeline.
   */
  constructor(windows?: { readonly now: () => number; readonly into: HarnessWindows }) {
    this.histogram = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
    this.histogram.enable();
    if (windows) {
      const windowHistogram = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
      windowHistogram.enable();
      this.windowHistogram = windowHistogram;
      let previousMs = windows.now();
      this.timer = setInterval(() => {
        const nowMs = windows.now();
        if (windowHistogram.count > 0) {
          const delayMs = Math.max(0, windowHistogram.max / 1e6 - LOOP_RESOLUTION_MS);
          windows.into.recordLoopDelay(Math.max(previousMs, nowMs - delayMs), delayMs);
        }
        windowHistogram.reset();
        previousMs = nowMs;
      }, WINDOW_SAMPLE_MS);
      this.timer.unref();
    }
  }

  stop(): void {
    this.histogram.disable();
    this.windowHistogram?.disable();
    if (this.timer) clearInterval(this.timer);
  }

  stats(): DelayStats {
    const h = this.histogram;
    if (h.count === 0) return { p50: 0, p99: 0, max: 0 };
    const delay = (ns: number) => round(Math.max(0, ns / 1e6 - LOOP_RESOLUTION_MS));
    return { p50: delay(h.percentile(50)), p99: delay(h.percentile(99)), max: delay(h.max) };
  }
}

/** sentMs − scheduledMs of every sent request (dropped ones were never sent), in microseconds. */
export class SendLagRecorder {
  private readonly histogram: RecordableHistogram = createHistogram();
  private maxMs = 0;

  record(sample: Sample): void {
    if (sample.failure === 'dropped') return;
    const lagMs = Math.max(0, sample.sentMs - sample.scheduledMs);
    if (lagMs > this.maxMs) this.maxMs = lagMs;
    // createHistogram records integers ≥ 1.
    this.histogram.record(Math.max(1, Math.round(lagMs * 1000)));
  }

  get count(): number {
    return this.histogram.count;
  }

  stats(): DelayStats {
    if (this.histogram.count === 0) return { p50: 0, p99: 0, max: 0 };
    const ms = (us: number) => round(Math.max(0, (us - 1) / 1000));
    return { p50: ms(this.histogram.percentile(50)), p99: ms(this.histogram.percentile(99)), max: round(this.maxMs) };
  }
}

export interface HarnessBounds {
  /** Send lag p99 above this: the driver did not send on schedule. min(100 ms, 10 % of the request timeout). */
  readonly sendLagP99Ms: number;
  /** Runner event-loop delay p99 above this: its timestamps are not trustworthy. Same as sendLagP99Ms. */
  readonly eventLoopDelayP99Ms: number;
  /** A phase that started (its faults applied) later than this: one timeline bucket. */
  readonly phaseStartLateMs: number;
}

export function harnessBounds(timeoutMs: number, bucketMs: number): HarnessBounds {
  const lag = Math.min(100, 0.1 * timeoutMs);
  return { sendLagP99Ms: lag, eventLoopDelayP99Ms: lag, phaseStartLateMs: bucketMs };
}

export interface HarnessMeasurements {
  readonly sendLagMs: DelayStats;
  readonly sentRequests: number;
  readonly eventLoopDelayMs: DelayStats;
  /** Phase name → actual start − planned start (ms), for phases that started. */
  readonly phaseStartLateMs: Readonly<Record<string, number>>;
  /** Event-loop delay of the processes hosting the embedded Toxiproxy / local plane (informative). */
  readonly infrastructure?: readonly { readonly role: string; readonly eventLoopDelayMs: DelayStats }[];
  /** Per-window maxima of send lag and event-loop delay (where on the run clock the harness was late). */
  readonly windows?: HarnessWindowsSnapshot;
}

/** Builds result.harness: what was measured, against which bounds, and why it is (not) healthy. */
export function assessHarness(measured: HarnessMeasurements, bounds: HarnessBounds): HarnessInfo {
  const problems: string[] = [];
  const warnings: string[] = [];
  if (measured.sentRequests > 0 && measured.sendLagMs.p99 > bounds.sendLagP99Ms) {
    problems.push(`load driver send lag p99 ${fmt(measured.sendLagMs.p99)} ms > ${fmt(bounds.sendLagP99Ms)} ms (max ${fmt(measured.sendLagMs.max)} ms)`);
  }
  if (measured.eventLoopDelayMs.p99 > bounds.eventLoopDelayP99Ms) {
    problems.push(`runner event-loop delay p99 ${fmt(measured.eventLoopDelayMs.p99)} ms > ${fmt(bounds.eventLoopDelayP99Ms)} ms (max ${fmt(measured.eventLoopDelayMs.max)} ms)`);
  }
  const late = Object.entries(measured.phaseStartLateMs);
  const latest = late.reduce<[string, number] | undefined>((worst, entry) => (!worst || entry[1] > worst[1] ? entry : worst), undefined);
  if (latest && latest[1] > bounds.phaseStartLateMs) {
    problems.push(`phase ${latest[0]} started ${fmt(latest[1])} ms late (> one bucket, ${fmt(bounds.phaseStartLateMs)} ms)`);
  }
  for (const host of measured.infrastructure ?? []) {
    // Informative only: these processes are the SUT's network on the local plane, starved together with its pods.
    if (host.eventLoopDelayMs.p99 > bounds.eventLoopDelayP99Ms) {
      warnings.push(`the ${host.role} host process's event-loop delay p99 was ${fmt(host.eventLoopDelayMs.p99)} ms (max ${fmt(host.eventLoopDelayMs.max)} ms): the machine is short of CPU`);
    }
  }
  return {
    sendLagMs: measured.sendLagMs,
    eventLoopDelayMs: measured.eventLoopDelayMs,
    phaseStartLateMs: { max: latest ? round(Math.max(0, latest[1])) : 0, byPhase: Object.fromEntries(late.map(([name, ms]) => [name, round(ms)])) },
    bounds,
    ...(measured.infrastructure ? { infrastructure: measured.infrastructure } : {}),
    ...(measured.windows ? { windows: measured.windows } : {}),
    healthy: problems.length === 0,
    warnings: [...problems.map((problem) => `harness overloaded: ${problem}`), ...warnings],
  };
}

/**
 * Failed strict checks that a slow harness cannot explain. A starved harness turns on-time
 * responses into late ones and timeouts (and into `dropped` requests when they pile up), and
 * stamps pod events late; it does not change HTTP statuses, refused or reset connections, or
 * which instance served a response. So:
 * - latency, timeToFailover, timeToRecover, timeToFailback, podsReady: timing is what they measure → explained;
 * - successRatio / failureRatio: they stand only if they would still fail with every timeout and
 *   dropped request in their scope counted as a success;
 * - trafficSplit: stands (served-by shares are counted from responses that did arrive).
 */
export function failuresNotFromTiming(checks: readonly CheckResult[]): CheckResult[] {
  return checks.filter((check) => check.strict && check.verdict === 'failed' && !timingExplains(check));
}

function timingExplains(check: CheckResult): boolean {
  return checkKindOf(check.kind)?.explainedBySlowHarness?.(check) ?? false;
}

/**
 * The extra verdict rule, applied by the runner after decideVerdict (src/checks/verdict.ts):
 * when the harness was overloaded,
 * - `error` and `aborted` stay (the harness failed, or a guardrail stopped the run: both say more
 *   than "inconclusive"); their reason gets the harness warning appended;
 * - `failed` stays only when some failed strict check is one a slow harness cannot explain
 *   (failuresNotFromTiming); otherwise it becomes `inconclusive`;
 * - `passed` and `inconclusive` become `inconclusive`: a pass measured by a starved harness is not
 *   evidence either way (rarely, since a starved harness makes things look worse, not better,
 *   but its timestamps and phase boundaries were off).
 */
export function applyHarnessVerdict(decided: { verdict: Verdict; reason: string }, harness: HarnessInfo, checks: readonly CheckResult[]): { verdict: Verdict; reason: string } {
  if (harness.healthy) return decided;
  const overloaded = harness.warnings.find((warning) => warning.startsWith('harness overloaded: ')) ?? 'harness overloaded';
  if (decided.verdict === 'error' || decided.verdict === 'aborted') return { verdict: decided.verdict, reason: `${decided.reason}; also ${overloaded}` };
  if (decided.verdict === 'failed') {
    const standing = failuresNotFromTiming(checks);
    if (standing.length > 0) return { verdict: 'failed', reason: `${decided.reason}; (${overloaded}, but check "${standing[0]!.name}" fails for a reason a slow harness cannot explain)` };
  }
  const interrupted = decided.reason.startsWith('interrupted before the end; ') ? 'interrupted before the end; ' : '';
  return {
    verdict: 'inconclusive',
    reason: `${interrupted}${overloaded}: measurements not trustworthy (the verdict would have been ${decided.verdict}: ${decided.reason.slice(interrupted.length)})`,
  };
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

function fmt(ms: number): string {
  return String(round(ms));
}
