/**
 * Black-box runs of the real CLI: `--metrics` serves Rebound's own metrics during a run and the
 * real embedded Prometheus scrapes them (a prometheus check over them passes); a non-loopback
 * `--metrics` is refused; a missing binary and a Prometheus that does not answer are exit 4
 * before anything runs.
 */
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeLoopbackPort as freePort } from '../../src/util/loopback-port.ts';
import type { Result } from '../../src/result/result.ts';
import { runCli } from '../helpers/cli.ts';
import { requirePrometheus } from './fixture-metrics.ts';

describe('rebound run with Prometheus (CLI)', function () {
  this.timeout(90_000);
  let dir: string;
  let app: Server;
  let appUrl: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rebound-prom-cli-'));
    app = createServer((_req, res) => res.writeHead(200).end('ok'));
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise<void>((resolve) => app.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
  });

  const experiment = async (name: string, prometheus: string, checks = '') => {
    const file = join(dir, `${name}.yaml`);
    await writeFile(
      file,
      `apiVersion: rebound.dev/v1
kind: Experiment
metadata: { name: ${name} }
target:
  prometheus: ${prometheus}
  endpoints: { app: ${appUrl} }
load: { rate: 50/s, requests: [ { url: "{{endpoints.app}}/" } ] }
phases:
  - { name: baseline, duration: 1s }
  - { name: outage, duration: 1500ms }
checks:
  - { successRatio: { phase: outage, min: 0.9 } }
${checks}report: { formats: [json] }
`,
    );
    return file;
  };

  it('refuses a --metrics address that is not loopback (exit 2)', async () => {
    const file = await experiment('refused', '{ url: http://127.0.0.1:9 }');
    for (const address of ['0.0.0.0:9464', 'example.com:9464']) {
      const run = await runCli(['run', file, '--metrics', address, '--journal', join(dir, 'j-refused.json')], { timeoutMs: 30_000 });
      expect(run.code, run.stderr).to.equal(2);
      expect(run.stderr).to.contain('--metrics listens on loopback only');
    }
  });

  it('a missing prometheus binary is exit 4 before anything runs, saying how to install it', async () => {
    const out = join(dir, 'out-missing');
    const file = await experiment('missing', '{ embedded: true, binary: /nonexistent/prometheus }');
    const run = await runCli(['run', file, '--out', out, '--journal', join(dir, 'j-missing.json')], { timeoutMs: 30_000 });
    expect(run.code, run.stderr).to.equal(4);
    expect(run.stderr).to.contain('target.prometheus.binary /nonexistent/prometheus is not an executable file');
    expect(run.stderr).to.contain("apt-get install prometheus");
    expect(existsSync(out), 'no report: nothing ran').to.equal(false);
    // Not on PATH either.
    const onPath = await runCli(['run', await experiment('missing-path', '{ embedded: true }'), '--out', out, '--journal', join(dir, 'j-missing.json')], { env: { PATH: dir }, timeoutMs: 30_000 });
    expect(onPath.code, onPath.stderr).to.equal(4);
    expect(onPath.stderr).to.contain('the embedded Prometheus needs the prometheus binary, which is not on PATH');
  });

  it('a Prometheus that does not answer is exit 4 before anything runs', async () => {
    const port = await freePort();
    const out = join(dir, 'out-down');
    const run = await runCli(['run', await experiment('down', `{ url: "http://127.0.0.1:${port}" }`), '--out', out, '--journal', join(dir, 'j-down.json')], { timeoutMs: 30_000 });
    expect(run.code, run.stderr).to.equal(4);
    expect(run.stderr).to.contain(`Prometheus at http://127.0.0.1:${port} does not answer`);
    expect(existsSync(out)).to.equal(false);
  });

  it('--metrics serves the text format with phase and outcome labels during the run, and the embedded Prometheus scrapes it', async function () {
    requirePrometheus(this);
    const port = await freePort();
    const out = join(dir, 'out-metrics');
    const file = await experiment(
      'metrics',
      '{ embedded: true, scrapeInterval: 250ms }',
      `  - name: rebound requests seen by Prometheus
    prometheus: { query: 'sum(increase(rebound_requests_total{phase="outage",outcome="success"}[$__range]))', phase: outage, min: 20 }
`,
    );
    let scraped = '';
    const run = await runCli(['run', file, '--out', out, '--metrics', `127.0.0.1:${port}`, '--journal', join(dir, 'j-metrics.json')], {
      timeoutMs: 60_000,
      during: () => {
        const poll = async () => {
          for (let i = 0; i < 300 && !/rebound_requests_total\{phase="outage",outcome="success"\}/.test(scraped); i++) {
            try {
              const response = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(1000) });
              expect(response.headers.get('content-type')).to.match(/^text\/plain; version=0\.0\.4/);
              scraped = await response.text();
            } catch {
              // not listening yet, or already closed
            }
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
        };
        void poll();
      },
    });
    // 5 only when the shared machine starved the harness (the verdict says so); the checks still ran.
    expect(run.code, run.stdout + run.stderr).to.be.oneOf([0, 5]);
    if (run.code === 5) expect(run.stdout).to.contain('harness overloaded');
    expect(run.stderr).to.contain(`metrics: http://127.0.0.1:${port}/metrics`);
    expect(scraped).to.match(/^rebound_requests_total\{phase="outage",outcome="success"\} \d+$/m);
    expect(scraped).to.match(/^rebound_request_duration_seconds_bucket\{le="0\.005",phase="(baseline|outage)"\} \d+$/m);
    expect(scraped).to.match(/^rebound_phase\{phase="outage"\} 1$/m);
    expect(scraped).to.contain('# TYPE rebound_active_faults gauge');
    const [stamp] = await readdir(out).then((entries) => entries.filter((e) => e === 'result.json'));
    const result = JSON.parse(await readFile(join(out, stamp!), 'utf8')) as Result;
    const check = result.checks.find((c) => c.name === 'rebound requests seen by Prometheus')!;
    expect(check.verdict, check.reason).to.equal('passed');
    // 50/s over 1.5 s, as counted by Prometheus from Rebound's own counter.
    expect(check.observed.value as number).to.be.within(40, 110);
    // The endpoint is gone with the run.
    const after = await fetch(`http://127.0.0.1:${port}/metrics`).then(() => 'answered', () => 'closed');
    expect(after).to.equal('closed');
  });
});
