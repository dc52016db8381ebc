import { type ChildProcess, spawn } from 'node:child_process';
import { InfraError } from '../../errors.ts';

/** Last bytes of a stream, for error messages (k6 can log a lot). */
export class TailBuffer {
  private text = '';
  constructor(private readonly limit = 16_384) {}
  push(chunk: Buffer): void {
    this.text = (this.text + chunk.toString('utf8')).slice(-this.limit);
  }
  toString(): string {
    return this.text;
  }
}

export interface K6ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
  readonly stdout: string;
}

/**
 * One `k6 run`. Stopping: SIGINT first (k6 stops its executors, flushes outputs and writes
 * the summary, exit 105); if it is still running after `graceMs`, SIGKILL.
 */
export class K6Process {
  private readonly child: ChildProcess;
  private readonly stderr = new TailBuffer();
  private readonly stdout = new TailBuffer();
  readonly exited: Promise<K6ProcessExit>;
  private killTimer: NodeJS.Timeout | undefined;
  private running = true;
  /** Set once Rebound asked k6 to stop. */
  stoppedByUs = false;

  constructor(binary: string, args: readonly string[], cwd: string) {
    this.child = spawn(binary, args, {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, K6_NO_USAGE_REPORT: 'true' },
    });
    this.child.stderr!.on('data', (chunk: Buffer) => this.stderr.push(chunk));
    this.child.stdout!.on('data', (chunk: Buffer) => this.stdout.push(chunk));
    this.exited = new Promise((resolve, reject) => {
      this.child.once('error', (error) => {
        this.running = false;
        reject(new InfraError(`could not start k6 (${binary}): ${error.message}`));
      });
      this.child.once('close', (code, signal) => {
        this.running = false;
        if (this.killTimer) clearTimeout(this.killTimer);
        resolve({ code, signal, stderr: this.stderr.toString(), stdout: this.stdout.toString() });
      });
    });
    // Rejections are observed by whoever awaits `exited`; avoid an unhandled one meanwhile.
    this.exited.catch(() => undefined);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  stop(graceMs: number): void {
    if (!this.running || this.stoppedByUs) return;
    this.stoppedByUs = true;
    this.child.kill('SIGINT');
    this.killTimer = setTimeout(() => {
      if (this.running) this.child.kill('SIGKILL');
    }, graceMs);
    this.killTimer.unref?.();
  }

  /** Last resort when the caller itself fails: no graceful stop. */
  kill(): void {
    if (this.running) this.child.kill('SIGKILL');
  }
}
