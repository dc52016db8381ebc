/**
 * annotations.grafana against a FAKE Grafana (its annotations API only; Grafana cannot be
 * installed here): each phase and each fault becomes a region annotation with the run's
 * wall-clock times; a wrong token stops the run before load (exit 4); the token never leaves
 * redacted outputs.
 */
import { expect } from 'chai';
import { Type } from '@sinclair/typebox';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PreflightError } from '../../src/errors.ts';
import { parseExperiment } from '../../src/experiment/index.ts';
import type { FaultKind } from '../../src/faults/fault-kind.ts';
import { registerFaultKind } from '../../src/plugins/registry.ts';
import { runExperiment } from '../../src/runner/run-experiment.ts';
import { fakeLoadDriver } from '../helpers/fake-load-driver.ts';
import { FakeGrafana } from './fake-grafana.ts';

/** A fault kind that changes nothing (registered from the test): only its events matter here. */
const noopKind: FaultKind<{ label: string }, { kind: 'noop'; id: string; phase: string; label: string }, { kind: 'noop' }> = {
  key: 'noop',
  kinds: ['noop'],
  schema: Type.Object({ label: Type.String() }, { additionalProperties: false }),
  resolve: (_ctx, _path, spec, { id, phase }) => ({ kind: 'noop', id, phase, label: spec.label }),
  describe: (fault) => ({ target: 'nothing', description: `noop ${fault.label}` }),
  open: () => ({
    preflight: async () => ({ touches: [], problems: [] }),
    plan: async () => ({ record: { kind: 'noop' }, run: async () => undefined }),
    apply: async () => undefined,
  }),
  describeRecord: () => 'nothing',
  revertRecord: async () => 'already-reverted',
};

describe('annotations.grafana (fake Grafana)', function () {
  this.timeout(30_000);
  let dir: string;
  const grafana = new FakeGrafana('glsa_s3cret');
  let grafanaUrl: string;
  let app: Server;
  let unregister = () => {};

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rebound-grafana-'));
    unregister = registerFaultKind(noopKind);
    grafanaUrl = await grafana.start();
    app = createServer((_req, res) => res.writeHead(200).end());
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  });
  after(async () => {
    unregister();
    await grafana.stop();
    await new Promise<void>((resolve) => app.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
  });

  const yaml = () => `apiVersion: rebound.dev/v1
kind: Experiment
metadata: { name: annotated }
target: { endpoints: { app: http://127.0.0.1:${(app.address() as AddressInfo).port} } }
load: { rate: 50/s, requests: [ { url: "{{endpoints.app}}/" } ] }
phases:
  - { name: baseline, duration: 300ms }
  - { name: outage, duration: 500ms, faults: [ { noop: { label: it } } ] }
annotations:
  grafana: { url: "${grafanaUrl}", token: "\${env:GRAFANA_TOKEN}", dashboardUID: game-day, tags: [shop] }
report: { formats: [json] }
`;

  it("marks each phase as a region annotation with the run's wall-clock times, tagged", async () => {
    const outcome = await runExperiment({
      experiment: parseExperiment(yaml(), join(dir, 'a.yaml'), { env: { GRAFANA_TOKEN: 'glsa_s3cret' } }),
      file: 'a.yaml',
      outDir: join(dir, 'out'),
      journalPath: join(dir, 'journal.json'),
      signals: false,
      loadDriver: fakeLoadDriver(),
    });
    expect(outcome.exitCode).to.equal(0);
    const result = outcome.result!;
    const phases = grafana.annotations.filter((a) => a.tags.some((t) => t.startsWith('phase:')));
    expect(phases.map((a) => a.tags)).to.deep.equal([
      ['rebound', 'experiment:annotated', 'phase:baseline', 'shop'],
      ['rebound', 'experiment:annotated', 'phase:outage', 'shop'],
    ]);
    for (const [index, annotation] of phases.entries()) {
      const phase = result.phases[index]!;
      expect(annotation).to.include({ dashboardUID: 'game-day', time: Date.parse(phase.startedAt), timeEnd: Date.parse(phase.endedAt), text: `annotated: phase ${phase.name}` });
    }
    // The documented shapes: POST then PATCH of the same id; the preflight's GET first.
    expect(grafana.requests.map((r) => `${r.method} ${r.path}`)).to.deep.equal([
      'GET /api/annotations',
      'POST /api/annotations',
      'PATCH /api/annotations/1',
      'POST /api/annotations',
      'POST /api/annotations',
      'PATCH /api/annotations/3',
      'PATCH /api/annotations/2',
    ]);
    // The token is a secret: not in result.json.
    expect(JSON.stringify(result)).not.to.contain('glsa_s3cret');
    // The fault: a region from its apply to its revert.
    const fault = result.faults[0]!;
    const annotation = grafana.annotations.find((a) => a.tags.includes('fault:outage/0'))!;
    expect(annotation).to.include({ time: Date.parse(fault.appliedAt!), timeEnd: Date.parse(fault.revertedAt!), text: 'annotated: fault outage/0: noop it' });
    expect(annotation.tags).to.include('kind:noop');
  });

  it('a token Grafana refuses stops the run before load (PreflightError: exit 4), naming Grafana', async () => {
    const before = grafana.annotations.length;
    let caught: unknown;
    try {
      await runExperiment({
        experiment: parseExperiment(yaml(), join(dir, 'b.yaml'), { env: { GRAFANA_TOKEN: 'wrong' } }),
        file: 'b.yaml',
        outDir: join(dir, 'out-b'),
        journalPath: join(dir, 'journal-b.json'),
        signals: false,
        loadDriver: fakeLoadDriver(),
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).to.be.instanceOf(PreflightError);
    expect((caught as Error).message).to.equal(`Grafana at ${grafanaUrl} answered GET /api/annotations with HTTP 401 (check annotations.grafana.token)`);
    expect(grafana.annotations.length).to.equal(before);
  });
});
