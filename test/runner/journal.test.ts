import { expect } from 'chai';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isOtherProcessAlive, Journal, JournalError, readJournal } from '../../src/runner/journal.ts';
import { sweepJournal } from '../../src/runner/sweep.ts';
import { processStartTime } from '../../src/runner/process-identity.ts';
import { ToxiproxyClient } from '../../src/faults/toxiproxy-client.ts';
import { startToxiproxy } from '../../src/toxiproxy/index.ts';
import { expectRejection } from './helpers.ts';

describe('runner/journal', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rebound-journal-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes each record before returning and removes it after the revert', async () => {
    const path = join(dir, 'sub', 'journal.json');
    const journal = new Journal(path, 'exp');
    await journal.add('outage/0', 'latency on p', { kind: 'toxic', toxiproxyUrl: 'http://127.0.0.1:1', proxy: 'p', toxic: 't' });
    await journal.add('outage/1', 'p down', { kind: 'proxy-down', toxiproxyUrl: 'http://127.0.0.1:1', proxy: 'p' });
    let onDisk = await readJournal(path);
    expect(onDisk?.pid).to.equal(process.pid);
    expect(onDisk?.experiment).to.equal('exp');
    expect(onDisk?.entries.map((entry) => entry.faultId)).to.deep.equal(['outage/0', 'outage/1']);
    await journal.remove('outage/0');
    onDisk = await readJournal(path);
    expect(onDisk?.entries.map((entry) => entry.faultId)).to.deep.equal(['outage/1']);
    await journal.setInfrastructure({ embeddedToxiproxyUrl: 'http://127.0.0.1:9', podProcessGroups: [123] });
    onDisk = await readJournal(path);
    expect(onDisk?.infrastructure).to.deep.equal({ embeddedToxiproxyUrl: 'http://127.0.0.1:9', podProcessGroups: [123] });
    await journal.close();
    expect(await readJournal(path)).to.equal(undefined);
  });

  it('never leaves a half-written file or temp files behind under concurrent writes', async () => {
    const path = join(dir, 'journal.json');
    const journal = new Journal(path, 'exp');
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => journal.add(`f/${i}`, 'x', { kind: 'pod-kill', namespace: 'ns', selector: `app=${i}` })),
    );
    const parsed = JSON.parse(await readFile(path, 'utf8')) as { entries: unknown[] };
    expect(parsed.entries).to.have.length(40);
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).to.deep.equal([]);
  });

  it('rejects a file that is not a journal with a located message', async () => {
    const path = join(dir, 'journal.json');
    await writeFile(path, '{"hello":1}');
    await expectRejection(readJournal(path), JournalError, /not a Rebound journal/);
  });

  it('refuses to sweep a journal owned by a live process', async () => {
    const path = join(dir, 'journal.json');
    // pid 1 is always alive; the journal claims to belong to it.
    await writeFile(path, JSON.stringify({ version: 1, pid: 1, experiment: 'other', startedAt: '', infrastructure: {}, entries: [] }));
    expect(isOtherProcessAlive(1)).to.equal(true);
    await expectRejection(sweepJournal(path), JournalError, /still going \(pid 1/);
  });

  it('records the owner\'s start time; a live pid with another start time is a reused pid, not a live run', async () => {
    const path = join(dir, 'journal.json');
    await new Journal(path, 'exp').setInfrastructure({});
    const own = await readJournal(path);
    expect(own?.pidStartTime).to.equal(processStartTime(process.pid));
    // pid 1 is alive, but it is not the process that wrote this journal.
    await writeFile(path, JSON.stringify({ version: 1, pid: 1, pidStartTime: 'linux:another-boot:1', experiment: 'old', startedAt: '', infrastructure: {}, entries: [] }));
    const report = await sweepJournal(path);
    expect(report).to.deep.include({ found: true, ok: true });
    expect(await readJournal(path)).to.equal(undefined);
  });

  it('sweeping a missing journal does nothing', async () => {
    const report = await sweepJournal(join(dir, 'none.json'));
    expect(report).to.deep.include({ found: false, ok: true });
  });
});


