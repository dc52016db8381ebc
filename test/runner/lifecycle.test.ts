/**
 * The lifecycle in-process: embedded Toxiproxy (real), a FAKE load driver (named as such: it
 * produces samples on the run clock without HTTP, so that the lifecycle is tested in isolation)
 * and the built-in toxiproxy fault kind wrapped (through the registry) to log what it does.
 */
import { expect } from 'chai';
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseExperiment } from '../../src/experiment/index.ts';
import type { ResolvedExperiment } from '../../src/experiment/resolved.ts';
import { ToxiproxyClient } from '../../src/faults/toxiproxy-client.ts';
import { toxiproxyFaultKind } from '../../src/faults/toxiproxy-kind.ts';
import { registerFaultKind } from '../../src/plugins/registry.ts';
import type { LoadDriver } from '../../src/load/load-driver.ts';
import { fakeLoadDriver } from '../helpers/fake-load-driver.ts';
import { readJournal } from '../../src/runner/journal.ts';
import { validateResult } from '../../src/result/validate-result.ts';
import { renderHtml } from '../../src/reporters/html/render-html.ts';
import { runExperiment, type RunExperimentOptions } from '../../src/runner/run-experiment.ts';
import { startToxiproxy, type ToxiproxyServer } from '../../src/toxiproxy/index.ts';

/** FAKE load driver: one successful sample every 10 ms on the run clock. */
const fakeDriver = () => fakeLoadDriver();

/** FAKE load driver whose requests all fail with HTTP 500. */
function failingDriver(): LoadDriver {
  return fakeLoadDriver((sample) => ({ ...sample, ok: false, status: 500, failure: 'http_status' }), 'fake-failing');
}

/** FAKE load driver whose requests all leave `lagMs` after their scheduled time (a starved driver). */
function laggingDriver(lagMs: number): LoadDriver {
  return fakeLoadDriver((sample) => ({ ...sample, sentMs: sample.scheduledMs + lagMs, endMs: sample.scheduledMs + lagMs + 1 }), 'fake-lagging');
}

