/** Runs the real CLI (`node bin/rebound.mjs`) as a child process, for black-box tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';

export const REPO = resolve(import.meta.dirname, '../..');
export const BIN = join(REPO, 'bin/rebound.mjs');

export interface CliRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Spawns the CLI; `during` gets the child (e.g. to send SIGINT) while it runs. Bounded by `timeoutMs`. */
export function runCli(
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; during?: (child: ChildProcess, output: () => string) => void } = {},
): Promise<CliRun> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? REPO,
      env: { ...process.env, CI: 'true', NO_COLOR: '1', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk) => (stdout += chunk));
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    const timeoutMs = options.timeoutMs ?? 90_000;
    const deadline = Date.now() + timeoutMs;
    // Judged on the child's state, not on this process's timer alone: when this process (or the
    // machine) stalls, the timer can fire before the output and exit already waiting are read.
    const expire = () => {
      const late = Date.now() - deadline;
      if (child.exitCode !== null || child.signalCode !== null || late > 2000) {
        timer = setTimeout(giveUp, 5000);
        return;
      }
      giveUp();
    };
    const giveUp = () => {
      child.kill('SIGKILL');
      fail(new Error(`rebound ${args.join(' ')} did not finish within ${timeoutMs} ms (exit code ${child.exitCode}, signal ${child.signalCode})\n${stdout}\n${stderr}`));
    };
    let timer = setTimeout(expire, timeoutMs);
    child.on('error', fail);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      done({ code, signal, stdout, stderr });
    });
    options.during?.(child, () => stdout + stderr);
  });
}

/** Resolves once the output matches, or rejects after `timeoutMs`. */
export function waitForOutput(output: () => string, pattern: RegExp, timeoutMs = 20_000): Promise<void> {
  const started = Date.now();
  return new Promise((done, fail) => {
    const poll = () => {
      if (pattern.test(output())) return done();
      if (Date.now() - started > timeoutMs) return fail(new Error(`output never matched ${pattern}:\n${output()}`));
      setTimeout(poll, 25);
    };
    poll();
  });
}
