import { formatDuration } from '../format/duration.ts';
import { formatPercent } from '../format/percent.ts';
import type { TimelineView } from '../timeline/timeline.ts';

/**
 * abortIf: the success ratio stays below `below` for `forMs`. Evaluated on the live timeline
 * over a trailing window that ends `lagMs` before now. The runner sets the lag to the load's
 * request timeout: samples are attributed by scheduled time, and until a request's timeout has
 * passed its bucket is biased toward fast successes (a hanging outage would show no failures
 * at all). Times below are sample (scheduled) times. Windows with fewer than `minSamples`
 * samples leave the state unchanged.
 */
export class SuccessRatioGuard {
  private belowSince: number | undefined;

  constructor(
    private readonly below: number,
    private readonly forMs: number,
    private readonly options: { windowMs: number; lagMs: number; minSamples: number } = { windowMs: 1000, lagMs: 200, minSamples: 5 },
  ) {}

  /** Returns the trip reason once the ratio has stayed low for long enough. */
  observe(timeline: TimelineView, nowMs: number): string | undefined {
    const end = nowMs - this.options.lagMs;
    if (end <= 0) return undefined;
    const window = timeline.summarize(Math.max(0, end - this.options.windowMs), end);
    return this.observeRatio(window.total, window.successes, end);
  }

  /** The pure rule, separate from the timeline for testing. */
  observeRatio(total: number, successes: number, atMs: number): string | undefined {
    if (total < this.options.minSamples) return undefined;
    const ratio = successes / total;
    if (ratio >= this.below) {
      this.belowSince = undefined;
      return undefined;
    }
    // The low window started before the instant it ends at.
    this.belowSince ??= Math.max(0, atMs - this.options.windowMs);
    if (atMs - this.belowSince >= this.forMs) {
      return `success ratio ${formatPercent(ratio, { against: [this.below] })} stayed below ${formatPercent(this.below)} for ${formatDuration(atMs - this.belowSince)} (guardrail abortIf: ${formatDuration(this.forMs)})`;
    }
    return undefined;
  }
}
