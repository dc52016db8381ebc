import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadExperiment, parseExperiment } from '../../src/experiment/index.ts';
import { ValidationError } from '../../src/errors.ts';
import { renderSchemaFile, SCHEMA_FILE } from '../../src/experiment/write-schema.ts';
import { VALID, edit } from './helpers.ts';

const FULL = `apiVersion: rebound.dev/v1
kind: Experiment
metadata:
  name: full
  labels: { team: shop }
target:
  kubernetes: { local: ./manifests, namespace: shop }
  toxiproxy:
    embedded: true
    proxies:
      - { name: payments-primary, listen: 127.0.0.1:21001, upstream: service/payments-primary:80 }
  endpoints:
    checkout: service/checkout:8080
    direct: proxy/payments-primary
    external: http://127.0.0.1:9000/
load:
  rate: { stages: [ { duration: 5s, target: 100/s }, { duration: 20s, target: 300/s } ] }
  timeout: 3s
  requests:
    - method: POST
      url: "{{endpoints.checkout}}/checkout?sku=1"
      headers: { authorization: "Bearer \${env:TOKEN}", x-api-key: "\${env:KEY}" }
      body: '{"qty":1}'
    - { name: stock, url: "{{endpoints.direct}}/stock", weight: 3 }
  success: { status: [200, "2xx", "400-404"], body: '"ok":true' }
  servedBy: X-Served-By
phases:
  - { name: baseline, duration: 5s }
  - name: outage
    duration: 10s
    faults:
      - toxiproxy: { proxy: payments-primary, toxic: latency, attributes: { latency: 3000, jitter: 10 } }
      - podKill: { selector: app=payments-primary, gracePeriod: 0s }
  - { name: recovery, duration: 10s }
checks:
  - successRatio: { phase: outage, min: 0.99 }
  - { successRatio: { phase: outage, min: 0.99 }, strict: false, minSamples: 50 }
  - { name: custom, latency: { phase: recovery, percentile: 99, max: 500ms, from: 2s } }
  - podsReady: { selector: app=payments-primary, count: 2, within: 10s, after: outage }
guardrails: { abortIf: { successRatio: { below: 0.5, for: 5s } } }
report: { outDir: ./out, redactHeaders: [X-Api-Key], secrets: [hunter2] }
bucket: 50ms
`;

