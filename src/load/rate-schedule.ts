import type { RateProfile } from '../experiment/resolved.ts';

/**
 * The open-model schedule: the planned start instant of request i (0-based) is the time t at
 * which the integral of the rate profile from 0 to t reaches i. For a constant rate that is
 * i / rate; for a piecewise-linear ramp the integral is quadratic within a stage and is solved
 * exactly. After the last stage the last target rate holds.
 *
 * Instants are computed from i, not accumulated, so there is no drift over long runs.
 */
export class RateSchedule {
  private readonly stages: readonly Stage[];
  private stageIndex = 0;

  constructor(profile: RateProfile) {
    this.stages = toStages(profile);
  }

  /** Planned instant (ms from load start) of request `i`; Infinity when the rate never gets there. Call with non-decreasing i. */
  instantMs(i: number): number {
    for (;;) {
      const stage = this.stages[this.stageIndex]!;
      const n = i - stage.startCount;
      if (n < stage.count || stage.durationMs === Infinity) {
        const tauMs = solveStage(stage, n);
        return tauMs === Infinity ? Infinity : stage.startMs + tauMs;
      }
      this.stageIndex++;
    }
  }
}

interface Stage {
  readonly startMs: number;
  readonly durationMs: number;
  /** Requests per ms at the start and end of the stage. */
  readonly fromPerMs: number;
  readonly toPerMs: number;
  /** Requests scheduled before the stage. */
  readonly startCount: number;
  /** Requests the stage holds (its rate integral). */
  readonly count: number;
}

function toStages(profile: RateProfile): Stage[] {
  if (profile.kind === 'constant') {
    return [{ startMs: 0, durationMs: Infinity, fromPerMs: profile.perSecond / 1000, toPerMs: profile.perSecond / 1000, startCount: 0, count: Infinity }];
  }
  const stages: Stage[] = [];
  let startMs = 0;
  let startCount = 0;
  let fromPerMs = profile.startPerSecond / 1000;
  for (const stage of profile.stages) {
    const toPerMs = stage.target / 1000;
    if (stage.durationMs > 0) {
      const count = ((fromPerMs + toPerMs) / 2) * stage.durationMs;
      stages.push({ startMs, durationMs: stage.durationMs, fromPerMs, toPerMs, startCount, count });
      startMs += stage.durationMs;
      startCount += count;
    }
    fromPerMs = toPerMs;
  }
  stages.push({ startMs, durationMs: Infinity, fromPerMs, toPerMs: fromPerMs, startCount, count: Infinity });
  return stages;
}

/** Time τ into the stage at which its integral reaches n: a·τ + (k/2)·τ² = n, k = (b − a) / D. */
function solveStage(stage: Stage, n: number): number {
  const a = stage.fromPerMs;
  if (stage.durationMs === Infinity || stage.toPerMs === a) return a > 0 ? n / a : Infinity;
  const k = (stage.toPerMs - a) / stage.durationMs;
  const discriminant = a * a + 2 * k * n;
  // The numerically stable root: 2n / (a + √(a² + 2kn)); it is also right when a = 0.
  const root = Math.sqrt(Math.max(0, discriminant));
  const denominator = a + root;
  return denominator > 0 ? Math.min(stage.durationMs, (2 * n) / denominator) : 0;
}
