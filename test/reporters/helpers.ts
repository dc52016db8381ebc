/** Shared test helpers for reporter tests (temp dirs, external tools). */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const HOSTILE = '<img src=x onerror=alert(1)>';

export async function withTempDir<T>(body: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'rebound-reporters-'));
  try {
    return await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function hasCommand(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** Skips (printing why) when a system tool is missing locally; fails in CI, where .ci/run installs it. */
export function requireTool(context: Mocha.Context, command: string, packageName: string): void {
  if (hasCommand(command)) return;
  const message = `${command} not found: install it with 'apt-get install -y ${packageName}'`;
  if (process.env.CI === 'true') throw new Error(message);
  console.log(`      (skipped: ${message})`);
  context.skip();
}
