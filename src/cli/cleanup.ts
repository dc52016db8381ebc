/** `rebound cleanup`: revert whatever a journal lists (faults a crashed run left, orphaned local pods). */
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { EXIT } from '../result/exit-codes.ts';
import { DEFAULT_JOURNAL } from '../runner/journal.ts';
import { JournalLock } from '../runner/journal-lock.ts';
import { sweepJournal } from '../runner/sweep.ts';

export const CLEANUP_USAGE = `Usage: rebound cleanup [--journal PATH]

Revert every fault a journal lists (toxics removed, proxies enabled again) and kill local
pod processes a crashed run left behind. Safe to run at any time: reverts are idempotent.

Options:
  --journal PATH   journal to read (default ${DEFAULT_JOURNAL})
  -h, --help       show this help

Exit codes: 0 everything reverted (or nothing to do), 2 usage, 4 something could not be reverted.
`;

export async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: { journal: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
    }));
  } catch (error) {
    process.stderr.write(`rebound cleanup: ${(error as Error).message}\n\n${CLEANUP_USAGE}`);
    return EXIT.usage;
  }
  if (values.help) {
    process.stdout.write(CLEANUP_USAGE);
    return EXIT.passed;
  }
  const path = resolve(values.journal ?? DEFAULT_JOURNAL);
  let lock: JournalLock | undefined;
  try {
    // Like a run, cleanup holds the journal's lock: it never sweeps under a live run, and it
    // removes the lock a killed run left beside the journal.
    if (existsSync(path) || existsSync(`${path}.lock`)) lock = await JournalLock.acquire(path, 'rebound cleanup');
    const report = await sweepJournal(path);
    if (!report.found) {
      process.stdout.write(`Nothing to clean up: no journal at ${path}\n${values.journal === undefined ? whereJournalsAre(process.cwd()) : ''}`);
      return EXIT.passed;
    }
    if (report.actions.length === 0) process.stdout.write(`Journal ${path} listed nothing still applied.\n`);
    for (const action of report.actions) {
      process.stdout.write(`${action.outcome.padEnd(16)} ${action.what}${action.detail ? ` — ${action.detail}` : ''}\n`);
    }
    if (!report.ok) {
      process.stderr.write(`rebound cleanup: some entries could not be reverted; the journal ${path} was kept\n`);
      return EXIT.error;
    }
    process.stdout.write(`Cleaned up; removed ${path}\n`);
    return EXIT.passed;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`rebound cleanup: ${message}\n`);
    return EXIT.error;
  } finally {
    await lock?.release();
  }
}

/**
 * A run keeps its journal under the directory it ran in: cleanup run from elsewhere finds none.
 * Say so, and name a journal in an enclosing directory if there is one.
 */
function whereJournalsAre(cwd: string): string {
  const lines = [`(looked in the current directory: a run keeps its journal at ${DEFAULT_JOURNAL} under the directory it ran in; use --journal PATH for another)`];
  // Bounded by the path's depth: dirname() of the root is the root.
  for (let dir = dirname(cwd); ; dir = dirname(dir)) {
    const candidate = join(dir, DEFAULT_JOURNAL);
    if (existsSync(candidate)) {
      lines.push(`A journal exists at ${candidate}: rebound cleanup --journal ${relative(cwd, candidate)}`);
      break;
    }
    if (dirname(dir) === dir) break;
  }
  return `${lines.join('\n')}\n`;
}
