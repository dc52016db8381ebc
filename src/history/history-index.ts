/**
 * An experiment's results index: `<history>/<experiment>/index.jsonl`, one JSON line per run,
 * appended. A crash mid-append leaves at most a torn last line: readers skip it (with a
 * warning) and the next append starts on a fresh line. Reads look at the tail only, so a long
 * history never has to fit in memory.
 */
import { open } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { bounded, DEFAULT_FS_TIMEOUT_MS, makeDirectory } from '../util/bounded-fs.ts';
import { Value } from '@sinclair/typebox/value';
import { type IndexEntry, IndexEntrySchema } from './index-entry.ts';

export const INDEX_FILE = 'index.jsonl';
/** How much of the index's end is read: far more than the entries a trend or a comparison needs. */
export const DEFAULT_TAIL_BYTES = 1024 * 1024;

/** `<history>/<experiment>/index.jsonl`. Experiment names are DNS-label-like, so safe as a directory name. */
export function indexPathFor(historyDir: string, experiment: string): string {
  return join(historyDir, experiment, INDEX_FILE);
}

/** A path relative to the index's directory, with `/` separators (the index can move with its reports). */
export function relativeToIndex(indexPath: string, file: string): string {
  return relative(join(indexPath, '..'), file).split(sep).join('/');
}

export async function appendIndexEntry(indexPath: string, entry: IndexEntry, timeoutMs = DEFAULT_FS_TIMEOUT_MS): Promise<void> {
  await makeDirectory(join(indexPath, '..'), timeoutMs);
  const handle = await bounded('open', indexPath, () => open(indexPath, 'a+'), timeoutMs);
  try {
    const { size } = await bounded('stat', indexPath, () => handle.stat(), timeoutMs);
    let lead = '';
    if (size > 0) {
      const last = Buffer.alloc(1);
      await bounded('read', indexPath, () => handle.read(last, 0, 1, size - 1), timeoutMs);
      // A torn line from a crashed writer stays on a line of its own (and is skipped on read).
      if (last[0] !== 0x0a) lead = '\n';
    }
    await bounded('write', indexPath, () => handle.writeFile(`${lead}${JSON.stringify(entry)}\n`), timeoutMs);
    await bounded('fsync', indexPath, () => handle.sync(), timeoutMs);
  } finally {
    await bounded('close', indexPath, () => handle.close(), timeoutMs);
  }
}

export interface IndexRead {
  /** Oldest first. */
  readonly entries: readonly IndexEntry[];
  /** Lines skipped, each located (`index.jsonl:12: …`). */
  readonly warnings: readonly string[];
}

export interface ReadIndexOptions {
  readonly tailBytes?: number;
  readonly timeoutMs?: number;
}

/** The entries in the last `tailBytes` of the index; a missing index is an empty one. */
export async function readIndexTail(indexPath: string, options: ReadIndexOptions = {}): Promise<IndexRead> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_FS_TIMEOUT_MS;
  const tailBytes = options.tailBytes ?? DEFAULT_TAIL_BYTES;
  let handle;
  try {
    handle = await bounded('open', indexPath, () => open(indexPath, 'r'), timeoutMs);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], warnings: [] };
    throw error;
  }
  let text: string;
  let start: number;
  try {
    const { size } = await bounded('stat', indexPath, () => handle.stat(), timeoutMs);
    start = Math.max(0, size - tailBytes);
    const buffer = Buffer.alloc(size - start);
    await bounded('read', indexPath, () => handle.read(buffer, 0, buffer.length, start), timeoutMs);
    text = buffer.toString('utf8');
  } finally {
    await bounded('close', indexPath, () => handle.close(), timeoutMs);
  }
  return parseIndexText(text, { path: indexPath, fromStart: start === 0 });
}

// Here rather than in index-entry.ts: the result schema uses the entry schema, and what only reads results need not load TypeBox's validator.
export function isIndexEntry(value: unknown): value is IndexEntry {
  return Value.Check(IndexEntrySchema, value);
}

/** Parses index lines; `fromStart` false means the text starts mid-file (its first line is partial and dropped). */
export function parseIndexText(text: string, where: { path: string; fromStart: boolean }): IndexRead {
  const lines = text.split('\n');
  const firstLine = where.fromStart ? 0 : 1;
  const locate = (i: number) => (where.fromStart ? `${where.path}:${i + 1}` : `${where.path} (line ${i - firstLine + 1} of its last ${text.length} bytes)`);
  const entries: IndexEntry[] = [];
  const warnings: string[] = [];
  const lastIndex = lines.length - 1;
  for (let i = firstLine; i <= lastIndex; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    // Text after the last newline that does not parse: a writer that stopped mid-line.
    const torn = i === lastIndex;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      warnings.push(`${locate(i)}: ${torn ? 'skipped a torn last line (a run that stopped while writing it)' : 'skipped a line that is not JSON'}`);
      continue;
    }
    if (!isIndexEntry(value)) {
      warnings.push(`${locate(i)}: skipped a line that is not a valid index entry`);
      continue;
    }
    entries.push(value);
  }
  return { entries, warnings };
}
