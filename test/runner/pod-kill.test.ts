import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadExperiment } from '../../src/experiment/index.ts';
import { PreflightError } from '../../src/errors.ts';
import { runExperiment } from '../../src/runner/run-experiment.ts';
import { descendantProcessGroups } from '../../src/runner/process-groups.ts';
import type { RunEvent } from '../../src/timeline/events.ts';
import { expectRejection } from './helpers.ts';
import { validateResult } from '../../src/result/validate-result.ts';

import { WEB_MANIFESTS } from './web-manifests.ts';


function experiment(name: string, selector: string, extra: { every?: string; maxPodsKilled?: number; percent?: number } = {}): string {
  return `apiVersion: rebound.dev/v1
kind: Experiment
metadata: { name: ${name} }
target:
  kubernetes: { local: ./manifests, namespace: rbtest }
  endpoints: { web: service/web:80 }
load:
  rate: 20/s
  timeout: 2s
  requests: [ { url: "{{endpoints.web}}/" } ]
  servedBy: x-served-by
phases:
  - { name: baseline, duration: 1s }
  - name: kill
    duration: 1s
    faults: [ { podKill: { selector: ${selector}, ${extra.percent ? `percent: ${extra.percent}` : 'count: 1'}, gracePeriod: 0s${extra.every ? `, every: ${extra.every}` : ''} } } ]
  - { name: recovery, duration: 4s }
checks:
  - { name: two web pods ready again, podsReady: { selector: app=web, count: 2, within: 5s, after: kill } }
guardrails: { maxPodsKilled: ${extra.maxPodsKilled ?? 1} }
report: { formats: [json] }
`;
}

