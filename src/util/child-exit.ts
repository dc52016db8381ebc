/** Bounded waits on child processes, shared by the infra hosts and the embedded Prometheus. */
import type { ChildProcess } from 'node:child_process';

/** Resolves when the child has exited, or after `timeoutMs` (whichever comes first). */
export function waitForChildExit(child: ChildProcess, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** `; its last output:` and the last non-empty lines a child wrote, indented (empty when none). */
export function lastOutput(lines: readonly string[], count = lines.length): string {
  const shown = lines.filter((line) => line.trim() !== '').slice(-count);
  return shown.length > 0 ? `; its last output:\n${shown.map((line) => `  ${line}`).join('\n')}` : '';
}

/** Keeps the last `max` lines a child writes to stderr in `lines` (for error messages). */
export function collectStderrTail(child: ChildProcess, lines: string[], max: number): void {
  let partial = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    const complete = (partial + chunk).split('\n');
    partial = complete.pop() ?? '';
    for (const line of complete) {
      lines.push(line);
      if (lines.length > max) lines.shift();
    }
  });
}
