/**
 * A real short run (built-in load driver, a real HTTP server on loopback): the server answers 200
 * (naming itself in a served-by header), 502 and 503 in turn, then, once the `down` phase has
 * started (the server learns it from the run's event, a little after the phase boundary), only 503. The result counts the failures by code exactly as the server sent them, keeps the distinct
 * failures with a redacted body excerpt, and the HTML names them; the served-by chart shows the
 * all-failing phase as a failed slice, not as a gap.
 */
import { expect } from 'chai';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseExperiment } from '../../src/experiment/index.ts';
import { renderConsoleSummary } from '../../src/reporters/console/render-console.ts';
import { renderReports } from '../../src/reporters/index.ts';
import { renderMarkdown } from '../../src/reporters/markdown/render-markdown.ts';
import type { Result } from '../../src/result/result.ts';
import { validateResult } from '../../src/result/validate-result.ts';
import { runExperiment } from '../../src/runner/run-experiment.ts';

const SECRET_IN_BODY = 'tok-6f1d2a9c77e0';

describe('failure detail: a real run against a server answering 502 and 503', function () {
  this.timeout(30_000);
  let dir: string;
  let server: Server;
  let result: Result;
  let html: string;
  const sent: Record<string, number> = {};
  let down = false;
  let requests = 0;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rebound-failure-detail-'));
    server = createServer((req, res) => {
      req.resume();
      const turn = requests++ % 4;
      const status = down ? 503 : turn === 1 ? 502 : turn === 3 ? 503 : 200;
      sent[status] = (sent[status] ?? 0) + 1;
      if (status === 200) res.writeHead(200, { 'x-served-by': 'payments-primary' }).end('ok');
      else if (status === 502) res.writeHead(502, { 'content-type': 'application/json' }).end(`{"error":"upstream connect error","access_token":"${SECRET_IN_BODY}"}`);
      else res.writeHead(503).end('no healthy upstream');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const yaml = `apiVersion: rebound.dev/v1
kind: Experiment
metadata: { name: failure-detail }
target: { endpoints: { app: ${url} } }
load: { rate: 100/s, timeout: 2s, servedBy: x-served-by, requests: [ { name: pay, url: "{{endpoints.app}}/pay" } ] }
phases:
  - { name: mixed, duration: 600ms }
  - { name: down, duration: 800ms }
checks:
  - { name: mostly works, successRatio: { phase: mixed, min: 0.9 } }
report: { formats: [json, html] }
`;
    const outcome = await runExperiment({
      experiment: parseExperiment(yaml, join(dir, 'failure-detail.yaml')),
      file: 'failure-detail.yaml',
      outDir: join(dir, 'out'),
      journalPath: join(dir, 'journal.json'),
      signals: false,
      observer: {
        onEvent: (event) => {
          if (event.kind === 'phase-started' && event.phase === 'down') down = true;
        },
      },
    });
    expect(outcome.exitCode, outcome.result?.verdictReason).to.equal(1);
    result = outcome.result!;
    const files = await renderReports(result, join(dir, 'reports'), ['json', 'html']);
    validateResult(JSON.parse(await readFile(files.find((file) => file.endsWith('result.json'))!, 'utf8')), 'result.json');
    html = await readFile(files.find((file) => file.endsWith('report.html'))!, 'utf8');
  });
  after(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await rm(dir, { recursive: true, force: true });
  });

  it('counts failures by status code, per phase and per bucket, exactly as the server answered', () => {
    expect(sent[502], 'the server answered some 502s').to.be.greaterThan(0);
    const byCode: Record<string, number> = {};
    for (const phase of result.phases) for (const [code, n] of Object.entries(phase.failuresByCode ?? {})) byCode[code] = (byCode[code] ?? 0) + n;
    expect(byCode).to.deep.equal({ '502': sent[502], '503': sent[503] });
    const down = result.phases.find((phase) => phase.name === 'down')!;
    // Requests scheduled at the very start of `down` may still get the mixed answers.
    expect(down.failuresByCode!['503']).to.be.greaterThan(0.8 * down.total);
    expect(down.failedWithoutServer).to.equal(down.failures);
    const fromBuckets = result.timeline.buckets.reduce((sum, bucket) => sum + (bucket.failuresByCode?.['502'] ?? 0), 0);
    expect(fromBuckets).to.equal(sent[502]);
  });

  it('keeps the distinct failures with counts, first/last seen and a redacted body excerpt', () => {
    const entries = result.failureLog!.entries;
    const bad = entries.find((entry) => entry.code === '502')!;
    expect(bad).to.include({ kind: 'http_status', message: 'Bad Gateway', count: sent[502] });
    expect(bad.lastMs).to.be.at.least(bad.firstMs);
    expect(Date.parse(bad.firstAt)).to.be.closeTo(Date.parse(result.startedAt) + bad.firstMs, 1);
    expect(bad.excerpt).to.include('upstream connect error');
    expect(bad.excerpt).to.not.include(SECRET_IN_BODY);
    expect(entries.find((entry) => entry.code === '503')).to.include({ message: 'Service Unavailable', count: sent[503], excerpt: 'no healthy upstream' });
    expect(JSON.stringify(result)).to.not.include(SECRET_IN_BODY);
  });

  it('the HTML says why requests failed: 502 with its count, and the table of distinct failures', () => {
    const section = html.slice(html.indexOf('<section id="failures">'), html.indexOf('<section id="phases">'));
    expect(section).to.include('Why requests failed');
    const mixed = section.slice(section.indexOf('data-phase="mixed"'), section.indexOf('data-phase="down"'));
    const inMixed = result.phases.find((phase) => phase.name === 'mixed')!.failuresByCode!['502']!;
    expect(inMixed).to.be.greaterThan(0);
    expect(mixed).to.match(new RegExp(`<tr data-code="502"><td class="mono"><strong>502</strong></td><td>bad HTTP status</td><td class="num">${inMixed}</td>`));
    const messages = section.slice(section.indexOf('class="fd-messages"'));
    expect(messages).to.include('Bad Gateway');
    expect(messages).to.include('upstream connect error');
    expect(messages).to.match(/\d{2}:\d{2}:\d{2}\.\d{1,3} UTC/);
    expect(html).to.include('id="chart-failures"');
    expect(html).to.not.include(SECRET_IN_BODY);
  });

  it('the served-by chart shows the all-failing phase as the failed slice, at 100 %', () => {
    const chart = html.slice(html.indexOf('id="chart-served-by"'), html.indexOf('</figure>', html.indexOf('id="chart-served-by"')));
    const band = /<rect class="band[^"]*" x="([\d.]+)" y="[\d.]+" width="([\d.]+)" height="[\d.]+"><title>down:/.exec(chart);
    expect(band, 'the down phase band').to.not.equal(null);
    const [from, to] = [Number(band![1]), Number(band![1]) + Number(band![2])];
    const failed = /<path class="sb sb-failed" d="([^"]+)"/.exec(chart);
    expect(failed, 'a failed slice').to.not.equal(null);
    const points = [...failed![1]!.matchAll(/[ML]([\d.]+) ([\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])] as const);
    const upper = points.slice(0, points.length / 2);
    const lower = points.slice(points.length / 2).reverse();
    const top = Math.min(...points.map(([, y]) => y));
    const bottom = Math.max(...points.map(([, y]) => y));
    // In the second half of the down phase (the server switched well before) the failed slice spans the whole plot height.
    const inside = upper.map(([x, y], i) => ({ x, y, lowerY: lower[i]![1] })).filter((p) => p.x > (from + to) / 2 && p.x < to - 10);
    expect(inside.length).to.be.greaterThan(0);
    for (const p of inside) expect([p.y, p.lowerY]).to.deep.equal([top, bottom]);
    expect(chart).to.include('failed / no server');
  });

  it('the console and summary.md name the top status codes under the failed ratio check', () => {
    const check = result.checks.find((c) => c.name === 'mostly works')!;
    expect(check.verdict).to.equal('failed');
    const inMixed = result.phases.find((phase) => phase.name === 'mixed')!.failuresByCode!;
    const console = renderConsoleSummary(result, [], false);
    expect(console).to.match(/failed requests by code: 50[23] ×\d+ \(\d+\.\d %\), 50[23] ×\d+/);
    expect(console).to.include(`502 ×${inMixed['502']}`);
    expect(renderMarkdown(result)).to.match(/ {2}- failed requests by code: 50[23] ×\d+/);
  });
});
