import { expect } from 'chai';
import { readdirSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadExperiment } from '../../src/experiment/index.ts';
import type { CheckSpec, ResolvedExperiment } from '../../src/experiment/resolved.ts';
import type { PodKillFault } from '../../src/faults/pod-kill-kind.ts';
import { matchesLabels, parseLabelSelector } from '../../src/localcluster/api/label-selector.ts';
import { runCli } from '../helpers/cli.ts';
import { readManifests, byKind, containerEnv, experimentsDir } from './shop-manifests.ts';

const SCHEMA_LINE = '# yaml-language-server: $schema=../src/experiment/experiment.schema.json';
const files = readdirSync(experimentsDir).filter((f) => f.endsWith('.yaml')).sort();

/** What each shipped experiment must end with, and the only checks allowed to fail. */
const EXPECTED: Record<string, { exitCode: number; verdict: string; failedChecks: string[] }> = {
  'payments-primary-down.yaml': { exitCode: 0, verdict: 'passed', failedChecks: [] },
  'payments-latency.yaml': { exitCode: 0, verdict: 'passed', failedChecks: [] },
  'payments-pod-kill.yaml': { exitCode: 0, verdict: 'passed', failedChecks: [] },
  'inventory-pod-kill-weighted.yaml': { exitCode: 0, verdict: 'passed', failedChecks: [] },
  'fragile-payments-primary-down.yaml': { exitCode: 1, verdict: 'failed', failedChecks: ['checkout keeps working while payments-primary is down'] },
  'mesh-canary-split.yaml': { exitCode: 0, verdict: 'passed', failedChecks: [] },
  'mesh-abort-at-edge.yaml': { exitCode: 1, verdict: 'failed', failedChecks: ['checkout keeps working while 20% of edge requests are aborted'] },
  'mesh-abort-retried-at-edge.yaml': { exitCode: 0, verdict: 'passed', failedChecks: ['payments failure rate as the mesh saw it (advisory; the injected aborts, FI)'] },
  'mesh-outlier-ejection.yaml': { exitCode: 0, verdict: 'passed', failedChecks: [] },
};

