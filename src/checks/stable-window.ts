/**
 * The rule behind timeToFailover and timeToRecover: the first moment t (a bucket boundary at or
 * after the bucket holding the start) such that every window of `windowBuckets` buckets starting
 * at ≥ t and ending by the end of the range has a success ratio ≥ threshold. Windows slide by one
 * bucket. A window with no samples is not evidence of success: it counts as failing (so a silent
 * service never "recovers"), and the moment is never dated before the first bucket holding a
 * sample (empty buckets at its start prove nothing). Because every later window must pass, a flapping recovery is dated
 * after its last relapse, never at its first good window.
 */
import type { BucketSnapshot } from '../timeline/timeline.ts';

/** What a window is judged on: `successes` of `total` (or, for a failback, responses to the expected instances of those naming one). */
export type WindowCounts = Pick<BucketSnapshot, 'total' | 'successes'>;

export interface StableWindowInput {
  readonly buckets: readonly WindowCounts[];
  /** First bucket index considered (the one holding the start instant). */
  readonly startIndex: number;
  /** One past the last bucket index considered. */
  readonly endIndex: number;
  readonly windowBuckets: number;
  readonly threshold: number;
}

export type StableWindowOutcome =
  /** `index`: first bucket from which every window holds. */
  | { readonly kind: 'stable'; readonly index: number; readonly samples: number }
  /** The last window (ending at the end of the range) still fails. */
  | { readonly kind: 'never'; readonly samples: number; readonly lastWindow: { readonly total: number; readonly successes: number } }
  /** The range is shorter than one window. */
  | { readonly kind: 'too-short'; readonly samples: number };

export function firstStableIndex(input: StableWindowInput): StableWindowOutcome {
  const { buckets, startIndex, endIndex, windowBuckets, threshold } = input;
  const length = Math.max(0, endIndex - startIndex);
  const totals = new Float64Array(length + 1);
  const successes = new Float64Array(length + 1);
  for (let i = 0; i < length; i++) {
    const bucket = buckets[startIndex + i];
    totals[i + 1] = totals[i]! + (bucket?.total ?? 0);
    successes[i + 1] = successes[i]! + (bucket?.successes ?? 0);
  }
  const samples = totals[length]!;
  const lastStart = length - windowBuckets;
  if (windowBuckets < 1 || lastStart < 0) return { kind: 'too-short', samples };
  const windowPasses = (j: number) => {
    const total = totals[j + windowBuckets]! - totals[j]!;
    const ok = successes[j + windowBuckets]! - successes[j]!;
    return total > 0 && ok >= threshold * total - 1e-9;
  };
  if (!windowPasses(lastStart)) {
    const total = totals[lastStart + windowBuckets]! - totals[lastStart]!;
    const ok = successes[lastStart + windowBuckets]! - successes[lastStart]!;
    return { kind: 'never', samples, lastWindow: { total, successes: ok } };
  }
  let firstGood = lastStart;
  while (firstGood > 0 && windowPasses(firstGood - 1)) firstGood--;
  // Empty buckets carry no evidence: the moment is dated no earlier than a sample that shows it.
  while (firstGood < length - 1 && totals[firstGood + 1] === totals[firstGood]) firstGood++;
  return { kind: 'stable', index: startIndex + firstGood, samples };
}
