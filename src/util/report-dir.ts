/**
 * A report directory of its own for each run: `…/<timestamp>` has one-second resolution, so a run
 * that starts in the same second as another gets `…/<timestamp>-2` (then -3, …). The directory is
 * created here, exclusively, so two runs can never both take it.
 */
import { mkdir } from 'node:fs/promises';
import { bounded, makeDirectory } from './bounded-fs.ts';
import { dirname } from 'node:path';

const MAX_SUFFIX = 1000;

export async function reserveReportDir(wanted: string): Promise<string> {
  await makeDirectory(dirname(wanted));
  for (let n = 1; n <= MAX_SUFFIX; n++) {
    const candidate = n === 1 ? wanted : `${wanted}-${n}`;
    try {
      await bounded('mkdir', candidate, () => mkdir(candidate));
      return candidate;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  throw new Error(`${wanted}: ${MAX_SUFFIX} report directories of that name exist already`);
}
