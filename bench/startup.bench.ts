/**
 * Start-up of the built CLI: `node bin/rebound.mjs --help` running dist/ (REBOUND_FROM=dist),
 * against the goal (< 150 ms) and a baseline measured in this run: `node -e 0`, Node's own
 * start-up. Also the sources through tsx, what a clone runs. Builds dist/ first.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

const REPO = resolve(import.meta.dirname, '..');
const ROUNDS = 21;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Median wall time of a process start to exit; rounds interleaved with the other commands. */
function timeAll<K extends string>(commands: Record<K, { args: string[]; env?: NodeJS.ProcessEnv }>): Record<K, number> {
  const names = Object.keys(commands) as K[];
  const times = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<K, number[]>;
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of names) {
      const command = commands[name];
      const start = performance.now();
      const child = spawnSync(process.execPath, command.args, { cwd: REPO, env: { ...process.env, ...command.env }, stdio: 'ignore', timeout: 30_000 });
      if (child.status !== 0) throw new Error(`${name} exited ${child.status ?? child.signal}`);
      times[name].push(performance.now() - start);
    }
  }
  return Object.fromEntries(names.map((name) => [name, median(times[name])])) as Record<K, number>;
}

execFileSync(process.execPath, [join(REPO, 'scripts/build.mjs')], { stdio: 'inherit' });
const bin = join(REPO, 'bin/rebound.mjs');
const { baseline, dist, sources } = timeAll({
  baseline: { args: ['-e', '0'] },
  dist: { args: [bin, '--help'], env: { REBOUND_FROM: 'dist' } },
  sources: { args: [bin, '--help'], env: { REBOUND_FROM: 'src' } },
});
const ms = (value: number) => `${value.toFixed(1)} ms`;
console.log(`startup bench: median of ${ROUNDS} process runs each, interleaved`);
console.log(`  baseline  node -e 0                              ${ms(baseline)}`);
console.log(`  dist      node bin/rebound.mjs --help            ${ms(dist)} (${(dist / baseline).toFixed(2)}× baseline, +${ms(dist - baseline)})`);
console.log(`  sources   node bin/rebound.mjs --help (tsx)      ${ms(sources)} (${(sources / baseline).toFixed(2)}× baseline)`);
console.log(`  goal      dist < 150 ms: ${dist < 150 ? 'MET' : 'MISSED'}`);
