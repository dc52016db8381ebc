/**
 * No hang: a Toxiproxy or a Kubernetes API server that accepts connections and never answers ends
 * the run with exit 4 and a one-line error, and Ctrl-C during such a wait (or while the local plane
 * starts) ends it at once with 130 and nothing left behind. The bounds below are hang guards, well
 * under the request deadlines (5 s Toxiproxy, 10 s Kubernetes) that they prove were not waited for.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { runCli, REPO } from '../helpers/cli.ts';
import { alive } from '../helpers/process.ts';
import { TempDir } from './system.ts';

/** A TCP listener that accepts and never answers; `connected` resolves at the first connection. */
async function silentServer(): Promise<{ server: Server; url: string; connected: Promise<void>; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let onConnect: () => void = () => undefined;
  const connected = new Promise<void>((resolve) => (onConnect = resolve));
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    onConnect();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connected,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const experiment = (target: string) => `apiVersion: rebound.dev/v1
kind: Experiment
metadata: { name: silent }
target:
${target}
  endpoints: { app: http://127.0.0.1:9/ }
load: { rate: 10/s, requests: [ { url: "{{endpoints.app}}" } ] }
phases: [ { name: only, duration: 1s } ]
`;

describe('rebound run: bounded waits on silent servers, Ctrl-C at any moment of start-up', function () {
  this.timeout(60_000);
  let dir: TempDir;
  before(async () => (dir = await TempDir.create()));
  after(() => dir.remove());

  it('a Toxiproxy that never answers: exit 4 with one line naming it, no hang', async () => {
    const silent = await silentServer();
    try {
      const file = await dir.write('tp.yaml', experiment(`  toxiproxy: { url: ${silent.url}, proxies: [] }`));
      const run = await runCli(['run', file, '--journal', dir.join('tp.journal.json')], { timeoutMs: 45_000 });
      expect(run.code, run.stderr).to.equal(4);
      expect(run.stderr).to.match(new RegExp(`Toxiproxy ${silent.url} is not reachable \\(GET /version\\): no answer within 5000 ms`));
      expect(run.stderr).to.not.match(/\n\s+at /);
    } finally {
      await silent.close();
    }
  });

  it('Ctrl-C while waiting on a silent Toxiproxy ends the run at once: exit 130, nothing injected', async () => {
    const silent = await silentServer();
    try {
      const file = await dir.write('tp-int.yaml', experiment(`  toxiproxy: { url: ${silent.url}, proxies: [] }`));
      let signalled = 0;
      const run = await runCli(['run', file, '--journal', dir.join('tp-int.journal.json')], {
        timeoutMs: 20_000,
        during: (child) => void silent.connected.then(() => ((signalled = Date.now()), child.kill('SIGINT'))),
      });
      expect(run.code, run.stderr).to.equal(130);
      expect(run.stderr).to.match(/interrupted by SIGINT before load started; nothing was injected/);
      expect(Date.now() - signalled, 'did not wait for the 5 s request deadline').to.be.lessThan(4500);
    } finally {
      await silent.close();
    }
  });

  const silentKubeconfig = (url: string, name: string) =>
    dir.write(
      name,
      `apiVersion: v1\nkind: Config\ncurrent-context: silent\nclusters: [ { name: silent, cluster: { server: "${url}", insecure-skip-tls-verify: true } } ]\nusers: [ { name: u, user: { token: t } } ]\ncontexts: [ { name: silent, context: { cluster: silent, user: u } } ]\n`,
    );

  it('a Kubernetes API server that never answers: exit 4 naming the server, no hang', async () => {
    const silent = await silentServer();
    try {
      const kubeconfig = await silentKubeconfig(silent.url, 'silent.kubeconfig');
      const file = await dir.write('kube.yaml', experiment(`  kubernetes: { kubeconfig: ${kubeconfig}, namespace: default, allowContexts: [silent] }`));
      const timedOut = await runCli(['run', file, '--journal', dir.join('kube.journal.json')], { timeoutMs: 60_000 });
      expect(timedOut.code, timedOut.stderr).to.equal(4);
      expect(timedOut.stderr).to.match(new RegExp(`Kubernetes API server ${silent.url} \\(context silent\\) is not reachable: .*(timeout|aborted)`, 'i'));
    } finally {
      await silent.close();
    }
  });

  it('Ctrl-C while waiting on a silent Kubernetes API server: 130 at once', async () => {
    const silent = await silentServer();
    try {
      const kubeconfig = await silentKubeconfig(silent.url, 'silent2.kubeconfig');
      const file = await dir.write('kube2.yaml', experiment(`  kubernetes: { kubeconfig: ${kubeconfig}, namespace: default, allowContexts: [silent] }`));
      let signalled = 0;
      const interrupted = await runCli(['run', file, '--journal', dir.join('kube2.journal.json')], {
        timeoutMs: 30_000,
        during: (child) => void silent.connected.then(() => ((signalled = Date.now()), child.kill('SIGINT'))),
      });
      expect(interrupted.code, interrupted.stderr).to.equal(130);
      expect(Date.now() - signalled, 'did not wait for the 10 s request deadline').to.be.lessThan(8000);
    } finally {
      await silent.close();
    }
  });

  it('Ctrl-C while the local plane and the embedded Toxiproxy start: 130 at once, their processes gone, journal removed', async () => {
    const journal = dir.join('start.journal.json');
    const pids = new Set<number>();
    let signalled = 0;
    const run = await runCli(['run', join(REPO, 'experiments/payments-primary-down.yaml'), '--journal', journal, '--out', dir.join('start-out')], {
      timeoutMs: 30_000,
      during: (child) => {
        // Interrupt as soon as the journal lists a host process (it is journaled before it starts anything).
        const poll = setInterval(() => {
          try {
            const document = JSON.parse(readFileSync(journal, 'utf8')) as { infrastructure: { processes?: { pid: number }[] } };
            for (const host of document.infrastructure.processes ?? []) pids.add(host.pid);
          } catch {
            return;
          }
          if (pids.size > 0 && signalled === 0) {
            signalled = Date.now();
            child.kill('SIGINT');
          }
        }, 20);
        child.on('close', () => clearInterval(poll));
      },
    });
    expect(run.code, run.stderr).to.equal(130);
    expect(Date.now() - signalled, 'start-up stopped at once').to.be.lessThan(5000);
    expect(pids.size).to.be.greaterThan(0);
    for (const pid of pids) expect(alive(pid), `host process ${pid}`).to.equal(false);
    expect(() => readFileSync(journal)).to.throw(/ENOENT/);
  });
});
