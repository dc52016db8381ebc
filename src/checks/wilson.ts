/** z for a two-sided 95 % interval. */
export const Z_95 = 1.959963984540054;

/**
 * Wilson score interval of a binomial proportion: [low, high] for successes/total. With no
 * samples the proportion is unknown: [0, 1].
 */
export function wilsonInterval(successes: number, total: number, z = Z_95): [number, number] {
  if (!(total > 0)) return [0, 1];
  const p = successes / total;
  const z2 = z * z;
  const denominator = 1 + z2 / total;
  const centre = (p + z2 / (2 * total)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / total + z2 / (4 * total * total));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}
