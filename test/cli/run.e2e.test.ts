import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { ToxiproxyServer } from '../../src/toxiproxy/index.ts';
import { ToxiproxyClient } from '../../src/faults/toxiproxy-client.ts';
import type { Result } from '../../src/result/result.ts';
import { validateResult } from '../../src/result/validate-result.ts';
import { experimentYaml, freePort, runCli, startSystem, useSystemBehindToxiproxy, TempDir, waitForOutput, type CliRun, type ShopSystem } from './system.ts';

const EMBEDDED = 'embedded: true';

/** Reads a run's result.json and checks it against the result JSON Schema. */
async function readResult(dir: TempDir, out: string): Promise<Result> {
  const file = dir.join(`${out}/result.json`);
  return validateResult(JSON.parse(await readFile(file, 'utf8')), file);
}

describe('rebound run (black box)', function () {
  this.timeout(120_000);
  let dir: TempDir;
  const systems: ShopSystem[] = [];
  const runs = new Map<string, Promise<CliRun>>();
  const track = (name: string, run: Promise<CliRun>) => {
    run.catch(() => undefined); // awaited (and failed on) by its test
    runs.set(name, run);
  };
  let unreachableUrl = '';
  let dryPorts = { proxy: 0, primary: 0 };

  /**
   * Runs a timed scenario on its own system. Timed scenarios run one at a time: on a shared,
   * busy machine concurrent runs starve each other and the timings stop meaning anything.
   */
  async function scenario(name: string, build: (system: ShopSystem) => Partial<Parameters<typeof experimentYaml>[0]> & { endpoint: string }): Promise<CliRun> {
    const system = await startSystem();
    systems.push(system);
    const file = await dir.write(`${name}.yaml`, experimentYaml({ name, toxiproxy: EMBEDDED, primaryPort: system.primaryPort, proxyPort: system.proxyPort, ...build(system) }));
    try {
      return await runCli(['run', file, '--out', dir.join(name), '--journal', dir.join(`${name}.journal.json`)]);
    } finally {
      await system.close();
      systems.splice(systems.indexOf(system), 1);
    }
  }

  before(async () => {
    dir = await TempDir.create();
    // The untimed runs start here, concurrently: the CLI's start-up dominates them.
    const system = await startSystem();
    systems.push(system);
    const invalid = await dir.write('invalid.yaml', 'apiVersion: rebound.dev/v1\nkind: Experiment\nmetadata: { name: Bad_Name }\nphases:\n  - { name: a, durration: 1s }\n');
    track('invalid', runCli(['run', invalid, '--journal', dir.join('invalid.journal.json')]));
    unreachableUrl = `http://127.0.0.1:${await freePort()}`;
    const plain = experimentYaml({ name: 'plain', toxiproxy: EMBEDDED, primaryPort: system.primaryPort, proxyPort: system.proxyPort, endpoint: system.failoverUrl });
    const plainFile = await dir.write('plain.yaml', plain);
    track('unreachable', runCli(['run', plainFile, '--toxiproxy-url', unreachableUrl, '--journal', dir.join('unreachable.journal.json')]));
    track('dry', runCli(['run', plainFile, '--dry-run', '--journal', dir.join('dry.journal.json')]));
    dryPorts = { proxy: system.proxyPort, primary: system.primaryPort };
    const kubeconfig = await dir.write(
      'kubeconfig',
      `apiVersion: v1\nkind: Config\ncurrent-context: prod\nclusters: [ { name: prod, cluster: { server: "${unreachableUrl}" } } ]\nusers: [ { name: u, user: { token: t } } ]\ncontexts: [ { name: prod, context: { cluster: prod, user: u } } ]\n`,
    );
    track('context-refused', runCli(['run', plainFile, '--kubeconfig', kubeconfig, '--journal', dir.join('kube1.journal.json')]));
    track('cluster-unreachable', runCli(['run', plainFile, '--kubeconfig', kubeconfig, '--yes', '--journal', dir.join('kube2.journal.json')]));
    track('help', runCli(['run', '--help']));
    track('bogus', runCli(['run', 'x.yaml', '--bogus']));
    track('missing', runCli(['run']));
    track('cleanup-help', runCli(['cleanup', '--help']));
    track('cleanup-bogus', runCli(['cleanup', 'extra']));
  });
  after(async () => {
    if (process.env.REBOUND_TEST_KEEP) console.log('kept', dir.path);
    await Promise.allSettled(runs.values());
    for (const system of systems) await system.close();
    if (!process.env.REBOUND_TEST_KEEP) await dir?.remove();
  });

  it('an invalid experiment: exit 2 with every located problem and no stack trace', async () => {
    const file = dir.join('invalid.yaml');
    const run = await runs.get('invalid')!;
    expect(run.code).to.equal(2);
    expect(run.stderr).to.match(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: `));
    expect(run.stderr).to.match(/durration/);
    expect(run.stderr.split('\n').filter((line) => line.includes(file)).length).to.be.greaterThan(1);
    expect(run.stderr).not.to.match(/\n\s+at /);
  });

  it('an unreachable Toxiproxy: exit 4 naming what was tried', async () => {
    const url = unreachableUrl;
    const run = await runs.get('unreachable')!;
    expect(run.code).to.equal(4);
    expect(run.stderr).to.include(`Toxiproxy ${url} is not reachable`);
    expect(run.stderr).to.match(/ECONNREFUSED/);
    expect(run.stderr).not.to.match(/\n\s+at /);
  });

  it('a kubeconfig context the experiment does not allow needs --yes (exit 2); an unreachable cluster is exit 4 naming the server', async () => {
    const refused = await runs.get('context-refused')!;
    expect(refused.code, refused.stderr).to.equal(2);
    expect(refused.stderr).to.match(/refusing to inject faults into Kubernetes context 'prod'.*pass --yes/);
    const unreachable = await runs.get('cluster-unreachable')!;
    expect(unreachable.code, unreachable.stderr).to.equal(4);
    expect(unreachable.stderr).to.include(`Kubernetes API server ${unreachableUrl} (context prod) is not reachable`);
    expect(unreachable.stderr).not.to.match(/\n\s+at /);
  });

  it('--dry-run prints the proxies each fault would touch and injects nothing', async () => {
    const run = await runs.get('dry')!;
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.match(/\[outage\] outage\/0: proxy primary down/);
    expect(run.stdout).to.include(`touches proxy primary (listen 127.0.0.1:${dryPorts.proxy} → upstream 127.0.0.1:${dryPorts.primary})`);
    expect(run.stdout).to.match(/nothing was injected/);
    expect(existsSync(dir.join('dry.journal.json'))).to.equal(false);
  });

  it('usage: --help exits 0, an unknown flag or a missing file exits 2 (run and cleanup)', async () => {
    const help = await runs.get('help')!;
    expect(help.code).to.equal(0);
    expect(help.stdout).to.match(/--toxiproxy-url URL/);
    const unknown = await runs.get('bogus')!;
    expect(unknown.code).to.equal(2);
    expect(unknown.stderr).to.match(/--bogus/);
    const missing = await runs.get('missing')!;
    expect(missing.code).to.equal(2);
    expect(missing.stderr).to.match(/missing experiment file/);
    const cleanupHelp = await runs.get('cleanup-help')!;
    expect(cleanupHelp.code).to.equal(0);
    expect(cleanupHelp.stdout).to.match(/Usage: rebound cleanup \[--journal PATH\]/);
    const cleanupBogus = await runs.get('cleanup-bogus')!;
    expect(cleanupBogus.code).to.equal(2);
    expect(cleanupBogus.stderr).to.match(/rebound cleanup: .*extra/);
  });

  it('a system that fails over passes: exit 0, result.json and junit.xml, fault times, no journal left', async () => {
    const run = await scenario('failover', (system) => ({ endpoint: system.failoverUrl, checks: '  - { name: outage keeps working, successRatio: { phase: outage, min: 0.9 } }' }));
    expect(run.code, run.stderr).to.equal(0);
    const result = await readResult(dir, 'failover');
    expect(result.verdict).to.equal('passed');
    expect(result.phases.map((phase) => phase.name)).to.deep.equal(['baseline', 'outage', 'recovery']);
    const outage = result.phases[1]!;
    expect(outage.total).to.be.greaterThan(60);
    expect(outage.servedBy.secondary ?? 0).to.be.greaterThan(outage.total * 0.5);
    const fault = result.faults[0]!;
    expect(fault.kind).to.equal('proxy-down');
    expect(fault.appliedMs).to.be.within(900, 2500);
    expect(fault.revertedMs).to.be.within(2900, 4500);
    expect(result.environment.toxiproxy?.embedded).to.equal(true);
    expect(result.environment.toxiproxy?.version).to.be.a('string').and.not.equal('');
    expect(result.events.map((event) => event.kind)).to.include.members(['phase-started', 'fault-applied', 'fault-reverted', 'phase-ended']);
    expect(existsSync(dir.join('failover/junit.xml'))).to.equal(true);
    expect(existsSync(dir.join('failover.journal.json'))).to.equal(false);
    expect(run.stdout).to.match(/PASSED/);
  });

  it('the same outage without failover fails on the success-ratio check: exit 1', async () => {
    const run = await scenario('fragile', (system) => ({ endpoint: system.fragileUrl }));
    expect(run.code, run.stderr).to.equal(1);
    const result = await readResult(dir, 'fragile');
    expect(result.verdict).to.equal('failed');
    expect(result.checks[0]!.kind).to.equal('successRatio');
    expect(result.checks[0]!.verdict).to.equal('failed');
    expect(result.phases[0]!.successRatio).to.be.greaterThan(0.8);
    expect(result.phases[1]!.successRatio).to.be.lessThan(0.5);
  });

  it('too few samples for a check is inconclusive: exit 5', async () => {
    const run = await scenario('too-few', (system) => ({
      endpoint: system.failoverUrl,
      checks: '  - { name: needs many samples, minSamples: 100000, successRatio: { phase: outage, min: 0.95 } }',
    }));
    expect(run.code, run.stderr).to.equal(5);
    expect((await readResult(dir, 'too-few')).verdict).to.equal('inconclusive');
  });

  it('a guardrail stops the run early and reverts: exit 3', async () => {
    const run = await scenario('guarded', (system) => ({
      endpoint: system.fragileUrl,
      outage: '5s',
      timeout: '1s',
      guardrails: '{ abortIf: { successRatio: { below: 0.5, for: 1s } } }',
    }));
    expect(run.code, run.stderr).to.equal(3);
    const result = await readResult(dir, 'guarded');
    expect(result.verdict).to.equal('aborted');
    expect(result.verdictReason).to.match(/below 50\.0%/);
    expect(result.events.some((event) => event.kind === 'guardrail-tripped')).to.equal(true);
    // Planned 7 s; the guardrail stops it well before.
    expect(result.durationMs).to.be.lessThan(6500);
    expect(result.faults[0]!.revertedMs).to.be.a('number');
  });
});

describe('rebound run interrupted, and rebound cleanup (external Toxiproxy)', function () {
  this.timeout(120_000);
  let dir: TempDir;
  let system: ShopSystem;
  let toxiproxy: ToxiproxyServer;
  let client: ToxiproxyClient;
  const faults = `
      - { toxiproxy: { proxy: primary, toxic: latency, attributes: { latency: 20, jitter: 0 } } }
      - { toxiproxy: { proxy: primary, down: true } }`;

  useSystemBehindToxiproxy((fixture) => ({ dir, system, toxiproxy, client } = fixture));

  async function expectClean(): Promise<void> {
    const proxy = await client.findProxy('primary');
    expect(proxy?.enabled).to.equal(true);
    expect(proxy?.toxics).to.deep.equal([]);
  }

  for (const signal of ['SIGINT', 'SIGHUP'] as const) {
  it(`${signal} in the middle of a fault (an external Toxiproxy) reverts it and exits 130`, async () => {
    const file = await dir.write(`${signal}.yaml`, experimentYaml({ name: signal.toLowerCase(), toxiproxy: `url: ${toxiproxy.url}`, primaryPort: system.primaryPort, proxyPort: system.proxyPort, endpoint: system.failoverUrl, outage: '10s', faults }));
    let sawFault = false;
    const run = await runCli(['run', file, '--out', dir.join(signal), '--journal', dir.join(`${signal}.journal.json`)], {
      during: (child, output) => {
        waitForOutput(output, /proxy primary down/)
          .then(async () => {
            const proxy = await client.findProxy('primary');
            sawFault = proxy?.enabled === false && proxy.toxics.length === 1;
            child.kill(signal);
          })
          .catch(() => child.kill('SIGKILL'));
      },
    });
    expect(sawFault, `both faults were applied before ${signal}`).to.equal(true);
    expect(run.code, run.stderr).to.equal(130);
    await expectClean();
    const result = await readResult(dir, signal);
    expect(result.interrupted).to.equal(true);
    expect(result.faults.every((fault) => fault.revertedAt !== undefined)).to.equal(true);
    expect(existsSync(dir.join(`${signal}.journal.json`))).to.equal(false);
  });
  }

  it('cleanup after a SIGKILL reverts the journaled toxic and down proxy, and removes the proxy the run created', async () => {
    // This run creates the proxy itself (as on a fresh Toxiproxy): it must be journaled before it exists.
    await client.deleteProxy('primary');
    try {
      const journal = dir.join('killed.journal.json');
      const file = await dir.write('killed.yaml', experimentYaml({ name: 'killed', toxiproxy: `url: ${toxiproxy.url}`, primaryPort: system.primaryPort, proxyPort: system.proxyPort, endpoint: system.failoverUrl, outage: '10s', faults }));
      const run = await runCli(['run', file, '--out', dir.join('killed'), '--journal', journal], {
        during: (child, output) => {
          waitForOutput(output, /proxy primary down/).then(
            () => child.kill('SIGKILL'),
            () => child.kill('SIGKILL'),
          );
        },
      });
      expect(run.signal).to.equal('SIGKILL');
      const left = await client.findProxy('primary');
      expect(left?.enabled, 'the killed run left the proxy down').to.equal(false);
      expect(left?.toxics.map((toxic) => toxic.name)).to.have.length(1);
      const journalText = await readFile(journal, 'utf8');
      expect(journalText).to.include('"proxy-down"').and.include('"toxic"');
      const created = (JSON.parse(journalText) as { infrastructure: { createdProxies?: { name: string; listen: string; upstream: string }[] } }).infrastructure.createdProxies;
      expect(created).to.deep.equal([{ toxiproxyUrl: toxiproxy.url, name: 'primary', listen: `127.0.0.1:${system.proxyPort}`, upstream: `127.0.0.1:${system.primaryPort}` }]);

      const cleanup = await runCli(['cleanup', '--journal', journal]);
      expect(cleanup.code, cleanup.stderr).to.equal(0);
      expect(cleanup.stdout).to.match(/reverted\s+outage\/1: proxy primary down/);
      expect(cleanup.stdout).to.match(/reverted\s+outage\/0: toxic /);
      expect(cleanup.stdout).to.match(/removed\s+proxy primary \(listen 127\.0\.0\.1:\d+ → upstream 127\.0\.0\.1:\d+\) created at /);
      expect(await client.findProxy('primary')).to.equal(undefined);
      expect(existsSync(journal)).to.equal(false);

      const again = await runCli(['cleanup', '--journal', journal]);
      expect(again.code).to.equal(0);
      expect(again.stdout).to.match(/Nothing to clean up/);
    } finally {
      if (!(await client.findProxy('primary'))) {
        await client.createProxy({ name: 'primary', listen: `127.0.0.1:${system.proxyPort}`, upstream: `127.0.0.1:${system.primaryPort}` });
      }
    }
  });

  it('cleanup exits 4 when a journaled Toxiproxy cannot be reached, and keeps the journal', async () => {
    const journal = await dir.write(
      'stale.journal.json',
      JSON.stringify({
        version: 1,
        pid: 999_999_999,
        experiment: 'x',
        startedAt: new Date().toISOString(),
        infrastructure: {},
        entries: [{ faultId: 'o/0', description: 'd', writtenAt: '', record: { kind: 'toxic', toxiproxyUrl: `http://127.0.0.1:${await freePort()}`, proxy: 'p', toxic: 't' } }],
      }),
    );
    const cleanup = await runCli(['cleanup', '--journal', journal]);
    expect(cleanup.code).to.equal(4);
    expect(cleanup.stdout).to.match(/failed\s+o\/0: toxic t on proxy p .*not reachable/);
    expect(existsSync(journal)).to.equal(true);
  });
});