describe('runner: pod kill on the local control plane', function () {
  this.timeout(90_000);
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rebound-podkill-'));
    await mkdir(join(dir, 'manifests'));
    await writeFile(join(dir, 'manifests/web.yaml'), WEB_MANIFESTS);
    await writeFile(join(dir, 'kill.yaml'), experiment('kill-web', 'app=web'));
    await writeFile(join(dir, 'nomatch.yaml'), experiment('no-match', 'app=nothing'));
    await writeFile(join(dir, 'repeat.yaml'), experiment('repeat', 'app=web', { every: '400ms', maxPodsKilled: 3 }));
    await writeFile(join(dir, 'over.yaml'), experiment('over', 'app=web', { percent: 100, maxPodsKilled: 1 }));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('kills one pod, and the watch records its replacement being created and becoming Ready', async () => {
    const loaded = await loadExperiment(join(dir, 'kill.yaml'));
    const seen: RunEvent[] = [];
    const journalPath = join(dir, 'journal.json');
    const outcome = await runExperiment({
      experiment: loaded,
      file: 'kill.yaml',
      outDir: join(dir, 'out'),
      journalPath,
      signals: false,
      reporter: { name: 'probe', onEvent: (event) => void seen.push(event) },
    });
    const result = validateResult(JSON.parse(JSON.stringify(outcome.result)), 'result.json');
    expect(result.environment.kubernetes).to.include({ local: true, context: 'rebound-local', namespace: 'rbtest' });
    expect(result.environment.kubernetes?.version).to.be.a('string');
    const fault = result.faults[0]!;
    expect(fault.kind).to.equal('pod-kill');
    expect(fault.pods, JSON.stringify(result.events, null, 1)).to.have.length(1);
    const kill = fault.pods![0]!;
    expect(kill.pod).to.match(/^web-/);
    expect(kill.replacement).to.match(/^web-/).and.not.equal(kill.pod);
    expect(kill.replacementCreatedMs).to.be.at.least(kill.deletedMs);
    expect(kill.replacementReadyMs).to.be.at.least(kill.replacementCreatedMs!);

    const deleted = result.events.find((event) => event.kind === 'pod-deleted');
    expect(deleted?.data).to.include({ pod: kill.pod, namespace: 'rbtest', killed: true });
    expect(String(deleted?.data?.labels)).to.match(/(^|,)app=web(,|$)/);
    const created = result.events.find((event) => event.kind === 'pod-created' && event.data?.replaces === kill.pod);
    expect(created?.data?.pod).to.equal(kill.replacement);
    const ready = result.events.find((event) => event.kind === 'pod-ready' && event.data?.pod === kill.replacement);
    expect(ready?.atMs).to.equal(kill.replacementReadyMs);

    expect(result.checks[0]).to.include({ kind: 'podsReady', verdict: 'passed' });
    expect(result.verdict).to.equal('passed');
    expect(outcome.exitCode).to.equal(0);
    expect(seen.map((event) => event.kind)).to.include.members(['pod-deleted', 'pod-created', 'pod-ready']);
    expect(existsSync(journalPath), 'journal removed after a clean run').to.equal(false);
    expect(await descendantProcessGroups(), 'no pod process outlives the run').to.deep.equal([]);
  });

  it('a selector that matches no pod fails preflight, naming namespace and selector', async () => {
    const loaded = await loadExperiment(join(dir, 'nomatch.yaml'));
    await expectRejection(
      runExperiment({ experiment: loaded, file: 'nomatch.yaml', outDir: join(dir, 'out2'), journalPath: join(dir, 'journal2.json'), dryRun: true, signals: false }),
      PreflightError,
      /no pod matches selector app=nothing in namespace rbtest/,
    );
    expect(await descendantProcessGroups()).to.deep.equal([]);
  });

  it('--dry-run lists the pods a kill would touch and how often; a percentage that turns out over maxPodsKilled fails preflight', async () => {
    const plan = await runExperiment({
      experiment: await loadExperiment(join(dir, 'repeat.yaml')),
      file: 'repeat.yaml',
      outDir: join(dir, 'out3'),
      journalPath: join(dir, 'journal3.json'),
      dryRun: true,
      signals: false,
    });
    expect(plan.result).to.equal(undefined);
    expect((plan.plan.faults[0]!.details!.pods as { perKill: number; kills: number; matching: string[] })).to.include({ perKill: 1, kills: 3 });
    expect((plan.plan.faults[0]!.details!.pods as { perKill: number; kills: number; matching: string[] })!.matching).to.have.length(2);
    expect(plan.planText).to.match(/pods matching now: web-\S+, web-\S+/);
    expect(plan.planText).to.match(/kills 1 pod\(s\) 3 times/);
    expect(existsSync(join(dir, 'journal3.json'))).to.equal(false);
    await expectRejection(
      runExperiment({ experiment: await loadExperiment(join(dir, 'over.yaml')), file: 'over.yaml', outDir: join(dir, 'out4'), journalPath: join(dir, 'journal4.json'), dryRun: true, signals: false }),
      PreflightError,
      /would kill up to 2 pods but guardrails.maxPodsKilled is 1/,
    );
  });

  it('`every` repeats the kill within the phase and stops at its end', async () => {
    const outcome = await runExperiment({
      experiment: await loadExperiment(join(dir, 'repeat.yaml')),
      file: 'repeat.yaml',
      outDir: join(dir, 'out5'),
      journalPath: join(dir, 'journal5.json'),
      signals: false,
    });
    const fault = outcome.result!.faults[0]!;
    const kills = fault.pods ?? [];
    // Rounds at 0, 400 and 800 ms into the 1 s phase; a round finding no pod is skipped.
    expect(kills.length, JSON.stringify(outcome.result!.events.filter((e) => e.faultId), null, 1)).to.be.within(2, 3);
    expect(new Set(kills.map((kill) => kill.pod)).size).to.equal(kills.length);
    expect(kills.every((kill) => kill.deletedMs <= fault.revertedMs!)).to.equal(true);
    const killEvents = outcome.result!.events.filter((event) => event.kind === 'pod-deleted' && event.data?.killed === true);
    expect(killEvents).to.have.length(kills.length);
    expect(outcome.result!.verdict).to.equal('passed');
  });
});
