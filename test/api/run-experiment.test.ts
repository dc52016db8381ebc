import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import Ajv2020Module from 'ajv/dist/2020.js';
import { defineExperiment, runExperiment, RunInterruptedBeforeStart, ValidationError, type Experiment, type Result, type RunEvent } from '../../src/api/index.ts';
import { CHECK_KEYS, FAULT_KEYS } from '../../src/api/experiment-types.ts';
import { BUILTIN_CHECK_KINDS, BUILTIN_FAULT_KINDS } from '../../src/plugins/registry.ts';
import { ToxiproxyClient } from '../../src/faults/toxiproxy-client.ts';
import type { ToxiproxyServer } from '../../src/toxiproxy/index.ts';
import { useSystemBehindToxiproxy, TempDir, type ShopSystem } from '../cli/system.ts';
import { proxyDownExperiment } from './system-experiment.ts';

const Ajv2020 = ((Ajv2020Module as unknown as { default?: unknown }).default ?? Ajv2020Module) as typeof Ajv2020Module.default;

/** Checks a Result against the shipped src/result/result.schema.json itself. */
async function expectValidAgainstShippedSchema(result: Result): Promise<void> {
  const schema = JSON.parse(await readFile(new URL('../../src/result/result.schema.json', import.meta.url), 'utf8')) as object;
  const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
  const valid = validate(JSON.parse(JSON.stringify(result)));
  expect(valid, JSON.stringify(validate.errors)).to.equal(true);
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('api: experiments as values', () => {
  const bad = {
    apiVersion: 'rebound.dev/v1',
    kind: 'Experiment',
    metadata: { name: 'bad-one' },
    target: { endpoints: { app: 'http://127.0.0.1:9/' } },
    load: { rate: '10/s', requests: [{ url: '{{endpoints.nope}}/' }] },
    phases: [{ name: 'baseline', duration: '1 minute' }],
    checks: [{ successRatio: { phase: 'outage', min: 0.9 } }],
  };

  it('runExperiment rejects a bad value with every problem located by field path (no line: it is not a file), before touching anything', async () => {
    const error = await rejection(runExperiment(bad as unknown as Experiment, { formats: [] }));
    expect(error).to.be.instanceOf(ValidationError);
    const issues = (error as ValidationError).issues;
    expect(issues.map((issue) => issue.path)).to.include.members(['phases[0].duration', 'load.requests[0].url', 'checks[0].successRatio.phase']);
    for (const issue of issues) expect(issue).to.include({ file: 'experiment object "bad-one"', line: 0, column: 0 });
    expect((error as ValidationError).message).to.contain('experiment object "bad-one": phases[0].duration: expected');
    expect((error as ValidationError).message).to.contain('checks[0].successRatio.phase');
  });

  it('defineExperiment applies the same validator and returns the value unchanged when it is good', () => {
    expect(() => defineExperiment(bad as unknown as Experiment)).to.throw(ValidationError, /phases\[0\]\.duration/);
    const good = { ...bad, load: { rate: '10/s', requests: [{ url: '{{endpoints.app}}/' }] }, phases: [{ name: 'outage', duration: '1s' }] } as unknown as Experiment;
    expect(defineExperiment(good)).to.equal(good);
    expect(() => defineExperiment(null as unknown as Experiment)).to.throw(ValidationError, /expected an experiment object/);
  });

  it('a YAML file with problems rejects with file:line:column locations', async () => {
    const dir = await TempDir.create();
    try {
      const file = await dir.write('bad.yaml', 'apiVersion: rebound.dev/v1\nkind: Experiment\nmetadata: { name: Bad_Name }\nphases:\n  - { name: a, durration: 1s }\n');
      const error = await rejection(runExperiment(file, { formats: [] }));
      expect(error).to.be.instanceOf(ValidationError);
      const issue = (error as ValidationError).issues.find((i) => i.path === 'metadata.name')!;
      expect(issue).to.include({ file, line: 3 });
    } finally {
      await dir.remove();
    }
  });

  it('the typed key lists are the registry’s built-in kinds (TS and YAML experiments cannot drift)', () => {
    expect([...FAULT_KEYS]).to.have.members(BUILTIN_FAULT_KINDS.map((kind) => kind.key));
    expect([...CHECK_KEYS]).to.have.members(BUILTIN_CHECK_KINDS.map((kind) => kind.key));
  });
});

describe('api: runExperiment against a loopback system', function () {
  this.timeout(60_000);
  let dir: TempDir;
  let system: ShopSystem;
  let toxiproxy: ToxiproxyServer;
  let client: ToxiproxyClient;
  const sigintListeners = process.listenerCount('SIGINT');

  useSystemBehindToxiproxy((fixture) => ({ dir, system, toxiproxy, client } = fixture));

  it('a run resolves to a Result that validates against result.schema.json, and writes the reports asked for', async () => {
    const events: RunEvent[] = [];
    const result = await runExperiment(proxyDownExperiment('api-complete', system, toxiproxy.url, '1s'), {
      outDir: dir.join('complete'),
      journal: dir.join('complete.journal.json'),
      observer: { onEvent: (event) => events.push(event) },
    });
    await expectValidAgainstShippedSchema(result);
    expect(result.interrupted).to.equal(false);
    expect(result.experiment.file).to.equal('experiment object "api-complete"');
    expect(result.experiment.source).to.contain('name: api-complete');
    expect(result.phases.map((phase) => phase.name)).to.deep.equal(['baseline', 'outage', 'recovery']);
    expect(events.map((event) => event.kind)).to.include.members(['fault-applied', 'fault-reverted']);
    expect(await readdir(dir.join('complete'))).to.deep.equal(['result.json']);
    expect((await client.findProxy('primary'))?.enabled).to.equal(true);
  });

  it('with no report format, nothing is written and no report directory is made', async () => {
    const cwd = dir.join('quiet');
    const result = await runExperiment(proxyDownExperiment('api-quiet', system, toxiproxy.url, '1s'), { cwd, formats: [], journal: dir.join('quiet.journal.json') });
    expect(result.phases).to.have.length(3);
    expect(existsSync(cwd), 'nothing under cwd').to.equal(false);
  });

  it('aborting the signal mid-fault ends the run with its faults reverted and an interrupted Result', async () => {
    const controller = new AbortController();
    let downWhenAborted: boolean | undefined;
    const journal = dir.join('aborted.journal.json');
    const result = await runExperiment(proxyDownExperiment('api-aborted', system, toxiproxy.url, '30s'), {
      outDir: dir.join('aborted'),
      journal,
      signal: controller.signal,
      observer: {
        onEvent: (event) => {
          if (event.kind !== 'fault-applied') return;
          void client.findProxy('primary').then((proxy) => {
            downWhenAborted = proxy?.enabled === false;
            controller.abort(new Error('test is done'));
          });
        },
      },
    });
    expect(downWhenAborted, 'the fault was applied when the signal aborted').to.equal(true);
    expect(result.interrupted).to.equal(true);
    expect(result.faults).to.have.length(1);
    expect(result.faults[0]!.revertedAt, 'reverted').to.be.a('string');
    expect(result.events.some((event) => event.kind === 'interrupted' && event.message === 'aborted by the caller: test is done')).to.equal(true);
    expect((await client.findProxy('primary'))?.enabled).to.equal(true);
    expect(existsSync(journal), 'the journal is settled (nothing left to undo)').to.equal(false);
    // It stopped long before the 30 s outage was over.
    expect(result.phases.find((phase) => phase.name === 'outage')!.endMs).to.be.below(30_000);
    await expectValidAgainstShippedSchema(result);
  });

  it('the process’s signals are the caller’s unless handleSignals is set', async () => {
    // process.emit runs the listeners only: no real signal reaches this process.
    const emitSigintOnFault = { onEvent: (event: RunEvent) => void (event.kind === 'fault-applied' && process.emit('SIGINT', 'SIGINT')) };
    const ignoring = await runExperiment(proxyDownExperiment('api-ignores-sigint', system, toxiproxy.url, '1s'), { formats: [], cwd: dir.path, journal: dir.join('ignoring.journal.json'), observer: emitSigintOnFault });
    expect(ignoring.interrupted, 'default: SIGINT is not the run’s business').to.equal(false);
    const handling = await runExperiment(proxyDownExperiment('api-handles-sigint', system, toxiproxy.url, '30s'), {
      formats: [],
      cwd: dir.path,
      journal: dir.join('handling.journal.json'),
      observer: emitSigintOnFault,
      handleSignals: true,
    });
    expect(handling.interrupted).to.equal(true);
    expect(handling.events.find((event) => event.kind === 'interrupted')?.message).to.equal('interrupted by SIGINT');
    expect(handling.faults[0]!.revertedAt).to.be.a('string');
    expect((await client.findProxy('primary'))?.enabled).to.equal(true);
    expect(process.listenerCount('SIGINT'), 'no listener left behind').to.equal(sigintListeners);
  });

  it('a signal already aborted rejects before anything is injected, and leaves no empty report directory', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await rejection(runExperiment(proxyDownExperiment('api-never', system, toxiproxy.url), { cwd: dir.path, journal: dir.join('never.journal.json'), signal: controller.signal }));
    expect(error).to.be.instanceOf(RunInterruptedBeforeStart);
    expect((error as RunInterruptedBeforeStart).by).to.equal('signal');
    const reports = dir.join('reports/api-never');
    expect(existsSync(reports) ? await readdir(reports) : [], 'no report directory left behind').to.deep.equal([]);
    expect((await client.findProxy('primary'))?.enabled).to.equal(true);
  });
});
