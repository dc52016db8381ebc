/**
 * A Result as a run builds it, without a system under test: a real Timeline fed with samples,
 * phases summarised from it, the checks evaluated by their own kinds; validated against the
 * result schema before use.
 */
import type { FaultResult, PhaseResult, Result } from '../../src/result/result.ts';
import { validateResult } from '../../src/result/validate-result.ts';
import { phaseCounts } from '../../src/runner/result-builder.ts';
import { Timeline } from '../../src/timeline/timeline.ts';
import { BUCKET_MS, feed, type Traffic } from '../checks/fixtures.ts';

const START = Date.parse('2026-01-01T00:00:00.000Z');
const iso = (ms: number) => new Date(START + ms).toISOString();

export interface PhasePlan {
  readonly name: string;
  readonly durationMs: number;
  readonly traffic?: Traffic;
  /** A proxy-down fault applied at the phase start and reverted at its end. */
  readonly fault?: boolean;
}

export interface BuiltRun {
  readonly result: Result;
  /** The run's own timeline (what the checks saw). */
  readonly timeline: Timeline;
  readonly faults: readonly FaultResult[];
  readonly loadEndMs: number;
}

export function buildRun(plans: readonly PhasePlan[], extra: Partial<Pick<Result, 'checks' | 'verdict' | 'verdictReason'>> = {}): BuiltRun {
  const timeline = new Timeline(BUCKET_MS);
  const phases: PhaseResult[] = [];
  const faults: FaultResult[] = [];
  let at = 0;
  for (const plan of plans) {
    const startMs = at;
    const endMs = at + plan.durationMs;
    feed(timeline, startMs, endMs, plan.traffic);
    const summary = timeline.summarize(startMs, endMs);
    const id = `${plan.name}-0`;
    if (plan.fault) {
      faults.push({ id, kind: 'proxy-down', phase: plan.name, target: 'proxy payments-primary', description: 'proxy payments-primary down', appliedAt: iso(startMs), appliedMs: startMs, revertedAt: iso(endMs), revertedMs: endMs });
    }
    phases.push({
      name: plan.name,
      startMs,
      endMs,
      startedAt: iso(startMs),
      endedAt: iso(endMs),
      ...phaseCounts(summary),
      faults: plan.fault ? [id] : [],
    });
    at = endMs;
  }
  const total = timeline.summarize(0, at);
  const result = {
    schemaVersion: 1,
    rebound: { version: '0.1.0' },
    experiment: { name: 'payments-failover', labels: {}, file: 'experiment object "payments-failover"', source: 'apiVersion: rebound.dev/v1\n' },
    environment: { node: process.version, platform: process.platform },
    startedAt: iso(0),
    endedAt: iso(at),
    durationMs: at,
    verdict: extra.verdict ?? 'passed',
    verdictReason: extra.verdictReason ?? 'every strict check passed',
    interrupted: false,
    load: { driver: 'builtin', targetRate: '100/s', scheduled: total.total, total: total.total, dropped: 0, achievedRatePerSecond: total.total / (at / 1000), timeoutMs: 2000, servedByHeader: 'x-payments-served-by' },
    phases,
    faults,
    checks: extra.checks ?? [],
    timeline: { bucketMs: BUCKET_MS, buckets: timeline.buckets() },
    events: [],
  };
  // A round trip through JSON, as result.json is read back: only what the file holds.
  return { result: validateResult(JSON.parse(JSON.stringify(result)), 'built result'), timeline, faults, loadEndMs: at };
}
