import { expect } from 'chai';
import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { indexEntryOf, MAX_INDEX_CHECKS } from '../../src/history/index-entry.ts';
import { appendIndexEntry, indexPathFor, isIndexEntry, parseIndexText, readIndexTail, relativeToIndex } from '../../src/history/history-index.ts';
import { makeResult } from '../reporters/fixtures/make-result.ts';

describe('results index (index.jsonl)', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'rebound-index-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const entry = (startedAt: string, verdict: 'passed' | 'failed' = 'passed') => ({ ...indexEntryOf(makeResult({ variant: verdict }), `r/${startedAt}/result.json`, { commit: 'abc123' }), startedAt });

  it('an entry keeps each check verdict and its primary observed value first', () => {
    const result = makeResult({ variant: 'failed' });
    const made = indexEntryOf(result, 'x/result.json', { commit: 'c0ffee', ref: 'main' });
    expect(isIndexEntry(made)).to.equal(true);
    expect(made.verdict).to.equal('failed');
    expect(made.commit).to.equal('c0ffee');
    expect(made.checks.map((c) => c.name)).to.deep.equal(result.checks.map((c) => c.name));
    const ratio = made.checks.find((c) => c.kind === 'successRatio')!;
    expect(ratio.primary).to.equal('ratio');
    expect(Object.keys(ratio.values)[0]).to.equal('ratio');
    expect(ratio.values.ratio).to.equal(result.checks.find((c) => c.name === ratio.name)!.observed.ratio);
    const recovery = made.checks.find((c) => c.kind === 'timeToRecover')!;
    expect(recovery.primary).to.equal('recoveryMs');
  });

  it('appends one line per run and reads them back oldest first; a missing index is empty', async () => {
    const path = indexPathFor(dir, 'demo');
    expect((await readIndexTail(path)).entries).to.deep.equal([]);
    await appendIndexEntry(path, entry('2026-01-01T00:00:00.000Z'));
    await appendIndexEntry(path, entry('2026-01-02T00:00:00.000Z', 'failed'));
    const text = await readFile(path, 'utf8');
    expect(text.split('\n')).to.have.length(3); // two lines and the final newline
    const read = await readIndexTail(path);
    expect(read.warnings).to.deep.equal([]);
    expect(read.entries.map((e) => [e.startedAt, e.verdict])).to.deep.equal([
      ['2026-01-01T00:00:00.000Z', 'passed'],
      ['2026-01-02T00:00:00.000Z', 'failed'],
    ]);
  });

  it('a torn last line (a crash mid-write) is skipped with a located warning, and the next append starts a fresh line', async () => {
    const path = indexPathFor(dir, 'demo');
    await appendIndexEntry(path, entry('2026-01-01T00:00:00.000Z'));
    const whole = JSON.stringify(entry('2026-01-02T00:00:00.000Z'));
    await appendFile(path, whole.slice(0, Math.floor(whole.length / 2)));
    const torn = await readIndexTail(path);
    expect(torn.entries).to.have.length(1);
    expect(torn.warnings).to.have.length(1);
    expect(torn.warnings[0]).to.include(`${path}:2: skipped a torn last line`);

    await appendIndexEntry(path, entry('2026-01-03T00:00:00.000Z'));
    const after = await readIndexTail(path);
    expect(after.entries.map((e) => e.startedAt)).to.deep.equal(['2026-01-01T00:00:00.000Z', '2026-01-03T00:00:00.000Z']);
    expect(after.warnings).to.have.length(1);
    expect(after.warnings[0]).to.include(`${path}:2: skipped a line that is not JSON`);
  });

  it('a line that is JSON but not an entry is skipped and named', () => {
    const good = JSON.stringify(entry('2026-01-01T00:00:00.000Z'));
    const read = parseIndexText(`${good}\n{"v":1,"verdict":"great"}\n${good}\n`, { path: 'i.jsonl', fromStart: true });
    expect(read.entries).to.have.length(2);
    expect(read.warnings).to.deep.equal(['i.jsonl:2: skipped a line that is not a valid index entry']);
  });

  it('reads only the tail of a large index: the newest entries, the partial first line dropped silently', async () => {
    const path = indexPathFor(dir, 'big');
    const line = JSON.stringify(entry('2026-01-01T00:00:00.000Z'));
    const lines = Array.from({ length: 2000 }, (_, i) => line.replace('2026-01-01T00:00:00.000Z', `run-${i}`));
    await appendIndexEntry(path, entry('seed'));
    await appendFile(path, `${lines.join('\n')}\n`);
    const tailBytes = line.length * 10 + 5;
    const read = await readIndexTail(path, { tailBytes });
    expect(read.warnings).to.deep.equal([]);
    expect(read.entries.length).to.be.within(9, 10);
    expect(read.entries.at(-1)!.startedAt).to.equal('run-1999');
    expect(read.entries[0]!.startedAt).to.match(/^run-199\d$/);
  });

  it('an entry is bounded: at most MAX_INDEX_CHECKS checks, long names clipped', () => {
    const result = makeResult();
    const many = { ...result, checks: Array.from({ length: MAX_INDEX_CHECKS + 10 }, (_, i) => ({ ...result.checks[0]!, name: `${'x'.repeat(500)}${i}` })) };
    const made = indexEntryOf(many, 'r.json');
    expect(made.checks).to.have.length(MAX_INDEX_CHECKS);
    expect(made.checks[0]!.name.length).to.be.at.most(200);
    expect(isIndexEntry(made)).to.equal(true);
  });

  it('result paths are stored relative to the index, with / separators', () => {
    expect(relativeToIndex(join(dir, 'demo', 'index.jsonl'), join(dir, 'demo', '20260101-000000', 'result.json'))).to.equal('20260101-000000/result.json');
  });
});
