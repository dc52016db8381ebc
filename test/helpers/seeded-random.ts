/** Deterministic uniform [0, 1) numbers (mulberry32), so that randomised tests reproduce and cannot flake. */
export { seededRandom } from '../../src/util/seeded-random.ts';
