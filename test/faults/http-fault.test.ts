/**
 * httpFault through @kubernetes/client-node against the local control plane (its API stores
 * networking.istio.io VirtualServices as a cluster with Istio does): the route's `fault` set for
 * the phase and restored exactly; a VirtualService created for a bare host and deleted; preflight
 * naming what is missing; a concurrent edit detected and never overwritten; the sweep after a
 * crash restoring the route from the journal.
 */
import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CustomObjectsApi, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { PreflightError } from '../../src/errors.ts';
import { parseExperiment } from '../../src/experiment/index.ts';
import { bindsHost, type HttpFaultRecord } from '../../src/faults/http-fault-kind.ts';
import { startLocalCluster, type LocalCluster } from '../../src/localcluster/index.ts';
import { readJournal } from '../../src/runner/journal.ts';
import { runExperiment, type RunExperimentOptions } from '../../src/runner/run-experiment.ts';
import { sweepJournal } from '../../src/runner/sweep.ts';
import { fakeLoadDriver } from '../helpers/fake-load-driver.ts';
import { expectRejection } from '../runner/helpers.ts';

const GROUP = { group: 'networking.istio.io', version: 'v1', namespace: 'default', plural: 'virtualservices' };
const EXISTING_FAULT = { delay: { fixedDelay: '5ms', percentage: { value: 1 } } };

const original = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: 'payments', namespace: 'default' },
  spec: {
    hosts: ['payments'],
    http: [
      { name: 'canary', match: [{ headers: { 'x-canary': { exact: 'yes' } } }], fault: EXISTING_FAULT, route: [{ destination: { host: 'payments', subset: 'v2' } }] },
      { name: 'primary', retries: { attempts: 3, perTryTimeout: '200ms' }, route: [{ destination: { host: 'payments', subset: 'v1' } }] },
    ],
  },
};

