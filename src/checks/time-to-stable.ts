/** Shared evaluation of timeToFailover / timeToRecover / timeToFailback once their start and end instants are known. */
import type { ResolvedCheck } from '../experiment/resolved.ts';
import type { CheckResult } from '../result/result.ts';
import type { CheckContext } from './check-kind.ts';
import { formatDuration } from '../format/duration.ts';
import { formatPercent, formatThreshold } from '../format/percent.ts';
import { bucketsOf } from './scope.ts';
import { firstStableIndex, type WindowCounts } from './stable-window.ts';

export interface StableSpan {
  /** Run-clock instant the clock starts from (fault applied, fault reverted, pod deleted). */
  readonly startMs: number;
  /** Run-clock end of the observation (phase end, or load end). */
  readonly endMs: number;
  readonly windowMs: number;
  readonly threshold: number;
  readonly maxMs: number;
  /** Words for the reason: `failed over`, `recovered`. */
  readonly verb: string;
  /** What the range is, for the reason: `in outage`, `after outage`. */
  readonly where: string;
  readonly observedKey: 'failoverMs' | 'recoveryMs' | 'failbackMs';
  readonly markerKey: 'failoverAtMs' | 'recoveredAtMs' | 'failbackAtMs';
  readonly startMarkerKey: string;
  /**
   * Per-bucket counts judged against the threshold; default: the timeline's buckets (the success
   * ratio). timeToFailback passes served-by counts (responses to the expected instances / responses that named one).
   */
  readonly counts?: readonly WindowCounts[];
  /** What the threshold is about, for the reason; default `` (the success ratio). E.g. ` to payments-primary`. */
  readonly measure?: string;
  /** Extra fields of `expected` (e.g. the instances a failback goes to). */
  readonly expected?: Readonly<Record<string, string>>;
}

export function evaluateStableSpan(check: ResolvedCheck, span: StableSpan, context: CheckContext): CheckResult {
  const bucketMs = context.timeline.bucketMs;
  const base = { name: check.name, kind: check.spec.kind, strict: check.strict };
  const expected = { maxMs: span.maxMs, windowMs: span.windowMs, threshold: span.threshold, minSamples: check.minSamples, ...span.expected };
  const measure = span.measure ?? '';
  const startIndex = Math.floor(span.startMs / bucketMs + 1e-9);
  const endIndex = Math.round(span.endMs / bucketMs);
  const outcome = firstStableIndex({
    buckets: span.counts ?? bucketsOf(context),
    startIndex,
    endIndex,
    windowBuckets: Math.round(span.windowMs / bucketMs),
    threshold: span.threshold,
  });
  const markers: Record<string, number> = { [span.startMarkerKey]: span.startMs };
  const n = outcome.samples;
  if (outcome.kind === 'too-short') {
    return {
      ...base,
      verdict: 'inconclusive',
      reason: `only ${formatDuration(Math.max(0, endIndex - startIndex) * bucketMs)} observed ${span.where}, shorter than the ${formatDuration(span.windowMs)} window`,
      observed: { [span.observedKey]: null, resolutionMs: bucketMs },
      expected,
      n,
      markers,
    };
  }
  if (n < check.minSamples) {
    return {
      ...base,
      verdict: 'inconclusive',
      reason: `only ${n} sample${n === 1 ? '' : 's'} ${span.where} (fewer than minSamples ${check.minSamples})`,
      observed: { [span.observedKey]: null, resolutionMs: bucketMs },
      expected,
      n,
      markers,
    };
  }
  if (outcome.kind === 'never') {
    const last = outcome.lastWindow;
    const lastRatio = last.total > 0 ? `${formatPercent(last.successes / last.total, { decimals: 2, against: [span.threshold] })} (n=${last.total})` : 'no samples';
    return {
      ...base,
      verdict: 'failed',
      reason: `never ${span.verb} ${span.where}: the last ${formatDuration(span.windowMs)} window had ${lastRatio}${measure}, below ${formatThreshold(span.threshold)} (max ${formatDuration(span.maxMs)}, resolution ${formatDuration(bucketMs)})`,
      observed: { [span.observedKey]: 'never', resolutionMs: bucketMs },
      expected,
      n,
      markers,
    };
  }
  const atMs = outcome.index * bucketMs;
  const tookMs = Math.max(0, atMs - span.startMs);
  const ok = tookMs <= span.maxMs;
  markers[span.markerKey] = Math.max(atMs, span.startMs);
  return {
    ...base,
    verdict: ok ? 'passed' : 'failed',
    reason: `${span.verb} ${tookText(tookMs, bucketMs, ok, span)} (every ${formatDuration(span.windowMs)} window ≥ ${formatThreshold(span.threshold)}${measure} from then on, n=${n})`,
    observed: { [span.observedKey]: tookMs, resolutionMs: bucketMs },
    expected,
    n,
    markers,
  };
}

/**
 * The measured time in words, never more precise than the bucket: a time below one bucket
 * (measured 0) is `within the first 100 ms bucket`, never `after 0 ms`; otherwise
 * `after 1.3 s (± 100 ms)`.
 */
function tookText(tookMs: number, bucketMs: number, ok: boolean, span: StableSpan): string {
  const limit = `${ok ? '≤' : '>'} ${formatDuration(span.maxMs)}`;
  if (tookMs < bucketMs) return `within the first ${formatDuration(bucketMs)} bucket ${span.where}, ${limit}`;
  return `after ${formatDuration(tookMs)} (± ${formatDuration(bucketMs)}) ${limit} ${span.where}`;
}
