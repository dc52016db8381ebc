/**
 * result.json: the single source of truth of one run. HTML, JUnit, Markdown and console
 * output are renders of it; `rebound report result.json` re-renders them.
 * Bump RESULT_SCHEMA_VERSION on any incompatible change (schema: result.schema.json).
 */
import type { FailureKind } from '../load/sample.ts';
import type { BucketSnapshot, LatencySummary } from '../timeline/timeline.ts';
import type { RunEvent } from '../timeline/events.ts';

export const RESULT_SCHEMA_VERSION = 1;

export const VERDICTS = ['passed', 'failed', 'inconclusive', 'aborted', 'error'] as const;
export type Verdict = (typeof VERDICTS)[number];

export type CheckVerdict = 'passed' | 'failed' | 'inconclusive' | 'error';

export interface Result {
  readonly schemaVersion: typeof RESULT_SCHEMA_VERSION;
  readonly rebound: { readonly version: string };
  readonly experiment: ExperimentEcho;
  readonly environment: EnvironmentInfo;
  /** ISO wall times; durations on the monotonic run clock. */
  readonly startedAt: string;
  readonly endedAt: string;
  readonly durationMs: number;
  readonly verdict: Verdict;
  /** One sentence: why this verdict (the first failed strict check, the guardrail, the error). */
  readonly verdictReason: string;
  /** Set when verdict is `error` (or a revert failed): what the harness could not do. */
  readonly error?: { readonly kind: string; readonly message: string };
  /** True when the run was stopped by SIGINT/SIGTERM. */
  readonly interrupted: boolean;
  readonly load: LoadInfo;
  readonly phases: readonly PhaseResult[];
  readonly faults: readonly FaultResult[];
  readonly checks: readonly CheckResult[];
  readonly timeline: TimelineJson;
  readonly events: readonly RunEvent[];
  /**
   * The harness's self-check (added in schema version 1; optional so that older results still
   * read): when `healthy` is false the measurements are not trustworthy and the verdict was made
   * `inconclusive` (unless a strict check failed for a reason a slow harness cannot explain).
   */
  readonly harness?: HarnessInfo;
}

export interface HarnessDelayStats {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

export interface HarnessInfo {
  /** Load driver: sentMs − scheduledMs of sent requests. */
  readonly sendLagMs: HarnessDelayStats;
  /** The runner process's event-loop delay (perf_hooks.monitorEventLoopDelay, resolution subtracted). */
  readonly eventLoopDelayMs: HarnessDelayStats;
  /** Actual − planned phase start. */
  readonly phaseStartLateMs: { readonly max: number; readonly byPhase: Readonly<Record<string, number>> };
  /** The limits the run was held to. */
  readonly bounds: { readonly sendLagP99Ms: number; readonly eventLoopDelayP99Ms: number; readonly phaseStartLateMs: number };
  /** Event-loop delay of the child processes hosting the embedded Toxiproxy / local control plane (informative). */
  readonly infrastructure?: readonly { readonly role: string; readonly eventLoopDelayMs: HarnessDelayStats }[];
  readonly healthy: boolean;
  /** `harness overloaded: …` for each bound exceeded, then informative warnings. */
  readonly warnings: readonly string[];
}

export interface ExperimentEcho {
  readonly name: string;
  readonly description?: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Path as given on the command line. */
  readonly file: string;
  /** The YAML as written, secrets redacted. */
  readonly source: string;
}

export interface EnvironmentInfo {
  readonly node: string;
  readonly platform: string;
  readonly hostname?: string;
  readonly toxiproxy?: { readonly url: string; readonly version?: string; readonly embedded: boolean };
  readonly kubernetes?: {
    readonly local: boolean;
    readonly context?: string;
    readonly server?: string;
    readonly version?: string;
    readonly namespace: string;
  };
}

export interface LoadInfo {
  readonly driver: string;
  readonly driverVersion?: string;
  /** Human description of the rate profile, e.g. `200/s`. */
  readonly targetRate: string;
  readonly scheduled: number;
  readonly total: number;
  readonly dropped: number;
  readonly achievedRatePerSecond: number;
  readonly timeoutMs: number;
  readonly servedByHeader?: string;
  /** Driver extras, e.g. k6 thresholds. */
  readonly extra?: Record<string, unknown>;
}

export interface PhaseResult {
  readonly name: string;
  /** Run-clock offsets. */
  readonly startMs: number;
  readonly endMs: number;
  readonly startedAt: string;
  readonly endedAt: string;
  readonly total: number;
  readonly successes: number;
  readonly failures: number;
  readonly failuresByKind: Partial<Record<FailureKind, number>>;
  /** Null when the phase had no samples. */
  readonly successRatio: number | null;
  readonly latency: LatencySummary | null;
  readonly servedBy: Record<string, number>;
  /** Fault ids active during this phase. */
  readonly faults: readonly string[];
}

export interface FaultResult {
  readonly id: string;
  /** One of the registered fault kinds' `kinds` (src/plugins/registry.ts). */
  readonly kind: string;
  readonly phase: string;
  /** What it touched: `proxy payments-primary`, `pods app=payments in shop`. */
  readonly target: string;
  /** Human description: `latency 3000ms ±0 downstream on payments-primary`. */
  readonly description: string;
  readonly appliedAt?: string;
  readonly appliedMs?: number;
  readonly revertedAt?: string;
  readonly revertedMs?: number;
  /** Set when applying failed. */
  readonly applyError?: string;
  /** Set when reverting failed (the run's verdict is then `error`). */
  readonly revertError?: string;
  /** Pod kills: each pod killed and its replacement. */
  readonly pods?: readonly PodKillRecord[];
}

export interface PodKillRecord {
  readonly pod: string;
  readonly deletedMs: number;
  readonly replacement?: string;
  readonly replacementCreatedMs?: number;
  readonly replacementReadyMs?: number;
}

export interface CheckResult {
  readonly name: string;
  /** A registered check kind's key (src/plugins/registry.ts). */
  readonly kind: string;
  readonly strict: boolean;
  readonly verdict: CheckVerdict;
  /** One sentence a release manager can read: `99.6% ≥ 99% (n=4012)`. */
  readonly reason: string;
  /** Observed value(s); numbers in the units named by the key (…Ms, ratio 0–1). */
  readonly observed: Readonly<Record<string, number | string | null | Readonly<Record<string, number>>>>;
  readonly expected: Readonly<Record<string, number | string | null | Readonly<Record<string, number>>>>;
  /** Sample count behind a ratio. */
  readonly n?: number;
  /** 95 % Wilson score interval of a ratio. */
  readonly interval?: readonly [number, number];
  /** Run-clock instants worth drawing (e.g. failoverAtMs, recoveredAtMs). */
  readonly markers?: Readonly<Record<string, number>>;
}

export interface TimelineJson {
  readonly bucketMs: number;
  readonly buckets: readonly BucketSnapshot[];
}
