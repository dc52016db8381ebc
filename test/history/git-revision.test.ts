import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { currentRevision } from '../../src/history/git-revision.ts';
import { REPO } from '../helpers/cli.ts';

describe('the revision a run ran against', () => {
  it('GITHUB_SHA and GITHUB_REF_NAME win (GitHub Actions)', async () => {
    expect(await currentRevision({ GITHUB_SHA: 'abc', GITHUB_REF_NAME: 'release/1.2' }, REPO)).to.deep.equal({ commit: 'abc', ref: 'release/1.2' });
  });

  it("else git rev-parse in the working directory: this repository's HEAD", async () => {
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: REPO, encoding: 'utf8' }).trim();
    expect((await currentRevision({ PATH: process.env.PATH }, REPO)).commit).to.equal(head);
  });

  it('outside a repository: no revision, no error', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rebound-nogit-'));
    try {
      expect(await currentRevision({ ...process.env, GIT_CEILING_DIRECTORIES: tmpdir() }, dir)).to.deep.equal({});
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
