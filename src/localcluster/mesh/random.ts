/** A source of uniform numbers in [0, 1); seedable so that tests can fix the mesh's dice. */
export type Random = () => number;

export { seededRandom } from '../../util/seeded-random.ts';

export function randomInt(random: Random, below: number): number {
  return Math.min(below - 1, Math.floor(random() * below));
}
