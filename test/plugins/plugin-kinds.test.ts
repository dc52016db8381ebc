/**
 * A fault kind and an async check kind registered from test code alone (nothing under src/ knows
 * them), run through the real runner: validated by the schema built from the registry, journaled
 * before apply, reverted at phase end and from the journal after a simulated crash, checked,
 * and reported (result.json validated, HTML rendered).
 *
 * The fault kind `touchFile` creates a marker file (a real side effect on the file system) and
 * its revert removes it; its plan snapshots whether the file existed before. The check kind
 * `endpointAnswers` asks the opened target's endpoint over HTTP, asynchronously, after the run.
 */
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import type { CheckKind } from '../../src/checks/check-kind.ts';
import { ValidationError } from '../../src/errors.ts';
import { parseExperiment } from '../../src/experiment/index.ts';
import type { FaultKind } from '../../src/faults/fault-kind.ts';
import { registerCheckKind, registerFaultKind } from '../../src/plugins/registry.ts';
import { renderReports } from '../../src/reporters/index.ts';
import { validateResult } from '../../src/result/validate-result.ts';
import { readJournal } from '../../src/runner/journal.ts';
import { runExperiment } from '../../src/runner/run-experiment.ts';
import { sweepJournal } from '../../src/runner/sweep.ts';
import { fakeLoadDriver } from '../helpers/fake-load-driver.ts';

const TouchFileSchema = Type.Object({ path: Type.String({ minLength: 1 }) }, { additionalProperties: false });
interface TouchFileFault {
  readonly kind: 'touch-file';
  readonly id: string;
  readonly phase: string;
  readonly path: string;
}
type TouchFileRecord = { readonly kind: 'touch-file'; readonly path: string; readonly existedBefore: boolean };

/** What the fault kind saw, for the assertions. */
const seen: string[] = [];

const touchFileKind: FaultKind<Static<typeof TouchFileSchema>, TouchFileFault, TouchFileRecord> = {
  key: 'touchFile',
  kinds: ['touch-file'],
  schema: TouchFileSchema,
  resolve(ctx, path, spec, { id, phase }) {
    if (!spec.path.startsWith('/')) return void ctx.error([...path, 'path'], 'must be an absolute path');
    return { kind: 'touch-file', id, phase, path: spec.path };
  },
  describe: (fault) => ({ target: `file ${fault.path}`, description: `touch ${fault.path}` }),
  open: ({ experiment }) => ({
    async preflight(fault) {
      return { touches: [`creates ${fault.path}`], problems: [], details: { experiment: experiment.name } };
    },
    async plan(fault) {
      const existedBefore = existsSync(fault.path);
      return { record: { kind: 'touch-file', path: fault.path, existedBefore }, run: () => rm(fault.path, { force: true }) };
    },
    async apply(fault, context) {
      const journal = await readJournal(journalPath);
      seen.push(`apply ${fault.id} journaled=${journal?.entries.some((entry) => entry.record.kind === 'touch-file') ?? false} at=${Math.round(context.now())}`);
      await writeFile(fault.path, 'fault\n');
    },
    resultFields: (fault) => ({ file: fault.path }),
  }),
  describeRecord: (record) => `file ${record.path}`,
  async revertRecord(record) {
    if (record.existedBefore || !existsSync(record.path)) return 'already-reverted';
    await rm(record.path);
    return 'reverted';
  },
};

const EndpointAnswersSchema = Type.Object({ endpoint: Type.String(), status: Type.Integer() }, { additionalProperties: false });
type EndpointAnswersSpec = { readonly kind: 'endpointAnswers'; readonly endpoint: string; readonly status: number };

const endpointAnswersKind: CheckKind<Static<typeof EndpointAnswersSchema>, EndpointAnswersSpec> = {
  key: 'endpointAnswers',
  schema: EndpointAnswersSchema,
  resolve(env, path, spec) {
    if (!(spec.endpoint in env.target.endpoints)) return void env.ctx.error([...path, 'endpoint'], `no endpoint named ${spec.endpoint}`);
    return { kind: 'endpointAnswers', endpoint: spec.endpoint, status: spec.status };
  },
  defaultName: (spec) => `${spec.endpoint} answers ${spec.status}`,
  async evaluate(check, context) {
    const url = context.target!.endpoints[check.spec.endpoint]!;
    const response = await fetch(url, { signal: context.signal });
    await response.body?.cancel();
    const applied = context.faults.filter((fault) => fault.appliedMs !== undefined).length;
    return {
      name: check.name,
      kind: check.spec.kind,
      strict: check.strict,
      verdict: response.status === check.spec.status ? 'passed' : 'failed',
      reason: `${url} answered ${response.status} after the run started at ${new Date(context.runStartEpochMs).toISOString()}; ${applied} fault(s) applied`,
      observed: { status: response.status },
      expected: { status: check.spec.status },
    };
  },
};

const fakeDriver = fakeLoadDriver();

let journalPath = '';

