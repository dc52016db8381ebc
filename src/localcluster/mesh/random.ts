/** A source of uniform numbers in [0, 1); seedable so that tests can fix the mesh's dice. */
export type Random = () => number;

/** mulberry32: tiny, fast, good enough for load balancing and fault rolls. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomInt(random: Random, below: number): number {
  return Math.min(below - 1, Math.floor(random() * below));
}
