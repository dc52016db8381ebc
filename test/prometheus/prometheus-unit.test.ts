/** The pure parts: durations, variables, the generated configuration, pod targets, --metrics addresses, the experiment's validation. */
import { expect } from 'chai';
import { parse } from 'yaml';
import type { V1Pod } from '@kubernetes/client-node';
import { ValidationError } from '../../src/errors.ts';
import { parseExperiment } from '../../src/experiment/index.ts';
import { parseMetricsAddress } from '../../src/metrics/metrics-server.ts';
import { fileSdJson, scrapeConfigYaml } from '../../src/prometheus/config.ts';
import { parsePromDuration, promDuration, unixSeconds } from '../../src/prometheus/duration.ts';
import { meshScrapeTarget, podScrapeTarget } from '../../src/prometheus/targets.ts';
import { substituteVariables, unknownVariables } from '../../src/prometheus/variables.ts';
import { waitForScrape } from '../../src/prometheus/window.ts';
import { meshQueries } from '../../src/checks/mesh-ratio.ts';

describe('prometheus: pure parts', () => {
  it('durations: PromQL text, unix seconds, config durations', () => {
    expect(promDuration(30_000)).to.equal('30s');
    expect(promDuration(12_500)).to.equal('12500ms');
    expect(promDuration(0.2)).to.equal('1ms');
    expect(unixSeconds(1767225600250)).to.equal('1767225600.250');
    expect(parsePromDuration('1m30s')).to.equal(90_000);
    expect(parsePromDuration('250ms')).to.equal(250);
    expect(parsePromDuration('15s')).to.equal(15_000);
    expect(parsePromDuration('soon')).to.equal(undefined);
  });

  it('variables: every one substituted, bare or braced; unknown ones named', () => {
    const window = { startMs: 1_767_225_610_000, endMs: 1_767_225_622_500, phaseStartMs: 1_767_225_600_000, phaseEndMs: 1_767_225_630_000, scrapeIntervalMs: 1000, namespace: 'shop' };
    const query =
      'rate(x{namespace="$__namespace"}[$__rate_interval]) $__range ${__range} $__range_s $__range_ms $__window_start $__window_end $__phase_start $__phase_end $__interval $__scrape_interval';
    expect(substituteVariables(query, window)).to.equal(
      'rate(x{namespace="shop"}[4s]) 12500ms 12500ms 12.5 12500 1767225610.000 1767225622.500 1767225600.000 1767225630.000 1s 1s',
    );
    expect(unknownVariables('sum(x[$__rang]) + $__range + ${__phase_begin} + $other')).to.deep.equal(['__rang', '__phase_begin']);
  });

  it('the generated configuration: fixed jobs, the pods file_sd job, intervals', () => {
    const config = parse(
      scrapeConfigYaml({
        scrapeIntervalMs: 500,
        targets: [
          { job: 'rebound', address: '127.0.0.1:9464' },
          { job: 'istio-mesh', address: '127.0.0.1:15090', metricsPath: '/stats/prometheus' },
        ],
        podsFile: '/tmp/x/pods.json',
      }),
    );
    expect(config.global).to.deep.equal({ scrape_interval: '500ms', scrape_timeout: '500ms', evaluation_interval: '500ms' });
    expect(config.scrape_configs).to.deep.equal([
      { job_name: 'rebound', metrics_path: '/metrics', static_configs: [{ targets: ['127.0.0.1:9464'] }] },
      { job_name: 'istio-mesh', metrics_path: '/stats/prometheus', static_configs: [{ targets: ['127.0.0.1:15090'] }] },
      { job_name: 'kubernetes-pods', file_sd_configs: [{ files: ['/tmp/x/pods.json'], refresh_interval: '500ms' }] },
    ]);
    expect(JSON.parse(fileSdJson([{ job: 'kubernetes-pods', address: '127.0.0.1:30001', metricsPath: '/m', labels: { pod: 'p-1' } }]))).to.deep.equal([
      { targets: ['127.0.0.1:30001'], labels: { job: 'kubernetes-pods', __metrics_path__: '/m', pod: 'p-1' } },
    ]);
    expect(meshScrapeTarget('http://127.0.0.1:15090/stats/prometheus')).to.deep.equal({ job: 'istio-mesh', address: '127.0.0.1:15090', metricsPath: '/stats/prometheus' });
    expect(meshScrapeTarget(undefined)).to.equal(undefined);
  });

  it("a local pod's scrape target: its prometheus.io annotations, reached on its loopback port", () => {
    const pod = (annotations: Record<string, string>, phase = 'Running'): V1Pod => ({
      metadata: { name: 'payments-1', namespace: 'shop', labels: { app: 'payments' }, annotations: { 'rebound.dev/local-port': '30123', ...annotations } },
      spec: { containers: [{ name: 'app', ports: [{ containerPort: 8080 }] }] },
      status: { phase },
    });
    expect(podScrapeTarget(pod({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '8080', 'prometheus.io/path': '/stats' }))).to.deep.equal({
      job: 'kubernetes-pods',
      address: '127.0.0.1:30123',
      metricsPath: '/stats',
      labels: { namespace: 'shop', pod: 'payments-1', app: 'payments' },
    });
    // Another port than the first container port: the app listens on it as-is.
    expect(podScrapeTarget(pod({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9100' }))?.address).to.equal('127.0.0.1:9100');
    expect(podScrapeTarget(pod({ 'prometheus.io/scrape': 'true' }))?.address).to.equal('127.0.0.1:30123');
    expect(podScrapeTarget(pod({}))).to.equal(undefined);
    expect(podScrapeTarget(pod({ 'prometheus.io/scrape': 'true' }, 'Pending'))).to.equal(undefined);
  });

  it('mesh queries: reporter and the FQDN destination_service, 5xx apart, FI/DI flags apart', () => {
    const q = meshQueries({ service: 'payments.shop.svc.cluster.local', reporter: 'source' });
    expect(q.total).to.equal('sum(increase(istio_requests_total{reporter="source",destination_service="payments.shop.svc.cluster.local"}[$__range]))');
    expect(q.failures).to.contain(',response_code=~"5.."}');
    expect(q.injectedAborts).to.contain(',response_flags=~"(.*,)?FI(,.*)?"}');
    expect(q.injectedDelays).to.contain(',response_flags=~"(.*,)?DI(,.*)?"}');
  });

  it('--metrics: loopback only', () => {
    expect(parseMetricsAddress('9464')).to.deep.equal({ host: '127.0.0.1', port: 9464 });
    expect(parseMetricsAddress('localhost:0')).to.deep.equal({ host: 'localhost', port: 0 });
    expect(parseMetricsAddress('[::1]:9464')).to.deep.equal({ host: '::1', port: 9464 });
    expect(parseMetricsAddress('127.0.0.2:9464')).to.deep.equal({ host: '127.0.0.2', port: 9464 });
    expect(() => parseMetricsAddress('0.0.0.0:9464')).to.throw(/loopback only/);
    expect(() => parseMetricsAddress('192.168.1.4:9464')).to.throw(/loopback only/);
    expect(() => parseMetricsAddress('host:port')).to.throw(/expects \[host:\]port/);
  });

  it('the scrape wait: one interval and a margin after the window end, bounded, abortable', async () => {
    const now = 1_000_000;
    const controller = new AbortController();
    expect(await waitForScrape(now - 10_000, 1000, controller.signal, () => now)).to.equal(0);
    const started = Date.now();
    expect(await waitForScrape(now - 900, 1000, controller.signal, () => now)).to.equal(1100);
    expect(Date.now() - started).to.be.within(1050, 1600);
    const aborting = waitForScrape(now, 60_000, controller.signal, () => now);
    setTimeout(() => controller.abort(), 50);
    const t = Date.now();
    expect(await aborting).to.equal(undefined);
    expect(Date.now() - t).to.be.below(1000);
  });

  describe('validation', () => {
    const yaml = (target: string, check: string) => `apiVersion: rebound.dev/v1
kind: Experiment
metadata: { name: v }
target: { ${target} endpoints: { app: http://127.0.0.1:1 } }
load: { rate: 10/s, requests: [ { url: "{{endpoints.app}}/" } ] }
phases: [ { name: outage, duration: 1s } ]
checks:
  - ${check}
`;
    const issues = (text: string): string[] => {
      try {
        parseExperiment(text, 'v.yaml', { env: { TOKEN: 's3cret' } });
      } catch (error) {
        if (error instanceof ValidationError) return error.issues.map((i) => `${i.path}: ${i.message}`);
        throw error;
      }
      return [];
    };

    it('located errors: no target.prometheus, unknown variable, no bound, url with embedded, step without forAll', () => {
      expect(issues(yaml('', `prometheus: { query: 'up', phase: outage, min: 1 }`))).to.deep.equal(['checks[0].prometheus: a Prometheus check needs target.prometheus ({ url } or { embedded: true })']);
      expect(issues(yaml('prometheus: { embedded: true },', `prometheus: { query: 'x[$__rnage]', phase: outage, min: 1 }`))[0]).to.match(/^checks\[0\]\.prometheus\.query: unknown variable \$__rnage; known: \$__range/);
      expect(issues(yaml('prometheus: { embedded: true },', `prometheus: { query: 'up', phase: outage }`))).to.deep.equal(['checks[0].prometheus: set "min", "max" or both']);
      expect(issues(yaml('prometheus: { embedded: true, url: "http://x" },', `prometheus: { query: 'up', phase: outage, min: 1 }`))[0]).to.match(/^target\.prometheus\.url: "url" cannot be used with "embedded: true"/);
      expect(issues(yaml('prometheus: { embedded: true },', `prometheus: { query: 'up', phase: outage, min: 1, step: 1s }`))).to.deep.equal(['checks[0].prometheus.step: "step" is for mode: forAll']);
      expect(issues(yaml('prometheus: { embedded: true },', `meshSuccessRatio: { service: payments, phase: outage, min: 0.99, reporter: waypoint }`))[0]).to.match(/^checks\[0\]\.meshSuccessRatio\.reporter/);
    });

    it('url headers take ${env:…} values, which become secrets; the service FQDN comes from the namespace', () => {
      const experiment = parseExperiment(
        yaml('kubernetes: { local: fixtures/shop/manifests/local, namespace: shop }, prometheus: { url: "http://127.0.0.1:9090", headers: { Authorization: "Bearer ${env:TOKEN}" } },', `meshFailureRatio: { service: payments, phase: outage, max: 0.01 }`),
        'v.yaml',
        { env: { TOKEN: 's3cret' }, cwd: process.cwd() },
      );
      expect(experiment.target.prometheus).to.deep.equal({ mode: 'url', url: 'http://127.0.0.1:9090', headers: { Authorization: 'Bearer s3cret' } });
      expect(experiment.report.secrets).to.include('s3cret');
      expect(experiment.checks[0]!.spec).to.include({ kind: 'meshFailureRatio', service: 'payments.shop.svc.cluster.local', reporter: 'source', bound: 'max', limit: 0.01 });
      expect(experiment.checks[0]!.name).to.equal('mesh failure ratio of payments ≤ 1% in outage (reporter=source)');
    });
  });
});
