/**
 * The embedded Prometheus scrapes the local plane's pods through their prometheus.io/* annotations
 * (each reached on its loopback port), read through the Kubernetes API; a check over the pods'
 * own counter sees the load Rebound sent through the Service.
 */
import { expect } from 'chai';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadExperiment } from '../../src/experiment/index.ts';
import { runExperiment } from '../../src/runner/run-experiment.ts';
import { requirePrometheus } from './fixture-metrics.ts';

const APP = resolve(import.meta.dirname, 'apps/metrics-app.mjs');

const MANIFESTS = `apiVersion: v1
kind: Namespace
metadata: { name: promtest }
---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: promtest }
spec:
  selector: { app: web }
  ports: [ { name: http, port: 80, targetPort: http } ]
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: promtest }
spec:
  replicas: 2
  selector: { matchLabels: { app: web } }
  template:
    metadata:
      labels: { app: web }
      annotations: { prometheus.io/scrape: "true", prometheus.io/port: "8080", prometheus.io/path: /metrics }
    spec:
      terminationGracePeriodSeconds: 1
      containers:
        - name: web
          image: unused
          command: [node, ${JSON.stringify(APP)}]
          ports: [ { name: http, containerPort: 8080 } ]
          readinessProbe: { httpGet: { path: /, port: http }, periodSeconds: 1 }
`;

describe('embedded Prometheus on the local plane (real binary)', function () {
  this.timeout(90_000);
  let dir: string;

  before(async function () {
    requirePrometheus(this);
    dir = await mkdtemp(join(tmpdir(), 'rebound-prom-plane-'));
    await mkdir(join(dir, 'manifests'));
    await writeFile(join(dir, 'manifests/web.yaml'), MANIFESTS);
    await writeFile(
      join(dir, 'scrape.yaml'),
      `apiVersion: rebound.dev/v1
kind: Experiment
metadata: { name: scrape-pods }
target:
  kubernetes: { local: ./manifests, namespace: promtest }
  prometheus: { embedded: true, scrapeInterval: 250ms }
  endpoints: { web: service/web:80 }
load: { rate: 40/s, timeout: 2s, requests: [ { url: "{{endpoints.web}}/" } ] }
phases:
  - { name: steady, duration: 2s }
checks:
  - name: both pods scraped
    prometheus: { query: 'count(up{job="kubernetes-pods",namespace="$__namespace",app="web"} == 1)', phase: steady, min: 2, max: 2 }
  - name: the pods counted the load
    prometheus: { query: 'sum(increase(app_requests_total[$__range]))', phase: steady, min: 40 }
report: { formats: [json] }
`,
    );
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("scrapes the annotated pods on their loopback ports; their counter agrees with Rebound's load", async () => {
    const outcome = await runExperiment({
      experiment: await loadExperiment(join(dir, 'scrape.yaml')),
      file: 'scrape.yaml',
      outDir: join(dir, 'out'),
      journalPath: join(dir, 'journal.json'),
      signals: false,
    });
    const result = outcome.result!;
    const scraped = result.checks.find((c) => c.name === 'both pods scraped')!;
    expect(scraped.verdict, scraped.reason).to.equal('passed');
    expect(scraped.observed.query).to.equal('count(up{job="kubernetes-pods",namespace="promtest",app="web"} == 1)');
    const counted = result.checks.find((c) => c.name === 'the pods counted the load')!;
    expect(counted.verdict, counted.reason).to.equal('passed');
    // Rebound sent ~80 requests in the phase; Prometheus's increase() over 2 s at a 250 ms scrape sees about as many.
    const sent = result.phases[0]!.total;
    expect(counted.observed.value as number).to.be.within(sent * 0.6, sent * 1.4);
  });
});