describe('plugins: a fault kind and an async check kind registered from test code', function () {
  this.timeout(30_000);
  let dir: string;
  let server: Server;
  let url: string;
  const unregister: (() => void)[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rebound-plugins-'));
    journalPath = join(dir, 'journal.json');
    server = createServer((_req, res) => res.writeHead(204).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    unregister.push(registerFaultKind(touchFileKind), registerCheckKind(endpointAnswersKind));
  });
  after(async () => {
    for (const undo of unregister) undo();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
  });

  const yaml = (marker: string, status = 204) => `apiVersion: rebound.dev/v1
kind: Experiment
metadata: { name: plugins }
target: { endpoints: { app: ${url} } }
load: { rate: 100/s, requests: [ { url: "{{endpoints.app}}/" } ] }
phases:
  - { name: baseline, duration: 300ms }
  - { name: outage, duration: 500ms, faults: [ { touchFile: { path: ${marker} } } ] }
  - { name: recovery, duration: 300ms }
checks:
  - { endpointAnswers: { endpoint: app, status: ${status} } }
  - { successRatio: { phase: outage, min: 0.9 } }
report: { formats: [json, html] }
`;

  it('validates through the schema built from the registry, with located errors for the new kinds', () => {
    const error = (() => {
      try {
        parseExperiment(yaml('relative/path').replace('endpoint: app', 'endpoint: nowhere').replace('touchFile: {', 'touchFile: { mode: 1,'), join(dir, 'bad.yaml'));
      } catch (caught) {
        return caught as ValidationError;
      }
      throw new Error('expected a ValidationError');
    })();
    const messages = error.issues.map((issue) => `${issue.path}: ${issue.message}`);
    expect(messages.some((m) => m.startsWith('phases[1].faults[0].touchFile.mode:'))).to.equal(true);
    expect(messages.some((m) => m.startsWith('checks[0].endpointAnswers.endpoint: no endpoint named nowhere'))).to.equal(true);
  });

  it('runs them through the real runner: journaled before apply, reverted at phase end, checked asynchronously, reported', async () => {
    const marker = join(dir, 'marker');
    let existedDuringOutage = false;
    const teardowns: string[] = [];
    const outcome = await runExperiment({
      experiment: parseExperiment(yaml(marker), join(dir, 'plugins.yaml')),
      file: 'plugins.yaml',
      outDir: join(dir, 'out'),
      journalPath,
      signals: false,
      loadDriver: fakeDriver,
      observer: {
        onEvent: (event) => {
          if (event.kind === 'fault-applied') existedDuringOutage = existsSync(marker);
        },
        onStep: (event) => event.stage === 'teardown' && teardowns.push(event.step),
      },
    });
    expect(seen.at(-1)).to.match(/^apply outage\/0 journaled=true at=\d+$/);
    expect(existedDuringOutage).to.equal(true);
    expect(existsSync(marker), 'reverted').to.equal(false);
    expect(await readJournal(journalPath)).to.equal(undefined);
    const result = outcome.result!;
    expect(outcome.exitCode, JSON.stringify({ reason: result.verdictReason, checks: result.checks, error: result.error, report: outcome.reportError })).to.equal(0);
    const fault = result.faults[0]! as typeof result.faults[0] & { file?: string };
    expect(fault).to.include({ kind: 'touch-file', description: `touch ${marker}`, file: marker });
    expect(fault.revertedMs).to.be.greaterThan(fault.appliedMs!);
    expect(result.checks[0]).to.include({ kind: 'endpointAnswers', name: 'app answers 204', verdict: 'passed' });
    expect(result.checks[0]!.reason).to.match(/answered 204 .* 1 fault\(s\) applied/);
    expect(outcome.plan.faults[0]).to.deep.include({ touches: [`creates ${marker}`], details: { experiment: 'plugins' } });
    expect(teardowns).to.deep.equal(['revert faults still applied', 'stop ticker', 'stop load', 'stop pod watches', 'close target', 'close journal', 'release journal lock']);
    // The result schema's kind enums come from the registry: the new kinds validate and render.
    const files = await renderReports(result, join(dir, 'reports'), ['json', 'html']);
    validateResult(JSON.parse(await readFile(files.find((file) => file.endsWith('result.json'))!, 'utf8')), 'result.json');
    expect(await readFile(files.find((file) => file.endsWith('report.html'))!, 'utf8')).to.contain('app answers 204');
  });

  it('a failed async check fails the run (exit 1)', async () => {
    const outcome = await runExperiment({
      experiment: parseExperiment(yaml(join(dir, 'marker2'), 500), join(dir, 'plugins.yaml')),
      file: 'plugins.yaml',
      outDir: join(dir, 'out2'),
      journalPath,
      signals: false,
      loadDriver: fakeDriver,
    });
    expect(outcome.result!.checks[0]!.verdict).to.equal('failed');
    expect(outcome.exitCode).to.equal(1);
  });

  it('the next run sweeps what a crashed run journaled, through the kind\'s own journal revert', async () => {
    const marker = join(dir, 'left-behind');
    await writeFile(marker, 'fault\n');
    const record: TouchFileRecord = { kind: 'touch-file', path: marker, existedBefore: false };
    // A journal as a run that died (its pid is not alive) left it.
    await writeFile(
      journalPath,
      JSON.stringify({ version: 1, pid: 999_999_999, experiment: 'plugins', startedAt: new Date().toISOString(), infrastructure: {}, entries: [{ faultId: 'outage/0', description: 'touch', record, writtenAt: new Date().toISOString() }] }),
    );
    const report = await sweepJournal(journalPath);
    expect(report.actions).to.deep.equal([{ what: `outage/0: file ${marker}`, outcome: 'reverted' }]);
    expect(existsSync(marker)).to.equal(false);
    expect(await readJournal(journalPath)).to.equal(undefined);
  });
});