describe('runner: lifecycle (embedded Toxiproxy, FAKE load driver)', function () {
  this.timeout(30_000);
  let dir: string;
  let endpoint: Server;
  let endpointUrl: string;
  let listenPort: number;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rebound-lifecycle-'));
    endpoint = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
    endpointUrl = `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}`;
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    listenPort = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
  });
  after(async () => {
    await new Promise<void>((resolve) => endpoint.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
  });

  function experiment(toxiproxyUrl: string): ResolvedExperiment {
    return parseExperiment(
      `apiVersion: rebound.dev/v1
kind: Experiment
metadata: { name: lifecycle }
target:
  toxiproxy:
    url: ${toxiproxyUrl}
    proxies: [ { name: p, listen: 127.0.0.1:${listenPort}, upstream: 127.0.0.1:${(endpoint.address() as AddressInfo).port} } ]
  endpoints: { app: ${endpointUrl} }
load: { rate: 100/s, requests: [ { url: "{{endpoints.app}}/" } ] }
phases:
  - { name: baseline, duration: 500ms }
  - name: outage
    duration: 1s
    faults:
      - { toxiproxy: { proxy: p, toxic: latency, attributes: { latency: 1 } } }
      - { toxiproxy: { proxy: p, toxic: latency, attributes: { latency: 2 } } }
      - { toxiproxy: { proxy: p, down: true } }
  - { name: recovery, duration: 500ms }
checks:
  - { name: baseline ok, successRatio: { phase: baseline, min: 0.9 } }
report: { formats: [json] }
`,
      join(dir, 'lifecycle.yaml'),
    );
  }

  let toxiproxy: ToxiproxyServer;
  let client: ToxiproxyClient;
  beforeEach(async () => {
    toxiproxy = await startToxiproxy({ port: 0 });
    client = new ToxiproxyClient(toxiproxy.url);
    // As on a real Toxiproxy: the proxy exists before the run and outlives it.
    await client.createProxy({ name: 'p', listen: `127.0.0.1:${listenPort}`, upstream: `127.0.0.1:${(endpoint.address() as AddressInfo).port}` });
  });
  afterEach(async () => {
    await toxiproxy.close();
  });

  /**
   * The built-in toxiproxy kind, instrumented through the registry: what the journal held at apply
   * time, and the revert order. Returns the function that puts the built-in back.
   */
  function instrument(journalPath: string, log: string[], options: { failApply?: string } = {}): () => void {
    return registerFaultKind(
      {
        ...toxiproxyFaultKind,
        open(services) {
          const inner = toxiproxyFaultKind.open(services);
          return {
            ...inner,
            async plan(fault) {
              const revert = await inner.plan(fault);
              return {
                record: revert.record,
                async run() {
                  log.push(`revert ${fault.id}`);
                  await revert.run();
                },
              };
            },
            async apply(fault, context) {
              const journal = await readJournal(journalPath);
              log.push(`apply ${fault.id} journaled=${journal?.entries.some((entry) => entry.faultId === fault.id) ?? false}`);
              if (options.failApply === fault.id) throw new Error('injected failure');
              await inner.apply(fault, context);
            },
          };
        },
      },
      { replace: true },
    );
  }

  /** Runs the experiment; every result it produces must satisfy the result JSON Schema. */
  async function run(extra: Partial<RunExperimentOptions>, journalPath: string) {
    const outcome = await runExperiment({
      experiment: experiment(toxiproxy.url),
      file: 'lifecycle.yaml',
      outDir: join(dir, 'out'),
      journalPath,
      signals: false,
      loadDriver: fakeDriver(),
      ...extra,
    });
    if (outcome.result) validateResult(JSON.parse(JSON.stringify(outcome.result)), 'result.json');
    return outcome;
  }

  async function expectClean(): Promise<void> {
    const proxy = await client.findProxy('p');
    expect(proxy?.enabled).to.equal(true);
    expect(proxy?.toxics).to.deep.equal([]);
  }

  it('journals each fault before applying it and reverts a phase LIFO at its end', async () => {
    const journalPath = join(dir, 'j1.json');
    const log: string[] = [];
    const restore = instrument(journalPath, log);
    const outcome = await run({}, journalPath).finally(restore);
    expect(log).to.deep.equal([
      'apply outage/0 journaled=true',
      'apply outage/1 journaled=true',
      'apply outage/2 journaled=true',
      'revert outage/2',
      'revert outage/1',
      'revert outage/0',
    ]);
    expect(outcome.exitCode).to.equal(0);
    const faults = outcome.result!.faults;
    expect(faults.map((fault) => fault.revertedMs! >= fault.appliedMs!)).to.deep.equal([true, true, true]);
    expect(faults[0]!.appliedMs).to.be.within(450, 1000);
    expect(faults[0]!.revertedMs).to.be.within(1450, 2200);
    expect(await readJournal(journalPath)).to.equal(undefined);
    await expectClean();
  });

  it('records the harness self-check; a driver that sends late makes a passing run inconclusive ("harness overloaded")', async () => {
    const healthy = await run({}, join(dir, 'h1.json'));
    expect(healthy.result!.verdict).to.equal('passed');
    expect(healthy.result!.harness?.healthy).to.equal(true);
    expect(healthy.result!.harness?.sendLagMs.p99).to.be.lessThan(100);
    expect(Object.keys(healthy.result!.harness!.phaseStartLateMs.byPhase)).to.deep.equal(['baseline', 'outage', 'recovery']);

    const notes: string[] = [];
    const lagging = await run({ loadDriver: laggingDriver(400), observer: { onNote: (line) => notes.push(line) } }, join(dir, 'h2.json'));
    expect(lagging.result!.verdict).to.equal('inconclusive');
    expect(lagging.exitCode).to.equal(5);
    expect(lagging.result!.verdictReason).to.match(/^harness overloaded: load driver send lag p99 4\d\d(\.\d+)? ms > 100 ms .*measurements not trustworthy \(the verdict would have been passed/);
    expect(lagging.result!.harness?.healthy).to.equal(false);
    expect(lagging.result!.harness?.warnings[0]).to.match(/^harness overloaded: load driver send lag/);
    expect(notes.some((line) => /^warning: harness overloaded/.test(line))).to.equal(true);
    // Where it was late, per window of the run clock, and the report shading those windows.
    const windows = lagging.result!.harness!.windows!;
    expect(Math.max(...windows.sendLagMaxMs)).to.be.at.least(400);
    expect(Math.max(...healthy.result!.harness!.windows!.sendLagMaxMs)).to.be.below(100);
    const html = renderHtml(lagging.result!);
    expect(html).to.include('<section id="harness">');
    expect(html).to.match(/<rect class="harness-shade" x="[\d.]+" y="[\d.]+" width="[\d.]+"/);
    expect(renderHtml(healthy.result!)).not.to.include('class="harness-shade"');
    // Success and failure latency apart, in windows that tile the run.
    const latencyWindows = healthy.result!.timeline.latencyWindows!;
    expect(latencyWindows.windows.length).to.be.greaterThan(0);
    expect(latencyWindows.windows[0]!.fromMs).to.equal(0);
    await expectClean();
  });

  it('a fault that cannot be applied: verdict error, exit 4, the others still reverted', async () => {
    const journalPath = join(dir, 'j2.json');
    const log: string[] = [];
    const restore = instrument(journalPath, log, { failApply: 'outage/1' });
    const outcome = await run({}, journalPath).finally(restore);
    expect(outcome.result!.verdict).to.equal('error');
    expect(outcome.exitCode).to.equal(4);
    expect(outcome.result!.error?.message).to.match(/outage\/1: injected failure/);
    expect(outcome.result!.faults[1]!.applyError).to.equal('injected failure');
    // Its journaled revert ran, but a fault never applied is never reported as reverted.
    expect(outcome.result!.faults[1]!.revertedAt).to.equal(undefined);
    expect(outcome.result!.events.some((event) => event.kind === 'fault-reverted' && event.faultId === 'outage/1')).to.equal(false);
    expect(log.filter((line) => line.startsWith('revert'))).to.deep.equal(['revert outage/1', 'revert outage/0']);
    await expectClean();
  });

  it('the Toxiproxy dies mid-run: verdict error (never passed), exit 4, and the journal keeps what could not be reverted', async () => {
    const journalPath = join(dir, 'j-died.json');
    const outcome = await run(
      { observer: { onEvent: (event) => void (event.kind === 'fault-applied' && event.faultId === 'outage/2' && toxiproxy.close()) } },
      journalPath,
    );
    expect(outcome.result!.verdict).to.equal('error');
    expect(outcome.exitCode).to.equal(4);
    expect(outcome.result!.error?.message).to.match(/could not revert .*outage\/2 .*not reachable/);
    const journal = await readJournal(journalPath);
    expect(journal?.entries.map((entry) => entry.faultId).sort()).to.deep.equal(['outage/0', 'outage/1', 'outage/2']);
    // As after a crash: the next run's sweep (here, against a Toxiproxy started again) reverts it all.
    toxiproxy = await startToxiproxy({ port: Number(new URL(client.url).port) });
  });

  it('SIGINT during a fault: reverted, interrupted, exit 130', async () => {
    const journalPath = join(dir, 'j3.json');
    const source = new EventEmitter();
    const outcome = await run(
      {
        signals: source as never,
        observer: {
          onEvent: (event) => {
            if (event.kind === 'fault-applied' && event.faultId === 'outage/2') setTimeout(() => source.emit('SIGINT', 'SIGINT'), 50);
          },
        },
      },
      journalPath,
    );
    expect(outcome.exitCode).to.equal(130);
    expect(outcome.result!.interrupted).to.equal(true);
    expect(outcome.result!.durationMs).to.be.lessThan(1500);
    expect(outcome.result!.events.some((event) => event.kind === 'interrupted')).to.equal(true);
    expect(outcome.result!.faults.every((fault) => fault.revertedAt !== undefined)).to.equal(true);
    expect(source.listenerCount('SIGINT')).to.equal(0);
    await expectClean();
  });

  it('a reporter that throws makes the run exit 4 with the measured verdict kept', async () => {
    const journalPath = join(dir, 'j4.json');
    const outcome = await run(
      {
        reporter: {
          name: 'broken',
          onRunEnd: () => {
            throw new Error('disk full');
          },
        },
      },
      journalPath,
    );
    expect(outcome.result!.verdict).to.equal('passed');
    expect(outcome.exitCode).to.equal(4);
    expect(outcome.reportError).to.match(/disk full/);
    await expectClean();
  });

  describe('teardown order: one LIFO stack on every path', () => {
    const FULL = ['revert faults still applied', 'stop ticker', 'stop load', 'stop pod watches', 'close target', 'close journal', 'release journal lock'];

    async function traced(extra: Partial<RunExperimentOptions>, name: string) {
      const teardowns: string[] = [];
      const onStep = ({ step, stage }: { step: string; stage: string }) => stage === 'teardown' && teardowns.push(step);
      let outcome: Awaited<ReturnType<typeof run>> | undefined;
      let thrown: unknown;
      try {
        outcome = await run({ ...extra, observer: { ...extra.observer, onStep } }, join(dir, `${name}.json`));
      } catch (error) {
        thrown = error;
      }
      await expectClean();
      expect(await readJournal(join(dir, `${name}.json`))).to.equal(undefined);
      expect(existsSync(join(dir, `${name}.json.lock`)), 'journal lock released').to.equal(false);
      return { teardowns, outcome, thrown };
    }

    it('success, a failed SLO, a guardrail abort and SIGINT all unwind the same stack in reverse', async () => {
      const passed = await traced({}, 't-pass');
      expect(passed.outcome!.exitCode, passed.outcome!.result!.verdictReason).to.equal(0);
      expect(passed.teardowns).to.deep.equal(FULL);

      const failed = await traced({ loadDriver: failingDriver() }, 't-fail');
      expect(failed.outcome!.result!.verdict).to.equal('failed');
      expect(failed.teardowns).to.deep.equal(FULL);

      const guarded = experiment(toxiproxy.url);
      const aborted = await traced({ loadDriver: failingDriver(), experiment: { ...guarded, load: { ...guarded.load, timeoutMs: 100 }, guardrails: { ...guarded.guardrails, abortIf: { successRatioBelow: 0.5, forMs: 200 } } } }, 't-abort');
      expect(aborted.outcome!.exitCode).to.equal(3);
      expect(aborted.teardowns).to.deep.equal(FULL);

      const source = new EventEmitter();
      const interrupted = await traced(
        { signals: source as never, observer: { onEvent: (event) => event.kind === 'fault-applied' && event.faultId === 'outage/2' && setTimeout(() => source.emit('SIGINT', 'SIGINT'), 20) } },
        't-sigint',
      );
      expect(interrupted.outcome!.exitCode).to.equal(130);
      expect(interrupted.teardowns).to.deep.equal(FULL);
    });

    // A throw from each step (after its body ran, so its own teardown is registered): what it
    // set up, and everything before it, is torn down in reverse order.
    const cases: [step: string, teardowns: string[], ends: 'throws' | 'error result' | 'report error'][] = [
      ['sweep journal', ['close journal', 'release journal lock'], 'throws'],
      ['open target', ['close target', 'close journal', 'release journal lock'], 'throws'],
      ['preflight', ['close target', 'close journal', 'release journal lock'], 'throws'],
      ['watch pods', ['stop pod watches', 'close target', 'close journal', 'release journal lock'], 'throws'],
      ['start load', ['stop ticker', 'stop load', 'stop pod watches', 'close target', 'close journal', 'release journal lock'], 'error result'],
      ['run phases', FULL, 'error result'],
      ['drain', FULL, 'error result'],
      ['evaluate checks', FULL, 'error result'],
      ['judge harness', FULL, 'error result'],
      ['build result', FULL, 'error result'],
      ['write reports', FULL, 'report error'],
    ];
    for (const [step, teardowns, ends] of cases) {
      it(`a throw from "${step}": ${ends}, teardowns ${teardowns.join(' → ')}`, async () => {
        const aroundStep = async (name: string, body: () => Promise<void>) => {
          await body();
          if (name === step) throw new Error(`${step} exploded`);
        };
        const traced_ = await traced({ aroundStep }, `t-${step.replace(/ /g, '-')}`);
        expect(traced_.teardowns).to.deep.equal(teardowns);
        if (ends === 'throws') {
          expect((traced_.thrown as Error).message).to.equal(`${step} exploded`);
        } else if (ends === 'error result') {
          expect(traced_.outcome!.result!.verdict).to.equal('error');
          expect(traced_.outcome!.result!.error?.message).to.equal(`${step} exploded`);
          expect(traced_.outcome!.exitCode).to.equal(4);
        } else {
          // The measured verdict is kept (passed, or inconclusive on a starved machine), not error.
          expect(traced_.outcome!.result!.verdict).to.be.oneOf(['passed', 'inconclusive']);
          expect(traced_.outcome!.reportError).to.match(/write reports exploded/);
          expect(traced_.outcome!.exitCode).to.equal(4);
        }
      });
    }
  });

  it('--dry-run changes nothing on an external Toxiproxy: a missing proxy is only planned', async () => {
    await client.deleteProxy('p');
    const journalPath = join(dir, 'j5.json');
    const outcome = await run({ dryRun: true }, journalPath);
    expect(outcome.exitCode).to.equal(0);
    expect(outcome.result).to.equal(undefined);
    expect(outcome.planText).to.match(/would create proxy p \(listen 127\.0\.0\.1:\d+ → upstream 127\.0\.0\.1:\d+\)/);
    expect(outcome.planText).to.match(/outage\/2: proxy p down/);
    expect(await client.findProxy('p')).to.equal(undefined);
    expect(await readJournal(journalPath)).to.equal(undefined);
  });
});
