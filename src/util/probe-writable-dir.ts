/**
 * Checks, before anything is started, that a directory can be written: creates it if needed,
 * creates and removes a probe file, then removes the directories it created. Every wait is
 * bounded, so /proc paths, /dev/null/x, read-only directories and hung mounts all end in an
 * error naming the directory.
 */
import { open, rmdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { bounded, DEFAULT_FS_TIMEOUT_MS, makeDirectory } from './bounded-fs.ts';

export class DirectoryNotWritableError extends Error {
  constructor(
    readonly dir: string,
    readonly reason: string,
  ) {
    super(`cannot write in ${dir}: ${reason}`);
    this.name = 'DirectoryNotWritableError';
  }
}

function reasonOf(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  const known: Record<string, string> = {
    ENOENT: 'it cannot be created (no such file or directory on the way, or a filesystem such as /proc that holds no files)',
    ENOTDIR: 'a part of the path is a file, not a directory',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EROFS: 'read-only filesystem',
    ENOSPC: 'no space left on the device',
    EDQUOT: 'disk quota exceeded',
  };
  return (e?.code && known[e.code]) ?? (e instanceof Error ? e.message : String(error));
}

export async function probeWritableDir(dir: string, options: { timeoutMs?: number } = {}): Promise<void> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_FS_TIMEOUT_MS;
  let created: string[] = [];
  try {
    created = await makeDirectory(dir, timeoutMs);
    const probe = join(dir, `.rebound-probe-${process.pid}-${Date.now()}`);
    const handle = await bounded('open', probe, () => open(probe, 'wx'), timeoutMs);
    try {
      await bounded('write', probe, () => handle.writeFile('probe\n'), timeoutMs);
    } finally {
      await bounded('close', probe, () => handle.close(), timeoutMs);
      await bounded('unlink', probe, () => unlink(probe), timeoutMs);
    }
  } catch (error) {
    throw new DirectoryNotWritableError(dir, reasonOf(error));
  } finally {
    for (const path of created.reverse()) await bounded('rmdir', path, () => rmdir(path), timeoutMs).catch(() => undefined);
  }
}