describe('faults/httpFault (VirtualService route faults through client-node, on the local plane)', function () {
  this.timeout(30_000);
  let cluster: LocalCluster;
  let api: CustomObjectsApi;
  let dir: string;
  let endpoint: Server;
  let endpointUrl: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rebound-httpfault-'));
    cluster = await startLocalCluster({ kubeconfigPath: join(dir, 'kubeconfig') });
    const config = new KubeConfig();
    config.loadFromFile(cluster.kubeconfigPath);
    api = config.makeApiClient(CustomObjectsApi);
    endpoint = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
    endpointUrl = `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise<void>((resolve) => endpoint.close(() => resolve()));
    await cluster.close();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await api.deleteNamespacedCustomObject({ ...GROUP, name: 'payments' }).catch(() => undefined);
    await api.createNamespacedCustomObject({ ...GROUP, body: original });
  });

  const read = async (name = 'payments') => (await api.getNamespacedCustomObject({ ...GROUP, name })) as typeof original & { metadata: { resourceVersion: string; labels?: Record<string, string> } };

  function experiment(fault: string, name = 'httpfault') {
    return parseExperiment(
      `apiVersion: rebound.dev/v1
kind: Experiment
metadata: { name: ${name} }
target:
  kubernetes: { kubeconfig: ${cluster.kubeconfigPath}, namespace: default }
  endpoints: { app: ${endpointUrl} }
load: { rate: 100/s, requests: [ { url: "{{endpoints.app}}/" } ] }
phases:
  - { name: baseline, duration: 300ms }
  - { name: outage, duration: 800ms, faults: [ { httpFault: ${fault} } ] }
  - { name: recovery, duration: 300ms }
guardrails: { maxPodsKilled: 0 }
`,
      join(dir, `${name}.yaml`),
    );
  }

  const run = (extra: Partial<RunExperimentOptions> & Pick<RunExperimentOptions, 'experiment'>, journal = 'journal.json') =>
    runExperiment({ file: 'x.yaml', outDir: join(dir, 'out'), journalPath: join(dir, journal), signals: false, loadDriver: fakeLoadDriver(), ...extra });

  it('patches the named route\'s fault for the phase only and restores the VirtualService exactly', async () => {
    let during: Awaited<ReturnType<typeof read>> | undefined;
    const outcome = await run({
      experiment: experiment('{ virtualService: payments, route: primary, abort: { status: 503, percent: 20 }, delay: { fixedDelay: 2s, percent: 50 } }'),
      observer: { onEvent: (event) => void (event.kind === 'fault-applied' && read().then((vs) => (during = vs))) },
    });
    expect(outcome.exitCode, outcome.result?.verdictReason).to.equal(0);
    expect(during!.spec.http[1]).to.deep.include({ fault: { delay: { fixedDelay: '2000ms', percentage: { value: 50 } }, abort: { httpStatus: 503, percentage: { value: 20 } } } });
    expect(during!.spec.http[0]!.fault, 'the other route is untouched').to.deep.equal(EXISTING_FAULT);
    const after = await read();
    expect(after.spec).to.deep.equal(original.spec);
    expect(outcome.result!.faults[0]).to.include({ kind: 'http-fault', description: 'abort 20% with HTTP 503, delay 50% by 2s on VirtualService default/payments route primary' });
    expect(outcome.plan.faults[0]!.touches.join('\n')).to.match(/patches VirtualService default\/payments http\[1\] \(primary\)\.fault[\s\S]*does not retry an abort/);
    expect(await readJournal(join(dir, 'journal.json'))).to.equal(undefined);
  });

  it('without a route name every route gets the fault, and each gets its own original back (one had a fault already)', async () => {
    let during: Awaited<ReturnType<typeof read>> | undefined;
    const outcome = await run({
      experiment: experiment('{ virtualService: payments, abort: { status: 500, percent: 100 } }'),
      observer: { onEvent: (event) => void (event.kind === 'fault-applied' && read().then((vs) => (during = vs))) },
    });
    expect(outcome.exitCode, outcome.result?.verdictReason).to.equal(0);
    expect(during!.spec.http.map((rule) => rule.fault)).to.deep.equal([{ abort: { httpStatus: 500, percentage: { value: 100 } } }, { abort: { httpStatus: 500, percentage: { value: 100 } } }]);
    expect((await read()).spec).to.deep.equal(original.spec);
  });

  it('a host without a VirtualService gets one for the phase, labelled, then deleted', async () => {
    let created: Awaited<ReturnType<typeof read>> | undefined;
    const outcome = await run({
      experiment: experiment('{ host: inventory, abort: { status: 503, percent: 10 } }'),
      observer: { onEvent: (event) => void (event.kind === 'fault-applied' && read('rebound-fault-outage-0').then((vs) => (created = vs))) },
    });
    expect(outcome.exitCode, outcome.result?.verdictReason).to.equal(0);
    expect(created!.metadata.labels).to.deep.equal({ 'rebound.dev/fault': 'rebound-fault-outage-0' });
    expect(created!.spec).to.deep.equal({ hosts: ['inventory'], http: [{ name: 'rebound-fault', fault: { abort: { httpStatus: 503, percentage: { value: 10 } } }, route: [{ destination: { host: 'inventory' } }] }] });
    await expectRejection(read('rebound-fault-outage-0'), Error, /404|not found/i);
  });

  it('preflight names a missing VirtualService, a missing route, and a host that already has a VirtualService', async () => {
    await expectRejection(run({ experiment: experiment('{ virtualService: nope, abort: { status: 503, percent: 10 } }') }), PreflightError, /VirtualService default\/nope does not exist/);
    await expectRejection(run({ experiment: experiment('{ virtualService: payments, route: nope, abort: { status: 503, percent: 10 } }') }), PreflightError, /has no http route named nope \(routes: canary, primary\)/);
    await expectRejection(run({ experiment: experiment('{ host: payments.default.svc.cluster.local, abort: { status: 503, percent: 10 } }') }), PreflightError, /host payments\.default\.svc\.cluster\.local already has VirtualService default\/payments; use httpFault\.virtualService: payments/);
  });

  it('an edit of the route during the run is detected: not overwritten, the run is an error and the journal keeps the fault', async () => {
    const userFault = { abort: { httpStatus: 418, percentage: { value: 1 } } };
    const outcome = await run(
      {
        experiment: experiment('{ virtualService: payments, route: primary, abort: { status: 503, percent: 20 } }'),
        observer: {
          onEvent: (event) => {
            if (event.kind !== 'fault-applied') return;
            void api.patchNamespacedCustomObject({ ...GROUP, name: 'payments', body: [{ op: 'replace', path: '/spec/http/1/fault', value: userFault }] }, setHeaderOptions('Content-Type', PatchStrategy.JsonPatch));
          },
        },
      },
      'edited.json',
    );
    expect(outcome.result!.verdict).to.equal('error');
    expect(outcome.exitCode).to.equal(4);
    expect(outcome.result!.faults[0]!.revertError).to.match(/edited during the run.*not overwritten.*http\[1\]\.fault = null/);
    expect((await read()).spec.http[1]!.fault, "the user's edit stays").to.deep.equal(userFault);
    const journal = await readJournal(join(dir, 'edited.json'));
    expect(journal?.entries.map((entry) => entry.record.kind)).to.deep.equal(['http-fault']);
  });

  it('the sweep after a crash restores the route from the journal record', async () => {
    const applied = { abort: { httpStatus: 503, percentage: { value: 20 } } };
    await api.patchNamespacedCustomObject({ ...GROUP, name: 'payments', body: [{ op: 'add', path: '/spec/http/1/fault', value: applied }] }, setHeaderOptions('Content-Type', PatchStrategy.JsonPatch));
    const record: HttpFaultRecord = { kind: 'http-fault', server: cluster.url, kubeconfig: cluster.kubeconfigPath, context: 'rebound-local', namespace: 'default', name: 'payments', created: false, applied, routes: [{ index: 1, name: 'primary', original: null }] };
    const path = join(dir, 'crashed.json');
    await writeFile(path, JSON.stringify({ version: 1, pid: 999_999_999, experiment: 'x', startedAt: new Date().toISOString(), infrastructure: {}, entries: [{ faultId: 'outage/0', description: 'abort', record, writtenAt: new Date().toISOString() }] }));
    const report = await sweepJournal(path);
    expect(report.actions.map((action) => action.outcome)).to.deep.equal(['reverted']);
    expect((await read()).spec).to.deep.equal(original.spec);
  });

  it('validation: exactly one of virtualService/host, abort and/or delay, percentages and statuses in range', () => {
    const errors = (fault: string) => {
      try {
        experiment(fault);
        return [];
      } catch (error) {
        return (error as { issues: { path: string; message: string }[] }).issues.map((issue) => `${issue.path}: ${issue.message}`);
      }
    };
    expect(errors('{ virtualService: a, host: b, abort: { status: 503, percent: 1 } }').join()).to.match(/exactly one of "virtualService".*or "host"/);
    expect(errors('{ virtualService: a }').join()).to.match(/needs "abort" and\/or "delay"/);
    expect(errors('{ virtualService: a, abort: { status: 503, percent: 101 } }').join()).to.match(/phases\[1\]\.faults\[0\]\.httpFault\.abort\.percent/);
    expect(errors('{ virtualService: a, abort: { status: 600, percent: 1 } }').join()).to.match(/httpFault\.abort\.status/);
    expect(errors('{ virtualService: a, delay: { fixedDelay: soon, percent: 1 } }').join()).to.match(/httpFault\.delay\.fixedDelay/);
  });

  it('binds hosts the way Istio does: short names in the VirtualService namespace, FQDNs, wildcards', () => {
    expect(bindsHost('payments', 'shop', 'payments', 'shop')).to.equal(true);
    expect(bindsHost('payments', 'other', 'payments', 'shop')).to.equal(false);
    expect(bindsHost('payments.shop.svc.cluster.local', 'other', 'payments', 'shop')).to.equal(true);
    expect(bindsHost('*.shop.svc.cluster.local', 'x', 'payments', 'shop')).to.equal(true);
  });
});
