import { open, rename, rm } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { bounded, DEFAULT_FS_TIMEOUT_MS, makeDirectory } from './bounded-fs.ts';

/**
 * Writes a file so that readers see either the old content or the new, never half of it.
 * Every filesystem call is bounded by `timeoutMs` (FsTimeoutError naming the call and path).
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, options: { timeoutMs?: number } = {}): Promise<void> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_FS_TIMEOUT_MS;
  await makeDirectory(dirname(path), timeoutMs);
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  const handle = await bounded('open', temp, () => open(temp, 'w'), timeoutMs);
  try {
    await bounded('write', temp, () => handle.writeFile(data), timeoutMs);
    await bounded('fsync', temp, () => handle.sync(), timeoutMs);
  } finally {
    await bounded('close', temp, () => handle.close(), timeoutMs);
  }
  try {
    await bounded('rename', temp, () => rename(temp, path), timeoutMs);
  } catch (error) {
    await bounded('rm', temp, () => rm(temp, { force: true }), timeoutMs).catch(() => undefined);
    throw error;
  }
}
