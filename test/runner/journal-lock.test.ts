import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JournalError } from '../../src/runner/journal.ts';
import { JournalLock } from '../../src/runner/journal-lock.ts';
import { reserveReportDir } from '../../src/util/report-dir.ts';
import { expectRejection } from './helpers.ts';

describe('runner/journal-lock: one run per journal', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'rebound-lock-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('a second taker is refused while the first holds it, naming the owner; free again once released', async () => {
    const journal = join(dir, 'journal.json');
    const first = await JournalLock.acquire(journal, 'first');
    await expectRejection(JournalLock.acquire(journal, 'second'), JournalError, new RegExp(`in use by a run that is still going \\(pid ${process.pid}, experiment first, since `));
    await first.release();
    expect(existsSync(`${journal}.lock`)).to.equal(false);
    const second = await JournalLock.acquire(journal, 'second');
    await second.release();
  });

  it('many takers racing at the same instant: exactly one wins', async () => {
    const journal = join(dir, 'race.json');
    const outcomes = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => JournalLock.acquire(journal, `run-${i}`)));
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    expect(won).to.have.length(1);
    for (const lost of outcomes.filter((o) => o.status === 'rejected')) expect((lost as PromiseRejectedResult).reason).to.be.instanceOf(JournalError);
    await (won[0] as PromiseFulfilledResult<JournalLock>).value.release();
  });

  it("a dead owner's lock is taken over; a reused pid (another start time) is a dead owner too", async () => {
    const journal = join(dir, 'stale.json');
    // A process that has exited: its pid names nobody now.
    const child = spawn(process.execPath, ['-e', '']);
    const deadPid = await new Promise<number>((resolve) => child.on('exit', () => resolve(child.pid!)));
    await writeFile(`${journal}.lock`, JSON.stringify({ pid: deadPid, experiment: 'crashed', since: '2026-01-01T00:00:00.000Z' }));
    const lock = await JournalLock.acquire(journal, 'next');
    expect(JSON.parse(await readFile(`${journal}.lock`, 'utf8'))).to.include({ pid: process.pid, experiment: 'next' });
    await lock.release();
    // Our own pid with a start time that is not ours: the pid was reused, the owner is gone.
    await writeFile(`${journal}.lock`, JSON.stringify({ pid: process.pid, pidStartTime: 'not-this-process', experiment: 'old', since: '2026-01-01T00:00:00.000Z' }));
    (await JournalLock.acquire(journal, 'again')).release();
  });
});

describe('util/report-dir: report directories never collide', () => {
  it('runs that start in the same second get …, …-2, …-3, each created exclusively', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rebound-reportdir-'));
    try {
      const wanted = join(dir, 'reports', 'exp', '20261130-101010');
      const got = await Promise.all([reserveReportDir(wanted), reserveReportDir(wanted), reserveReportDir(wanted)]);
      expect([...got].sort()).to.deep.equal([wanted, `${wanted}-2`, `${wanted}-3`]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
