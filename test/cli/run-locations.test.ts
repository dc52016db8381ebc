/**
 * `--out` and `--journal` are checked before anything starts: /proc paths used to hang forever
 * (Node 20's recursive mkdir), and /dev/null/x was found unwritable only after the whole run.
 */
import { expect } from 'chai';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO, runCli } from '../helpers/cli.ts';

const EXPERIMENT = join(REPO, 'experiments', 'payments-primary-down.yaml');

describe('rebound run: unwritable --out / --journal are refused before any fault', function () {
  this.timeout(60_000);
  let dir: string;
  before(async () => (dir = await mkdtemp(join(tmpdir(), 'rebound-locations-'))));
  after(async () => rm(dir, { recursive: true, force: true }));

  const cases = [
    { name: '--out /proc/x', args: () => ['--out', '/proc/x', '--journal', join(dir, 'j1.json')], says: 'cannot write in /proc/x' },
    { name: '--out /dev/null/x', args: () => ['--out', '/dev/null/x', '--journal', join(dir, 'j2.json')], says: 'cannot write in /dev/null/x' },
    { name: '--journal /proc/x/journal.json', args: () => ['--out', join(dir, 'out3'), '--journal', '/proc/x/journal.json'], says: 'cannot write in /proc/x' },
  ];
  for (const c of cases) {
    it(`${c.name}: exit 2 at once, naming the place and the flag, nothing started`, async () => {
      const run = await runCli(['run', EXPERIMENT, ...c.args()], { timeoutMs: 30_000 });
      expect(run.code, run.stderr).to.equal(2);
      expect(run.stderr).to.contain(c.says).and.contain('nothing was run').and.not.contain('    at ');
      expect(run.stderr).to.match(/with --(out DIR|journal PATH)/);
      expect(run.stdout).to.not.contain('baseline');
    });
  }

  it('leaves no report directory behind when the journal place is the bad one', async () => {
    expect(await readdir(dir)).to.not.include('out3');
  });
});