describe('shipped experiments', () => {
  const deployments = byKind(readManifests('local'), 'Deployment');
  const loaded = new Map<string, ResolvedExperiment>();

  before(async () => {
    for (const f of files) loaded.set(f, await loadExperiment(path.join(experimentsDir, f)));
  });

  it('are exactly the ones with a stated expectation', () => {
    expect(files).to.have.members(Object.keys(EXPECTED));
  });

  it('each begins with the schema line and runs ≤ 30 s of phases', () => {
    for (const f of files) {
      expect(readFileSync(path.join(experimentsDir, f), 'utf8').split('\n')[0], f).to.equal(SCHEMA_LINE);
      const e = loaded.get(f)!;
      expect(e.phases.reduce((sum, p) => sum + p.durationMs, 0), f).to.be.at.most(30_000);
    }
  });

  /** The shop flavour an experiment runs against: its manifests directory's name. */
  const flavourOf = (e: ResolvedExperiment) => (e.target.kubernetes?.mode === 'local' ? (path.basename(e.target.kubernetes.manifests) as 'local' | 'mesh') : undefined);

  it('target the local shop or its mesh flavour: endpoints are its Services; the local one through the proxy checkout calls', () => {
    const checkoutEnv = containerEnv(deployments.find((d) => d.metadata.name === 'checkout')!);
    for (const f of files) {
      const e = loaded.get(f)!;
      const flavour = flavourOf(e);
      expect(flavour, f).to.be.oneOf(['local', 'mesh']);
      expect(e.target.kubernetes, f).to.deep.include({ mode: 'local', namespace: flavour === 'mesh' ? 'shop-mesh' : 'shop' });
      const serviceNames = byKind(readManifests(flavour!), 'Service').map((s) => s.metadata.name);
      for (const endpoint of Object.values(e.target.endpoints)) {
        expect(endpoint.kind, f).to.equal('service');
        if (endpoint.kind === 'service') expect(serviceNames, f).to.include(endpoint.service);
      }
      if (flavour === 'mesh') continue;
      expect(e.target.toxiproxy?.mode, f).to.equal('embedded');
      const proxy = e.target.toxiproxy!.proxies.find((p) => p.name === 'payments-primary')!;
      expect(`http://${proxy.listen}`, f).to.equal(checkoutEnv.PAYMENTS_PRIMARY_URL);
      expect(proxy.upstream, f).to.deep.equal({ kind: 'service', service: 'payments-primary', port: 80 });
    }
  });

  it('name only instances the shop has: traffic-split keys, pod-kill and podsReady selectors', () => {
    for (const f of files) {
      const e = loaded.get(f)!;
      const shop = byKind(readManifests(flavourOf(e)!), 'Deployment');
      const names = shop.map((d) => d.metadata.name);
      const matching = (selector: string) => shop.filter((d) => matchesLabels(parseLabelSelector(selector), d.spec.template.metadata.labels));
      if (e.load.servedByHeader) expect(e.load.servedByHeader, f).to.be.oneOf(['x-payments-served-by', 'x-inventory-served-by']);
      for (const check of e.checks) {
        const spec = check.spec as CheckSpec;
        if (spec.kind === 'trafficSplit') for (const key of Object.keys(spec.expect)) expect(names, `${f}: ${check.name}`).to.include(key);
        if (spec.kind === 'timeToFailback') for (const name of spec.to) expect(names, `${f}: ${check.name}`).to.include(name);
        if (spec.kind === 'podsReady') expect(spec.count, f).to.equal(matching(spec.selector).reduce((sum, d) => sum + (d.spec.replicas ?? 1), 0));
      }
      for (const fault of e.phases.flatMap((p) => p.faults)) {
        if (fault.kind === 'pod-kill') expect(matching((fault as PodKillFault).selector), `${f}: ${fault.id}`).to.have.length.greaterThan(0);
      }
    }
  });

  it('the fragile experiment differs from the robust one only in its endpoint, checks and guardrail', () => {
    const robust = loaded.get('payments-primary-down.yaml')!;
    const fragile = loaded.get('fragile-payments-primary-down.yaml')!;
    expect(fragile.target.endpoints).to.deep.equal({ checkout: { kind: 'service', service: 'checkout-fragile', port: 80, scheme: 'http' } });
    expect(fragile.phases).to.deep.equal(robust.phases);
    expect(fragile.load).to.deep.equal(robust.load);
    // A guardrail must not turn the expected "failed" into "aborted": it has to outlast the outage.
    const outage = fragile.phases.find((p) => p.name === 'outage')!;
    expect(fragile.guardrails.abortIf!.forMs).to.be.above(outage.durationMs);
  });
});

/**
 * End to end: each experiment through the real CLI (local control plane, embedded Toxiproxy,
 * builtin load). About 30 s each, so only with REBOUND_E2E=1 (.ci/run sets it).
 */
describe('shipped experiments, end to end (REBOUND_E2E=1)', function () {
  this.timeout(120_000);
  let outRoot: string;
  before(function () {
    if (process.env.REBOUND_E2E !== '1') this.skip();
    outRoot = mkdtempSync(path.join(tmpdir(), 'rebound-shop-e2e-'));
  });
  after(() => { if (outRoot) rmSync(outRoot, { recursive: true, force: true }); });

  for (const [file, expected] of Object.entries(EXPECTED)) {
    it(`${file} → ${expected.verdict}${expected.failedChecks.length ? ` (only: ${expected.failedChecks.join(', ')})` : ''}`, async () => {
      const out = path.join(outRoot, file.replace('.yaml', ''));
      const run = await runCli(['run', path.join(experimentsDir, file), '--out', out], { timeoutMs: 110_000 });
      const { code } = run;
      const output = run.stdout + run.stderr;
      const result = JSON.parse(readFileSync(path.join(out, 'result.json'), 'utf8')) as {
        verdict: string; checks: { name: string; verdict: string; reason?: string }[];
      };
      const failed = result.checks.filter((c) => c.verdict !== 'passed');
      expect(failed.map((c) => c.name), `${file}\n${failed.map((c) => `${c.name}: ${c.reason}`).join('\n')}\n${output}`).to.deep.equal(expected.failedChecks);
      expect(result.checks.filter((c) => c.verdict === 'failed').length).to.equal(expected.failedChecks.length);
      expect(result.verdict).to.equal(expected.verdict);
      expect(code, output).to.equal(expected.exitCode);
    });
  }
});
