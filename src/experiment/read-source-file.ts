/**
 * Reads an experiment file: a regular file of reasonable size only. A FIFO would block the read
 * forever, /dev/zero would be read until memory runs out, a directory or "" is not a file; each
 * is a located problem (exit 2), never a hang. Every filesystem wait is bounded.
 */
import { constants, type Stats } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { ValidationError } from '../errors.ts';
import { bounded } from '../util/bounded-fs.ts';

/** Experiments are a few KB; anything past this is not one. */
export const MAX_EXPERIMENT_BYTES = 1024 * 1024;
const READ_TIMEOUT_MS = 10_000;

function problem(file: string, message: string): ValidationError {
  return new ValidationError([{ file: file === '' ? '""' : file, line: 0, column: 0, path: '', message }]);
}

function notRegular(info: Stats): string | undefined {
  if (info.isFile()) return undefined;
  if (info.isDirectory()) return 'is a directory, not a file';
  if (info.isFIFO()) return 'is a named pipe (FIFO), not a regular file; only regular files are read';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'is a device, not a regular file; only regular files are read';
  if (info.isSocket()) return 'is a socket, not a regular file; only regular files are read';
  return 'is not a regular file; only regular files are read';
}

function readError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'file not found';
  if (code === 'ENOTDIR') return 'file not found (a part of the path is a file, not a directory)';
  if (code === 'EACCES' || code === 'EPERM') return 'cannot read: permission denied';
  return `cannot read: ${(error as Error).message}`;
}

function tooBig(bytes: number): string {
  return `is ${bytes} bytes; an experiment file may be at most ${MAX_EXPERIMENT_BYTES} bytes (1 MiB)`;
}

/** The file's text; `file` is how the user named it (for messages), `absolute` where it is. */
export async function readSourceFile(file: string, absolute: string): Promise<string> {
  if (file === '') throw problem(file, 'an empty file name is not a file');
  try {
    const before = await bounded('stat', absolute, () => stat(absolute), READ_TIMEOUT_MS);
    const refusal = notRegular(before);
    if (refusal) throw problem(file, refusal);
    if (before.size > MAX_EXPERIMENT_BYTES) throw problem(file, tooBig(before.size));
    // O_NONBLOCK: if the path was swapped for a FIFO since the stat, open must not wait for a writer.
    const handle = await bounded('open', absolute, () => open(absolute, constants.O_RDONLY | constants.O_NONBLOCK), READ_TIMEOUT_MS);
    try {
      const opened = await bounded('stat', absolute, () => handle.stat(), READ_TIMEOUT_MS);
      const refusalNow = notRegular(opened);
      if (refusalNow) throw problem(file, refusalNow);
      const buffer = Buffer.alloc(MAX_EXPERIMENT_BYTES + 1);
      let length = 0;
      // Bounded: each read adds at least one byte or ends the loop, and the buffer is finite.
      while (length < buffer.length) {
        const { bytesRead } = await bounded('read', absolute, () => handle.read(buffer, length, buffer.length - length, length), READ_TIMEOUT_MS);
        if (bytesRead === 0) break;
        length += bytesRead;
      }
      if (length > MAX_EXPERIMENT_BYTES) throw problem(file, tooBig(length));
      return buffer.subarray(0, length).toString('utf8');
    } finally {
      await handle.close().catch(() => undefined);
    }
  } catch (error) {
    if (error instanceof ValidationError) throw error;
    throw problem(file, readError(error));
  }
}