describe('runner/sweep of a Toxiproxy that died with the run (embedded, or a pod of its local plane)', () => {
  const cases = [
    { name: "the dead run's embedded Toxiproxy", infrastructure: (url: string) => ({ embeddedToxiproxyUrl: url }), record: {} },
    { name: "a Toxiproxy pod of the dead run's local plane", infrastructure: () => ({ localPlaneUrl: 'http://127.0.0.1:9' }), record: { hostedByLocalPlane: true } },
  ];
  for (const c of cases) {
    it(`entries on ${c.name} are gone with it and never contacted`, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'rebound-journal-'));
      try {
        const path = join(dir, 'journal.json');
        // The address is live (this test's own HTTP server would answer), yet it must not be touched.
        const { createServer } = await import('node:http');
        let contacted = 0;
        const server = createServer((_req, res) => {
          contacted++;
          res.end('{}');
        });
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
        try {
          await writeFile(
            path,
            JSON.stringify({
              version: 1,
              pid: 999_999_999,
              experiment: 'x',
              startedAt: '',
              infrastructure: c.infrastructure(url),
              entries: [{ faultId: 'o/0', description: 'd', writtenAt: '', record: { kind: 'proxy-down', toxiproxyUrl: url, proxy: 'p', ...c.record } }],
            }),
          );
          const report = await sweepJournal(path);
          expect(report.ok).to.equal(true);
          expect(report.actions.map((action) => action.outcome)).to.deep.equal(['gone-with-run']);
          expect(contacted).to.equal(0);
          expect(await readJournal(path)).to.equal(undefined);
        } finally {
          await new Promise<void>((resolve) => server.close(() => resolve()));
        }
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  }

  it('a record marked as hosted by a local plane is still reverted when the journal lists no local plane', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rebound-journal-'));
    const server = await startToxiproxy({ port: 0 });
    try {
      const client = new ToxiproxyClient(server.url);
      await client.createProxy({ name: 'p', listen: '127.0.0.1:0', upstream: '127.0.0.1:9' });
      await client.setEnabled('p', false);
      const path = join(dir, 'journal.json');
      const entries = [{ faultId: 'o/0', description: 'd', writtenAt: '', record: { kind: 'proxy-down', toxiproxyUrl: server.url, proxy: 'p', hostedByLocalPlane: true } }];
      await writeFile(path, JSON.stringify({ version: 1, pid: 999_999_999, experiment: 'x', startedAt: '', infrastructure: {}, entries }));
      const report = await sweepJournal(path);
      expect(report.actions.map((action) => action.outcome)).to.deep.equal(['reverted']);
      expect((await client.findProxy('p'))?.enabled).to.equal(true);
    } finally {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('runner/sweep of proxies a dead run created on an external Toxiproxy', () => {
  it('removes the ones it created (same listen and upstream), leaves a same-named proxy that differs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rebound-journal-'));
    const server = await startToxiproxy({ port: 0 });
    try {
      const client = new ToxiproxyClient(server.url);
      const ours = await client.createProxy({ name: 'ours', listen: '127.0.0.1:0', upstream: '127.0.0.1:9' });
      await client.createProxy({ name: 'renamed', listen: '127.0.0.1:0', upstream: '127.0.0.1:7' });
      const path = join(dir, 'journal.json');
      const createdProxies = [
        // journaled before creation with port 0, as a run does before the server picks the port
        { toxiproxyUrl: server.url, name: 'ours', listen: '127.0.0.1:0', upstream: '127.0.0.1:9' },
        { toxiproxyUrl: server.url, name: 'renamed', listen: '127.0.0.1:0', upstream: '127.0.0.1:8' },
        { toxiproxyUrl: server.url, name: 'never-created', listen: '127.0.0.1:0', upstream: '127.0.0.1:9' },
      ];
      await writeFile(path, JSON.stringify({ version: 1, pid: 999_999_999, experiment: 'x', startedAt: '', infrastructure: { createdProxies }, entries: [] }));
      const report = await sweepJournal(path);
      expect(report.ok).to.equal(true);
      expect(report.actions.map((action) => `${action.outcome} ${action.what.split(' ')[1]}`)).to.deep.equal(['already-reverted never-created', 'not-ours renamed', 'removed ours']);
      expect(await client.findProxy('ours')).to.equal(undefined);
      expect(await client.findProxy('renamed')).to.not.equal(undefined);
      expect(ours.listen).to.match(/^127\.0\.0\.1:\d+$/);
    } finally {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
