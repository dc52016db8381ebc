/**
 * Filesystem calls with a bound on every wait. A path on a hung mount, or a pseudo-filesystem
 * such as /proc, must end in an error naming the path, never in a run that waits forever.
 *
 * Node 20's recursive mkdir loops forever in a libuv worker on /proc (the worker keeps spinning
 * even after a timeout, and the process cannot exit), so directories are created here one level
 * at a time with plain mkdir, which answers at once.
 */
import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

export const DEFAULT_FS_TIMEOUT_MS = 10_000;

/** A filesystem call that did not answer in time. */
export class FsTimeoutError extends Error {
  readonly code = 'ETIMEDOUT';
  constructor(
    readonly operation: string,
    readonly path: string,
    readonly timeoutMs: number,
  ) {
    super(`${operation} '${path}' did not answer within ${timeoutMs} ms`);
    this.name = 'FsTimeoutError';
  }
}

/** Runs one filesystem call; rejects with FsTimeoutError when it has not settled after `timeoutMs`. */
export function bounded<T>(operation: string, path: string, call: () => Promise<T>, timeoutMs = DEFAULT_FS_TIMEOUT_MS): Promise<T> {
  return new Promise<T>((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new FsTimeoutError(operation, path, timeoutMs)), timeoutMs);
    call().then(
      (value) => {
        clearTimeout(timer);
        resolvePromise(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

function errnoError(code: string, message: string, path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${message}, mkdir '${path}'`), { code, path, syscall: 'mkdir' });
}

/** mkdir -p, one level at a time, each call bounded; returns the directories it created, outermost first. */
export async function makeDirectory(dir: string, timeoutMs = DEFAULT_FS_TIMEOUT_MS): Promise<string[]> {
  const missing: string[] = [];
  let current = resolve(dir);
  // Bounded by the path's depth: dirname() of the root is the root.
  for (;;) {
    try {
      const info = await bounded('stat', current, () => stat(current), timeoutMs);
      if (!info.isDirectory()) throw errnoError('ENOTDIR', 'not a directory', current);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      missing.unshift(current);
      const parent = dirname(current);
      if (parent === current) break;
      current = parent;
    }
  }
  const created: string[] = [];
  for (const path of missing) {
    try {
      await bounded('mkdir', path, () => mkdir(path), timeoutMs);
      created.push(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const info = await bounded('stat', path, () => stat(path), timeoutMs);
      if (!info.isDirectory()) throw errnoError('ENOTDIR', 'not a directory', path);
    }
  }
  return created;
}
