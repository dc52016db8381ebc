/** The embedded server's lifecycle with the real binary: stop() ends it, and a crash leaves nothing that `cleanup` (the journal sweep) cannot kill. */
import { expect } from 'chai';
import { alive } from '../helpers/process.ts';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JournalProcess } from '../../src/runner/journal.ts';
import { sweepJournal } from '../../src/runner/sweep.ts';
import { RunMetrics } from '../../src/metrics/run-metrics.ts';
import { EmbeddedPrometheus } from '../../src/prometheus/server.ts';
import { PROMETHEUS_BINARY, requirePrometheus } from './fixture-metrics.ts';

describe('embedded Prometheus process (real binary)', function () {
  this.timeout(60_000);
  let dir: string;
  before(async function () {
    requirePrometheus(this);
    dir = await mkdtemp(join(tmpdir(), 'rebound-prom-server-'));
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('is journaled before it is waited on, answers on loopback, and stop() ends it and removes its directory', async () => {
    let journaled: JournalProcess | undefined;
    const server = await EmbeddedPrometheus.start({ binary: PROMETHEUS_BINARY, scrapeIntervalMs: 500, targets: [], onSpawn: async (record) => void (journaled = record) });
    try {
      expect(journaled).to.deep.include({ role: 'prometheus', pid: server.record.pid, pgid: server.record.pid });
      expect(server.url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await server.client().buildInfo()).version).to.match(/^2\./);
      expect(existsSync(server.dir)).to.equal(true);
    } finally {
      await server.stop();
    }
    expect(alive(server.record.pid)).to.equal(false);
    expect(existsSync(server.dir)).to.equal(false);
  });

  it('after a crash of the run, the journal sweep (rebound cleanup) kills the server it left', async () => {
    const server = await EmbeddedPrometheus.start({ binary: PROMETHEUS_BINARY, scrapeIntervalMs: 500, targets: [] });
    try {
      const journal = join(dir, 'journal.json');
      // The owner is gone (a pid that does not exist): what a SIGKILLed run leaves.
      await writeFile(journal, JSON.stringify({ version: 1, pid: 2_147_000, experiment: 'crashed', startedAt: new Date().toISOString(), infrastructure: { processes: [server.record] }, entries: [] }));
      const report = await sweepJournal(journal);
      expect(report.actions).to.deep.include({ what: `prometheus host process ${server.record.pid}`, outcome: 'killed' });
      for (let i = 0; i < 50 && alive(server.record.pid); i++) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(alive(server.record.pid)).to.equal(false);
    } finally {
      await server.stop();
    }
  });

  it("the shipped Grafana dashboard's queries parse and use only metrics Rebound exports (or Istio's)", async () => {
    const dashboard = JSON.parse(await readFile(new URL('../../docs/grafana/rebound-dashboard.json', import.meta.url), 'utf8')) as {
      panels: { title: string; targets: { expr: string }[] }[];
      annotations: { list: { expr: string }[] };
    };
    const exported = (await new RunMetrics({ name: 'x', phases: [{ name: 'p' }] }).registry.getMetricsAsJSON()).map((m) => m.name);
    const exprs = [...dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr)), ...dashboard.annotations.list.map((a) => a.expr)];
    expect(exprs.length).to.be.at.least(9);
    const server = await EmbeddedPrometheus.start({ binary: PROMETHEUS_BINARY, scrapeIntervalMs: 500, targets: [] });
    try {
      for (const expr of exprs) {
        // Grafana's own variables, as Grafana would fill them in.
        const sent = expr.replaceAll('$__rate_interval', '1m').replaceAll('$job', '.*');
        expect(await server.client().parseError(sent), expr).to.equal(undefined);
        for (const name of expr.match(/\brebound_[a-z_]+/g) ?? []) expect(exported, `${name} in ${expr}`).to.include(name.replace(/_(bucket|sum|count)$/, ''));
      }
    } finally {
      await server.stop();
    }
  });

  it('a binary that is not Prometheus fails to start with its own output in the error', async () => {
    const fake = join(dir, 'prometheus');
    await writeFile(fake, '#!/bin/sh\necho "not really prometheus" >&2\nexit 3\n', { mode: 0o755 });
    let caught: unknown;
    try {
      await EmbeddedPrometheus.start({ binary: fake, scrapeIntervalMs: 500, targets: [], startupTimeoutMs: 5000 });
    } catch (error) {
      caught = error;
    }
    expect((caught as Error).message).to.match(/exited before it was ready \(code 3\); its last output:\n {2}not really prometheus/);
  });
});
