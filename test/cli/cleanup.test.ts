import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { WEB_MANIFESTS } from '../runner/web-manifests.ts';
import { runCli, TempDir, waitForOutput } from './system.ts';
import { alive } from '../helpers/process.ts';

describe('rebound cleanup after a SIGKILLed run on the local control plane', function () {
  this.timeout(120_000);
  let dir: TempDir;
  let groups: number[] = [];
  const hostGroups: number[] = [];

  before(async () => {
    dir = await TempDir.create();
  });
  after(async () => {
    for (const group of [...groups, ...hostGroups]) {
      try {
        process.kill(-group, 'SIGKILL');
      } catch {
        // already gone: what the test expects
      }
    }
    await dir?.remove();
  });

  it('kills the infra host process and the pod processes the dead run left behind and removes the journal', async () => {
    await mkdir(dir.join('manifests'));
    await writeFile(dir.join('manifests/web.yaml'), WEB_MANIFESTS);
    const file = await dir.write(
      'orphans.yaml',
      `apiVersion: rebound.dev/v1
kind: Experiment
metadata: { name: orphans }
target:
  kubernetes: { local: ./manifests, namespace: rbtest }
  endpoints: { web: service/web:80 }
load: { rate: 10/s, requests: [ { url: "{{endpoints.web}}/" } ] }
phases: [ { name: steady, duration: 20s } ]
checks: [ { successRatio: { phase: steady, min: 0.9 } } ]
report: { formats: [json] }
`,
    );
    const journal = dir.join('journal.json');
    type Doc = { infrastructure: { podProcessGroups?: number[]; localPlaneUrl?: string; localPlaneKubeconfig?: string; processes?: { role: string; pid: number; pgid: number; startTime?: string }[] } };
    let hostPid = 0;
    const run = await runCli(['run', file, '--out', dir.join('out'), '--journal', journal], {
      during: (child, output) => {
        waitForOutput(output, /phase steady started/)
          .then(async () => {
            // The plane's host process would shut the plane down when the runner dies; freeze it
            // first, so that everything is left behind as if it had been killed too.
            const doc = JSON.parse(await readFile(journal, 'utf8')) as Doc;
            hostPid = doc.infrastructure.processes?.find((p) => p.role === 'cluster')?.pid ?? 0;
            if (hostPid > 0) process.kill(hostPid, 'SIGSTOP');
          })
          .finally(() => child.kill('SIGKILL'))
          .catch(() => undefined);
      },
    });
    expect(run.signal).to.equal('SIGKILL');
    expect(existsSync(`${journal}.lock`), 'the killed run left its journal lock').to.equal(true);
    const document = JSON.parse(await readFile(journal, 'utf8')) as Doc;
    const host = document.infrastructure.processes?.find((p) => p.role === 'cluster');
    expect(host?.pid, 'the plane ran in a journaled process of its own').to.equal(hostPid).and.to.be.greaterThan(0);
    expect(host?.pgid).to.equal(host?.pid);
    hostGroups.push(host!.pgid);
    expect(host?.startTime).to.be.a('string');
    const kubeconfig = document.infrastructure.localPlaneKubeconfig!;
    expect(existsSync(kubeconfig), 'the dead run left its kubeconfig').to.equal(true);
    groups = document.infrastructure.podProcessGroups ?? [];
    expect(groups).to.not.include(host!.pgid);
    expect(document.infrastructure.localPlaneUrl).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(groups).to.have.length(2);
    expect(groups.every(alive), 'the pods outlived the killed run').to.equal(true);

    const cleanup = await runCli(['cleanup', '--journal', journal]);
    expect(cleanup.code, cleanup.stderr).to.equal(0);
    expect(cleanup.stdout).to.match(new RegExp(`killed\\s+cluster host process ${host!.pid}`));
    expect(cleanup.stdout.match(/killed\s+local pod process group \d+/g)).to.have.length(2);
    const deadline = Date.now() + 5000;
    while ([host!.pid, ...groups].some(alive) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect([host!.pid, ...groups].filter(alive)).to.deep.equal([]);
    expect(existsSync(journal)).to.equal(false);
    expect(existsSync(`${journal}.lock`), "the dead run's lock is taken over and released").to.equal(false);
    expect(existsSync(kubeconfig)).to.equal(false);
    expect(cleanup.stdout).to.match(/removed\s+local plane kubeconfig/);
  });
});
