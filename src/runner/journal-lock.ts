/**
 * One run per journal: an exclusive lock file beside the journal (`<journal>.lock`), created
 * atomically with its content (a hard link of a complete temp file, which fails if the lock
 * exists) before anything starts. It names its owner by pid and process start time; a lock whose
 * owner is provably gone (no such process, or the pid reused by another) is taken over, one taker
 * at a time; a live owner's lock never is.
 */
import { link, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { JournalError } from './journal.ts';
import { makeDirectory } from '../util/bounded-fs.ts';
import { isSameProcessAlive, processStartTime } from './process-identity.ts';

interface LockOwner {
  readonly pid: number;
  readonly pidStartTime?: string;
  readonly experiment: string;
  readonly since: string;
}

const ATTEMPTS = 5;

export class JournalLock {
  private held = false;

  private constructor(
    readonly path: string,
    private readonly owner: LockOwner,
  ) {}

  /** Takes the lock of `journalPath` or throws a JournalError naming the live run that holds it. */
  static async acquire(journalPath: string, experiment: string): Promise<JournalLock> {
    const startTime = processStartTime(process.pid);
    const lock = new JournalLock(`${journalPath}.lock`, { pid: process.pid, ...(startTime ? { pidStartTime: startTime } : {}), experiment, since: new Date().toISOString() });
    await lock.take();
    return lock;
  }

  /** Removes the lock if it is still this process's. */
  async release(): Promise<void> {
    if (!this.held) return;
    this.held = false;
    const current = await readOwner(this.path);
    if (current && current.pid === this.owner.pid && current.since === this.owner.since) await rm(this.path, { force: true });
  }

  private async take(): Promise<void> {
    await makeDirectory(dirname(this.path));
    const temp = `${this.path}.${process.pid}.tmp`;
    await writeFile(temp, `${JSON.stringify(this.owner)}\n`);
    try {
      for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
        try {
          await link(temp, this.path);
          this.held = true;
          return;
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new JournalError(`cannot lock journal ${this.path}: ${(error as Error).message}`);
        }
        const current = await readOwner(this.path);
        if (current && isLiveOwner(current, this.owner)) {
          throw new JournalError(
            `journal ${this.path.replace(/\.lock$/, '')} is in use by a run that is still going (pid ${current.pid}, experiment ${current.experiment}, since ${current.since}); wait for it, stop it, or pass --journal PATH`,
          );
        }
        await this.takeOver(current);
      }
      throw new JournalError(`cannot lock journal ${this.path}: other runs keep taking it`);
    } finally {
      await rm(temp, { force: true });
    }
  }

  /** Moves a stale lock aside; if what was moved turns out to be another taker's fresh lock, puts it back. */
  private async takeOver(stale: LockOwner | undefined): Promise<void> {
    const aside = `${this.path}.${process.pid}.stale`;
    try {
      await rename(this.path, aside);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw new JournalError(`cannot take over stale lock ${this.path}: ${(error as Error).message}`);
    }
    const moved = await readOwner(aside);
    if (stale && moved && (moved.pid !== stale.pid || moved.since !== stale.since)) {
      await link(aside, this.path).catch(() => undefined);
    }
    await rm(aside, { force: true });
  }
}

/** Another live process, or this very process (a second run in it, through the API). */
function isLiveOwner(owner: LockOwner, self: LockOwner): boolean {
  if (owner.pid === self.pid) return owner.pidStartTime === undefined || owner.pidStartTime === self.pidStartTime;
  return isSameProcessAlive(owner.pid, owner.pidStartTime);
}

async function readOwner(path: string): Promise<LockOwner | undefined> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<LockOwner>;
    return typeof parsed.pid === 'number' && typeof parsed.since === 'string' ? (parsed as LockOwner) : undefined;
  } catch {
    return undefined;
  }
}