describe('experiment resolution', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'rebound-exp-'));
    mkdirSync(join(dir, 'manifests'));
    writeFileSync(join(dir, 'full.yaml'), FULL);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('fills every default and resolves references, paths and units', async () => {
    const e = await loadExperiment('full.yaml', { cwd: dir, env: { TOKEN: 't0ken', KEY: 'k3y' } });
    expect(e.sourcePath).to.equal(join(dir, 'full.yaml'));
    expect(e.sourceText).to.equal(FULL);
    expect(e.labels).to.deep.equal({ team: 'shop' });
    expect(e.bucketMs).to.equal(50);
    expect(e.target.kubernetes).to.deep.equal({ mode: 'local', manifests: join(dir, 'manifests'), namespace: 'shop' });
    expect(e.target.toxiproxy).to.deep.equal({
      mode: 'embedded',
      host: '127.0.0.1',
      port: 0,
      proxies: [{ name: 'payments-primary', listen: '127.0.0.1:21001', upstream: { kind: 'service', service: 'payments-primary', port: 80 } }],
    });
    expect(e.target.endpoints).to.deep.equal({
      checkout: { kind: 'service', service: 'checkout', port: 8080, scheme: 'http' },
      direct: { kind: 'proxy', proxy: 'payments-primary', scheme: 'http' },
      external: { kind: 'url', url: 'http://127.0.0.1:9000' },
    });
    expect(e.load.rate).to.deep.equal({ kind: 'ramp', startPerSecond: 0, stages: [{ durationMs: 5000, target: 100 }, { durationMs: 20_000, target: 300 }] });
    expect(e.load.maxInFlight).to.equal(1800); // max(100, 2 × 300/s × 3 s)
    expect(e.load.connections).to.equal(64);
    expect(e.load.requests).to.deep.equal([
      { name: 'POST /checkout', method: 'POST', url: '{{endpoints.checkout}}/checkout?sku=1', headers: { authorization: 'Bearer t0ken', 'x-api-key': 'k3y' }, body: '{"qty":1}', weight: 1 },
      { name: 'stock', method: 'GET', url: '{{endpoints.direct}}/stock', headers: {}, weight: 3 },
    ]);
    expect(e.load.success).to.deep.equal({ statuses: [[200, 200], [200, 299], [400, 404]], bodyPattern: '"ok":true' });
    expect(e.load.servedByHeader).to.equal('x-served-by');
    expect(e.phases.map((p) => [p.name, p.startMs, p.durationMs])).to.deep.equal([
      ['baseline', 0, 5000],
      ['outage', 5000, 10_000],
      ['recovery', 15_000, 10_000],
    ]);
    expect(e.phases[1]!.faults).to.deep.equal([
      { kind: 'toxic', id: 'outage/0', phase: 'outage', proxy: 'payments-primary', toxic: { type: 'latency', name: 'rebound-outage-0', stream: 'downstream', toxicity: 1, attributes: { latency: 3000, jitter: 10 } } },
      { kind: 'pod-kill', id: 'outage/1', phase: 'outage', namespace: 'shop', selector: 'app=payments-primary', count: 1, pick: 'random', gracePeriodSeconds: 0 },
    ]);
    expect(e.checks.map((c) => [c.name, c.strict, c.minSamples])).to.deep.equal([
      ['success ratio ≥ 99% in outage', true, 20],
      ['success ratio ≥ 99% in outage #2', false, 50],
      ['custom', true, 20],
      ['2 pods app=payments-primary ready within 10s after outage', true, 20],
    ]);
    expect(e.checks[2]!.spec).to.deep.equal({ kind: 'latency', scope: { phase: 'recovery', fromMs: 2000 }, percentile: 99, maxMs: 500 });
    expect(e.checks[3]!.spec).to.deep.equal({ kind: 'podsReady', namespace: 'shop', selector: 'app=payments-primary', count: 2, withinMs: 10_000, after: 'outage' });
    expect(e.guardrails).to.deep.equal({ abortIf: { successRatioBelow: 0.5, forMs: 5000 }, maxPodsKilled: 1, maxRunMs: 25_000 + 60_000 });
    expect(e.report).to.deep.equal({
      outDir: join(dir, 'out'),
      formats: ['html', 'json', 'junit'],
      redactHeaders: ['authorization', 'cookie', 'set-cookie', 'proxy-authorization', 'x-api-key'],
      secrets: ['hunter2', 't0ken', 'k3y'],
    });
  });

  it('is deeply frozen', () => {
    const e = parseExperiment(VALID, 'exp.yaml', { env: {} });
    expect(Object.isFrozen(e)).to.equal(true);
    expect(Object.isFrozen(e.phases[1]!.faults[0])).to.equal(true);
    expect(Object.isFrozen(e.report.redactHeaders)).to.equal(true);
    expect(() => {
      (e.phases as unknown as unknown[]).push({});
    }).to.throw(TypeError);
  });

  it('uses the documented defaults for a constant rate (maxInFlight, timeout, formats)', () => {
    const e = parseExperiment(edit('  timeout: 2s\n', ''), 'exp.yaml', { env: {} });
    expect(e.load.timeoutMs).to.equal(5000);
    expect(e.load.maxInFlight).to.equal(2000); // max(100, 2 × 200/s × 5 s)
    expect(e.load.rate).to.deep.equal({ kind: 'constant', perSecond: 200 });
    expect(e.bucketMs).to.equal(100);
    expect(e.guardrails.maxPodsKilled).to.equal(1);
    expect(e.checks[1]!.name).to.equal('recovers within 5s after outage');
  });

  it('names a missing manifests directory and a missing file', async () => {
    const text = FULL.replace('./manifests', './nope');
    const error = await (async () => {
      try {
        parseExperiment(text, join(dir, 'x.yaml'), { env: { TOKEN: 'a', KEY: 'b' } });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).to.be.instanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => `${i.line}:${i.column} ${i.path}: ${i.message}`)).to.deep.equal([
      `7:24 target.kubernetes.local: manifests not found: ${join(dir, 'nope')}`,
    ]);
    let missing: unknown;
    await loadExperiment(join(dir, 'absent.yaml')).catch((e: unknown) => (missing = e));
    expect(missing).to.be.instanceOf(ValidationError);
    expect((missing as ValidationError).message).to.equal(`${join(dir, 'absent.yaml')}: file not found`);
  });

  it('keeps experiment.schema.json equal to the schema the TypeScript types come from', () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8'), 'run: node --import tsx src/experiment/write-schema.ts').to.equal(renderSchemaFile());
  });
});
