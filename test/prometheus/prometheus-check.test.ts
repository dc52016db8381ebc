/**
 * The prometheus check kind against the real `prometheus` binary (embedded target, 250 ms scrape
 * interval) scraping a fixture process whose counters follow the run's phases: a check that
 * passes, one that fails, one with no series (inconclusive), forAll, the exact query text the
 * variables produce, and the embedded server journaled while it runs and gone afterwards.
 */
import { expect } from 'chai';
import { alive } from '../helpers/process.ts';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PreflightError } from '../../src/errors.ts';
import { parseExperiment } from '../../src/experiment/index.ts';
import type { CheckResult, Result } from '../../src/result/result.ts';
import { validateResult } from '../../src/result/validate-result.ts';
import { readJournal } from '../../src/runner/journal.ts';
import { runExperiment } from '../../src/runner/run-experiment.ts';
import { fakeLoadDriver } from '../helpers/fake-load-driver.ts';
import { FixtureMetrics, requirePrometheus } from './fixture-metrics.ts';

const OUTAGE_RATES = { '200|-': 10, '503|-': 5, '503|FI': 5, '200|DI': 2 };

describe('prometheus check kind (real prometheus binary)', function () {
  this.timeout(60_000);
  let dir: string;
  const fixture = new FixtureMetrics();
  let address: string;
  let result: Result;
  let journaledPid: number | undefined;
  let aliveDuringRun = false;

  const check = (name: string): CheckResult => {
    const found = result.checks.find((c) => c.name === name);
    if (!found) throw new Error(`no check ${name} in ${result.checks.map((c) => c.name).join(', ')}`);
    return found;
  };

  before(async function () {
    requirePrometheus(this);
    dir = await mkdtemp(join(tmpdir(), 'rebound-prom-check-'));
    address = await fixture.start();
    const yaml = `apiVersion: rebound.dev/v1
kind: Experiment
metadata: { name: prom-check }
target:
  prometheus: { embedded: true, scrapeInterval: 250ms }
  endpoints: { app: http://${address} }
load: { rate: 50/s, requests: [ { url: "{{endpoints.app}}/" } ] }
phases:
  - { name: baseline, duration: 1s }
  - { name: outage, duration: 2s }
  - { name: recovery, duration: 1s }
checks:
  - name: failure ratio within 60%
    prometheus:
      query: sum(increase(istio_requests_total{response_code=~"5.."}[$__range])) / sum(increase(istio_requests_total[$__range]))
      phase: outage
      max: 0.6
  - name: failure ratio within 10%
    strict: false
    prometheus:
      query: sum(increase(istio_requests_total{response_code=~"5.."}[$__range])) / sum(increase(istio_requests_total[$__range]))
      phase: outage
      max: 0.1
  - name: no such metric
    strict: false
    prometheus: { query: 'sum(rate(no_such_metric_total[$__rate_interval]))', phase: outage, min: 0 }
  - name: request rate all through recovery
    prometheus: { query: 'sum(rate(istio_requests_total[$__rate_interval]))', phase: recovery, mode: forAll, min: 50 }
  - name: range
    prometheus: { query: 'vector($__range_ms)', phase: outage, max: 1e9 }
  - name: evaluation time
    prometheus: { query: 'time()', phase: outage, min: 0 }
  - name: window inside the phase
    prometheus: { query: 'vector(\${__window_start}) - $__phase_start', phase: outage, from: 500ms, to: 1500ms, min: 0 }
  - name: mesh success
    meshSuccessRatio: { service: payments, namespace: shop, phase: outage, min: 0.5 }
  - name: mesh failure
    strict: false
    meshFailureRatio: { service: payments, namespace: shop, phase: outage, max: 0.1, reporter: source }
  - name: mesh success seen by the destination
    strict: false
    meshSuccessRatio: { service: payments.shop.svc.cluster.local, phase: outage, min: 0.5, reporter: destination }
report: { formats: [json] }
`;
    const outcome = await runExperiment({
      experiment: parseExperiment(yaml, join(dir, 'prom.yaml')),
      file: 'prom.yaml',
      outDir: join(dir, 'out'),
      journalPath: join(dir, 'journal.json'),
      signals: false,
      loadDriver: fakeLoadDriver(),
      scrapeTargets: [{ job: 'fixture', address }],
      observer: {
        onEvent: (event) => {
          if (event.kind !== 'phase-started') return;
          if (event.phase === 'outage') fixture.rates = OUTAGE_RATES;
          if (event.phase === 'recovery') fixture.rates = { '200|-': 10 };
          if (event.phase === 'baseline') {
            void readJournal(join(dir, 'journal.json')).then((journal) => {
              journaledPid = journal?.infrastructure.processes?.find((p) => p.role === 'prometheus')?.pid;
              aliveDuringRun = journaledPid !== undefined && alive(journaledPid);
            });
          }
        },
      },
    });
    result = outcome.result!;
  });

  after(async () => {
    await fixture.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('passes a query within its bound and fails one outside it, with the query sent and the value in observed', () => {
    const pass = check('failure ratio within 60%');
    expect(pass.verdict, pass.reason).to.equal('passed');
    const value = pass.observed.value as number;
    // 10 of 22 requests are 5xx during the outage; the window's edges blur it a little.
    expect(value).to.be.within(0.3, 0.5);
    expect(pass.observed.query).to.equal(
      'sum(increase(istio_requests_total{response_code=~"5.."}[2s])) / sum(increase(istio_requests_total[2s]))',
    );
    const fail = check('failure ratio within 10%');
    expect(fail.verdict, fail.reason).to.equal('failed');
    expect(fail.reason).to.match(/is not ≤ 0\.1 at the window end/);
  });

  it('the result (query, values, windows) validates against the result schema', () => {
    validateResult(JSON.parse(JSON.stringify(result)), 'result.json');
  });

  it('a query with no series is inconclusive, with the query shown', () => {
    const none = check('no such metric');
    expect(none.verdict).to.equal('inconclusive');
    expect(none.reason).to.contain('returned no series').and.to.contain('sum(rate(no_such_metric_total[1s]))');
    expect(none.observed.value).to.equal(null);
  });

  it('forAll checks every step of the window (range query)', () => {
    const all = check('request rate all through recovery');
    expect(all.verdict, all.reason).to.equal('passed');
    expect(all.observed.points as number).to.be.at.least(4);
    expect(all.observed.step).to.equal('0.25');
  });

  it('forAll keeps the series it judged, on the run clock, every point inside the window', () => {
    const all = check('request rate all through recovery');
    const recovery = result.phases.find((p) => p.name === 'recovery')!;
    const { fromMs, toMs } = all.markers as { fromMs: number; toMs: number };
    expect(fromMs).to.be.closeTo(recovery.startMs, 100);
    const [series] = all.rangeSeries!;
    expect(all.rangeSeries).to.have.length(1);
    expect(series!.labels).to.equal('{}');
    expect(series!.points.length).to.equal(all.observed.points);
    for (const [at, value] of series!.points) {
      expect(at).to.be.within(fromMs - 1, toMs + 1);
      expect(value).to.be.a('number').and.at.least(50);
    }
    // steps of 0.25 s apart
    expect(series!.points[1]![0] - series!.points[0]![0]).to.be.closeTo(250, 1);
    expect(check('range').rangeSeries, 'an instant query has none').to.equal(undefined);
  });

  it('the variables produce the window of the phase and of from/to, on the run clock', () => {
    const outage = result.phases.find((p) => p.name === 'outage')!;
    const epoch = Date.parse(result.startedAt);
    const snap = (ms: number) => Math.round(ms / 100) * 100;
    const range = check('range');
    expect(range.observed.query).to.equal('vector(2000)');
    expect(range.observed.value).to.equal(2000);
    const time = check('evaluation time');
    expect(time.observed.query).to.equal('time()');
    expect(time.observed.value as number).to.be.closeTo((epoch + snap(outage.endMs)) / 1000, 0.002);
    const inside = check('window inside the phase');
    const phaseStart = ((epoch + snap(outage.startMs)) / 1000).toFixed(3);
    const windowStart = ((epoch + snap(outage.startMs) + 500) / 1000).toFixed(3);
    expect(inside.observed.query).to.equal(`vector(${windowStart}) - ${phaseStart}`);
    expect(inside.observed.value as number).to.be.closeTo(0.5, 0.002);
    expect(inside.observed.windowEnd).to.equal(new Date(epoch + snap(outage.startMs) + 1500).toISOString());
  });

  it('waits for the window to be scraped (one scrape interval and a margin after its end)', () => {
    const last = check('request rate all through recovery');
    expect(last.observed.scrapeIntervalMs).to.equal(250);
    expect(last.observed.waitedMs as number).to.be.greaterThan(0).and.at.most(1250);
  });

  it('mesh shorthands: success = not 5xx / all, failure = 5xx / all from istio_requests_total, fault-injected responses apart', () => {
    const success = check('mesh success');
    expect(success.verdict, success.reason).to.equal('passed');
    expect(success.observed.ratio as number).to.be.within(0.5, 0.7);
    expect(success.observed.queryTotal).to.equal('sum(increase(istio_requests_total{reporter="source",destination_service="payments.shop.svc.cluster.local"}[2s]))');
    expect(success.observed.queryFailures).to.equal(
      'sum(increase(istio_requests_total{reporter="source",destination_service="payments.shop.svc.cluster.local",response_code=~"5.."}[2s]))',
    );
    // 5 FI aborts and 2 DI delays per 22 requests during the outage.
    const total = success.observed.total as number;
    expect((success.observed.injectedAborts as number) / total).to.be.within(0.15, 0.3);
    expect((success.observed.injectedDelays as number) / total).to.be.within(0.05, 0.12);
    expect(success.reason).to.match(/fault-injected: \d+ aborts \(FI\), \d+ delays \(DI\)/);
    const failure = check('mesh failure');
    expect(failure.verdict, failure.reason).to.equal('failed');
    expect((failure.observed.ratio as number) + (success.observed.ratio as number)).to.be.closeTo(1, 0.05);
    const destination = check('mesh success seen by the destination');
    expect(destination.verdict).to.equal('inconclusive');
    expect(destination.reason).to.contain('reporter="destination"');
  });

  it('the embedded server is journaled while it runs and stopped at the end', () => {
    expect(journaledPid, 'journaled').to.be.a('number');
    expect(aliveDuringRun).to.equal(true);
    expect(alive(journaledPid!)).to.equal(false);
  });

  /** One phase `outage` against the fixture, one `up ≥ 1` check, on the embedded Prometheus. */
  const upExperiment = (name: string, duration: string) => `apiVersion: rebound.dev/v1
kind: Experiment
metadata: { name: ${name} }
target:
  prometheus: { embedded: true, scrapeInterval: 250ms }
  endpoints: { app: http://${address} }
load: { rate: 10/s, requests: [ { url: "{{endpoints.app}}/" } ] }
phases: [ { name: outage, duration: ${duration} } ]
checks:
  - prometheus: { query: 'up', phase: outage, min: 1 }
`;

  it('--dry-run lists the Prometheus, its version and what it scrapes, and leaves it stopped', async () => {
    const yaml = upExperiment('prom-plan', '1s');
    const outcome = await runExperiment({ experiment: parseExperiment(yaml, join(dir, 'plan.yaml')), file: 'plan.yaml', outDir: join(dir, 'out-plan'), journalPath: join(dir, 'journal-plan.json'), signals: false, dryRun: true, scrapeTargets: [{ job: 'fixture', address }] });
    expect(outcome.planText).to.match(/^ {2}Prometheus http:\/\/127\.0\.0\.1:\d+ \(embedded, version 2\.\d+\.\d+\S*, scrape interval 250 ms\)$/m);
    expect(outcome.planText).to.contain(`    scrapes fixture: http://${address}/metrics`);
    expect(outcome.plan.prometheus?.embedded).to.equal(true);
    const after = await fetch(`${outcome.plan.prometheus!.url}/-/ready`).then(
      () => 'answered',
      () => 'closed',
    );
    expect(after).to.equal('closed');
  });

  it('an interrupted run does not query: its Prometheus checks are inconclusive, saying why', async () => {
    const yaml = upExperiment('prom-interrupted', '3s');
    const listeners = new Map<string, (signal: NodeJS.Signals) => void>();
    const outcome = await runExperiment({
      experiment: parseExperiment(yaml, join(dir, 'int.yaml')),
      file: 'int.yaml',
      outDir: join(dir, 'out-int'),
      journalPath: join(dir, 'journal-int.json'),
      loadDriver: fakeLoadDriver(),
      signals: { on: (signal, listener) => listeners.set(signal, listener), off: (signal) => listeners.delete(signal) },
      observer: { onEvent: (event) => event.kind === 'phase-started' && setTimeout(() => listeners.get('SIGINT')?.('SIGINT'), 300) },
    });
    expect(outcome.exitCode).to.equal(130);
    expect(outcome.result!.checks[0]).to.include({ verdict: 'inconclusive', reason: 'the run was aborted before its end; Prometheus was not queried' });
  });

  it('a query that does not parse stops the run at preflight, naming the check', async () => {
    const yaml = `apiVersion: rebound.dev/v1
kind: Experiment
metadata: { name: prom-bad }
target:
  prometheus: { embedded: true, scrapeInterval: 250ms }
  endpoints: { app: http://${address} }
load: { rate: 10/s, requests: [ { url: "{{endpoints.app}}/" } ] }
phases: [ { name: outage, duration: 1s } ]
checks:
  - name: unbalanced
    prometheus: { query: 'sum(rate(x[$__range])', phase: outage, min: 0 }
`;
    let caught: unknown;
    try {
      await runExperiment({ experiment: parseExperiment(yaml, join(dir, 'bad.yaml')), file: 'bad.yaml', outDir: join(dir, 'out-bad'), journalPath: join(dir, 'journal-bad.json'), signals: false, loadDriver: fakeLoadDriver() });
    } catch (error) {
      caught = error;
    }
    expect(caught).to.be.instanceOf(PreflightError);
    expect((caught as Error).message).to.match(/check "unbalanced": query does not parse: .*parse error.*; query: sum\(rate\(x\[1s\]\)/);
  });
});
