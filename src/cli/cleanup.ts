/** `rebound cleanup`: revert whatever a journal lists (faults a crashed run left, orphaned local pods). */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { EXIT } from '../result/exit-codes.ts';
import { DEFAULT_JOURNAL } from '../runner/journal.ts';
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
  try {
    const report = await sweepJournal(path);
    if (!report.found) {
      process.stdout.write(`Nothing to clean up: no journal at ${path}\n`);
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
  }
}
