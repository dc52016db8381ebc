import { expect } from 'chai';
import { chmod, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../../src/util/atomic-write.ts';
import { bounded, FsTimeoutError, makeDirectory } from '../../src/util/bounded-fs.ts';
import { DirectoryNotWritableError, probeWritableDir } from '../../src/util/probe-writable-dir.ts';

/** Resolves with the rejection, failing when the promise fulfils. */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

/** A directory this process cannot create files in: chmod 555 works only without root; root cannot create in sysfs. */
async function readOnlyDir(base: string): Promise<string> {
  if (process.getuid?.() === 0) return '/sys';
  const dir = join(base, 'read-only');
  await makeDirectory(dir);
  await chmod(dir, 0o555);
  return dir;
}

describe('bounded filesystem waits (/proc, /dev/null/x, read-only)', function () {
  // A hang guard: before the fix, /proc paths never returned.
  this.timeout(10_000);
  let base: string;
  before(async () => (base = await mkdtemp(join(tmpdir(), 'rebound-fs-test-'))));
  after(async () => {
    await chmod(join(base, 'read-only'), 0o755).catch(() => undefined);
    await rm(base, { recursive: true, force: true });
  });

  it('writeFileAtomic under /proc rejects at once instead of hanging in recursive mkdir', async () => {
    const error = await rejection(writeFileAtomic('/proc/x/journal.json', '{}'));
    expect((error as NodeJS.ErrnoException).code).to.equal('ENOENT');
    expect(error.message).to.contain('/proc/x');
  });

  it('makeDirectory creates every missing level, returns them, and refuses a path through a file', async () => {
    const created = await makeDirectory(join(base, 'a', 'b', 'c'));
    expect(created).to.deep.equal([join(base, 'a'), join(base, 'a', 'b'), join(base, 'a', 'b', 'c')]);
    expect((await stat(join(base, 'a', 'b', 'c'))).isDirectory()).to.equal(true);
    expect(await makeDirectory(join(base, 'a', 'b'))).to.deep.equal([]);
    const error = await rejection(makeDirectory('/dev/null/x'));
    expect((error as NodeJS.ErrnoException).code).to.equal('ENOTDIR');
  });

  it('bounded() rejects with FsTimeoutError naming the call, the path and the bound', async () => {
    const error = await rejection(bounded('open', '/slow/mount/file', () => new Promise(() => undefined), 50));
    expect(error).to.be.instanceOf(FsTimeoutError);
    expect(error.message).to.equal("open '/slow/mount/file' did not answer within 50 ms");
  });

  for (const [name, dir, reason] of [
    ['/proc/x', '/proc/x', 'cannot be created'],
    ['/proc/x/reports', '/proc/x/reports', 'cannot be created'],
    ['/dev/null/x', '/dev/null/x', 'is a file, not a directory'],
  ] as const) {
    it(`probeWritableDir('${name}') names the directory and why`, async () => {
      const error = await rejection(probeWritableDir(dir, { timeoutMs: 2000 }));
      expect(error).to.be.instanceOf(DirectoryNotWritableError);
      expect(error.message).to.contain(`cannot write in ${dir}`).and.contain(reason);
    });
  }

  it('probeWritableDir on a read-only directory says so', async () => {
    const dir = await readOnlyDir(base);
    const error = await rejection(probeWritableDir(join(dir, 'reports'), { timeoutMs: 2000 }));
    expect(error).to.be.instanceOf(DirectoryNotWritableError);
    expect(error.message).to.match(/permission denied|operation not permitted|read-only/);
  });

  it('probeWritableDir on a writable place leaves nothing behind: no probe file, no directory it created', async () => {
    await probeWritableDir(join(base, 'fresh', 'reports', 'run-1'), { timeoutMs: 2000 });
    expect(await readdir(base)).to.not.include('fresh');
    await makeDirectory(join(base, 'existing'));
    await probeWritableDir(join(base, 'existing'), { timeoutMs: 2000 });
    expect(await readdir(join(base, 'existing'))).to.deep.equal([]);
  });
});
