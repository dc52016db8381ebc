/**
 * Weighted choice of the next request template by smooth weighted round-robin: deterministic,
 * exact proportions over every window of sum(weights) picks, no random numbers, O(templates).
 */
export class RequestMix {
  private readonly weights: Float64Array;
  private readonly current: Float64Array;
  private readonly totalWeight: number;

  constructor(weights: readonly number[]) {
    if (weights.length === 0) throw new RangeError('a request mix needs at least one request');
    for (const weight of weights) {
      if (!(weight > 0) || !Number.isFinite(weight)) throw new RangeError(`request weights must be positive numbers, got ${weight}`);
    }
    this.weights = Float64Array.from(weights);
    this.current = new Float64Array(weights.length);
    this.totalWeight = weights.reduce((sum, weight) => sum + weight, 0);
  }

  /** Index of the next template. */
  next(): number {
    const count = this.weights.length;
    if (count === 1) return 0;
    let best = 0;
    for (let i = 0; i < count; i++) {
      this.current[i]! += this.weights[i]!;
      if (this.current[i]! > this.current[best]!) best = i;
    }
    this.current[best]! -= this.totalWeight;
    return best;
  }
}
