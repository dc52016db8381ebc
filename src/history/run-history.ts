/**
 * What `rebound run` does with the results index: before a run, the previous runs (echoed in the
 * result for the trend panel); after it, one line for it. Neither may change the run's outcome:
 * a problem with the index is a note, never a failure.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPORT_FILES } from '../reporters/file-reporters.ts';
import type { Result } from '../result/result.ts';
import { currentRevision } from './git-revision.ts';
import { appendIndexEntry, indexPathFor, readIndexTail, relativeToIndex } from './history-index.ts';
import { indexEntryOf, type IndexEntry, MAX_HISTORY_ENTRIES, type Revision } from './index-entry.ts';

export interface RunHistory {
  readonly indexPath: string;
  /** The newest previous runs, oldest first (at most MAX_HISTORY_ENTRIES). */
  previous(): Promise<IndexEntry[]>;
  /** Appends the run whose reports are in `outDir`; only when its result.json was written. */
  record(result: Result, outDir: string): Promise<void>;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function openRunHistory(options: { historyDir: string; experiment: string; env: NodeJS.ProcessEnv; cwd: string; note: (line: string) => void }): RunHistory {
  const indexPath = indexPathFor(options.historyDir, options.experiment);
  let revision: Promise<Revision> | undefined;
  return {
    indexPath,
    async previous() {
      try {
        const read = await readIndexTail(indexPath);
        for (const warning of read.warnings) options.note(`results index: ${warning}`);
        return read.entries.slice(-MAX_HISTORY_ENTRIES);
      } catch (error) {
        options.note(`results index: could not read ${indexPath}: ${message(error)}`);
        return [];
      }
    },
    async record(result, outDir) {
      const resultFile = join(outDir, REPORT_FILES.json);
      if (!existsSync(resultFile)) return;
      try {
        revision ??= currentRevision(options.env, options.cwd);
        await appendIndexEntry(indexPath, indexEntryOf(result, relativeToIndex(indexPath, resultFile), await revision));
      } catch (error) {
        options.note(`results index: could not append to ${indexPath}: ${message(error)}`);
      }
    },
  };
}
