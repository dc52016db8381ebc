import { expect } from 'chai';
import { durationToMs, parseExperiment } from '../../src/experiment/index.ts';
import { VALID, edit, issuesOf, located } from './helpers.ts';

describe('experiment validation: located errors', () => {
  it('accepts the base experiment (so every rejection below is caused by its edit)', () => {
    expect(parseExperiment(VALID, 'exp.yaml', { env: {} }).name).to.equal('payments-primary-down');
  });

  it('rejects an unknown field at its key, suggesting the nearest name', () => {
    expect(located(issuesOf(edit('    duration: 10s', '    duraton: 10s')))).to.deep.equal([
      '21:5 phases[0].duration: missing required field "duration"',
      '22:5 phases[0].duraton: unknown field "duraton" (did you mean "duration"?)',
    ]);
    expect(located(issuesOf(edit('  servedBy: x-served-by', '  servedby: x-served-by')))).to.deep.equal([
      '19:3 load.servedby: unknown field "servedby" (did you mean "servedBy"?)',
    ]);
  });

  it('names a missing required field at its parent key', () => {
    expect(located(issuesOf(edit('  name: payments-primary-down\n', '  description: x\n')))).to.deep.equal(['3:1 metadata.name: missing required field "name"']);
  });

  it('says what a bad value should look like, at the value', () => {
    expect(located(issuesOf(edit('  timeout: 2s', '  timeout: 2')))).to.deep.equal([
      '16:12 load.timeout: expected a duration like 250ms, 10s, 2m or 1m30s, got the number 2',
    ]);
    expect(located(issuesOf(edit('  rate: 200/s', '  rate: 200 per second')))).to.deep.equal([
      '15:9 load.rate: expected a rate like 200/s or 12000/m, got "200 per second"',
    ]);
    expect(located(issuesOf(edit('down: true }', 'toxic: latncy }')))).to.deep.equal([
      '26:54 phases[1].faults[0].toxiproxy.toxic: expected one of "latency", "bandwidth", "slow_close", "timeout", "reset_peer", "slicer", "limit_data", got "latncy" (did you mean "latency"?)',
    ]);
    expect(located(issuesOf(edit('min: 0.99', 'min: 1.5')))).to.deep.equal(['30:41 checks[0].successRatio.min: must be ≤ 1, got the number 1.5']);
  });

  it('checks references: proxies of faults, phases of checks, endpoints of URLs', () => {
    expect(located(issuesOf(edit('proxy: payments-primary, down', 'proxy: payments-primary2, down')))).to.deep.equal([
      '26:29 phases[1].faults[0].toxiproxy.proxy: no proxy named "payments-primary2" in target.toxiproxy.proxies (did you mean "payments-primary"?); known: payments-primary',
    ]);
    expect(located(issuesOf(edit('successRatio: { phase: outage', 'successRatio: { phase: outgae')))).to.deep.equal([
      '30:28 checks[0].successRatio.phase: no phase named "outgae" (did you mean "outage"?); phases: baseline, outage, recovery',
    ]);
    expect(located(issuesOf(edit('{{endpoints.checkout}}', '{{endpoints.chekout}}')))).to.deep.equal([
      '18:12 load.requests[0].url: no endpoint named "chekout" in target.endpoints (did you mean "checkout"?); known: checkout',
    ]);
  });

  it('checks windows and durations against the bucket and the phase', () => {
    expect(located(issuesOf(edit('    duration: 10s', '    duration: 10050ms')))).to.deep.equal([
      '22:15 phases[0].duration: phase duration 10.05s must be a multiple of bucket (100ms)',
    ]);
    expect(located(issuesOf(edit('{ phase: outage, min: 0.99 }', '{ phase: outage, min: 0.99, from: 15s, to: 5s }')))).to.deep.equal([
      '30:53 checks[0].successRatio.from: from 15s must be before to 5s',
    ]);
    expect(located(issuesOf(edit('{ phase: outage, min: 0.99 }', '{ phase: outage, min: 0.99, to: 25s }')))).to.deep.equal([
      '30:51 checks[0].successRatio.to: to 25s is past the end of phase "outage" (20s)',
    ]);
    expect(located(issuesOf(edit('window: 1s', 'window: 1050ms')))).to.deep.equal([
      '31:45 checks[1].timeToRecover.window: window 1.05s must be a multiple of bucket (100ms)',
    ]);
    expect(located(issuesOf(edit('after: outage', 'after: recovery')))).to.deep.equal([
      '31:29 checks[1].timeToRecover.after: "recovery" is the last phase, so nothing is observed after it; add a recovery phase',
    ]);
  });

  it('checks mutual exclusions and requirements between sections', () => {
    expect(located(issuesOf(edit('    embedded: true\n', '    embedded: true\n    url: http://127.0.0.1:8474\n')))).to.deep.equal([
      '8:5 target.toxiproxy.url: "url" cannot be used with "embedded: true" (use the embedded server or an existing one, not both)',
    ]);
    const podKill = edit('      - toxiproxy: { proxy: payments-primary, down: true }', '      - podKill: { selector: app=payments, count: 1, percent: 50 }');
    expect(located(issuesOf(podKill))).to.deep.equal([
      '26:9 phases[1].faults[0].podKill: podKill faults need target.kubernetes (local manifests, or a kubeconfig)',
      '26:54 phases[1].faults[0].podKill.percent: use either "count" or "percent", not both',
    ]);
    expect(located(issuesOf(edit('  servedBy: x-served-by\n', '') + '  - trafficSplit: { phase: recovery, expect: { a: 0.5, b: 0.4 }, tolerance: 0.05 }\n'))).to.deep.equal([
      '31:5 checks[2].trafficSplit: trafficSplit needs load.servedBy (the response header that names the serving instance)',
      '31:46 checks[2].trafficSplit.expect: expected shares must sum to 1, got 0.9',
    ]);
    expect(located(issuesOf(edit('rate: 200/s', 'rate: 2000000/s')))).to.deep.equal(['15:9 load.rate: rate 2000000/s is over the limit of 1,000,000/s']);
    expect(located(issuesOf(edit('rate: 200/s', 'rate: 0/s')))).to.deep.equal(['15:9 load.rate: rate must be more than 0/s']);
  });

  it('accepts any latency percentile in (0, 100] and rejects others at the value', () => {
    const latency = (percentile: string) => `${VALID}  - latency: { phase: outage, percentile: ${percentile}, max: 500ms }\n`;
    const [accepted] = parseExperiment(latency('99.9'), 'exp.yaml', { env: {} }).checks.slice(2);
    expect(accepted!.name).to.equal('p99.9 latency ≤ 500ms in outage');
    expect(accepted!.spec).to.deep.equal({ kind: 'latency', scope: { phase: 'outage' }, percentile: 99.9, maxMs: 500 });
    expect(parseExperiment(latency('100'), 'exp.yaml', { env: {} }).checks[2]!.name).to.equal('max latency ≤ 500ms in outage');
    expect(located(issuesOf(latency('0')))).to.deep.equal(['32:43 checks[2].latency.percentile: must be > 0, got the number 0']);
    expect(located(issuesOf(latency('-5')))).to.deep.equal(['32:43 checks[2].latency.percentile: must be > 0, got the number -5']);
    expect(located(issuesOf(latency('100.5')))).to.deep.equal(['32:43 checks[2].latency.percentile: must be ≤ 100, got the number 100.5']);
    expect(located(issuesOf(latency('p99')))).to.deep.equal(['32:43 checks[2].latency.percentile: expected a percentile in (0, 100] such as 99 or 99.9, got "p99"']);
  });

  it('requires ${env:NAME} variables to be set, at the field that uses them', () => {
    const text = edit('    - url: "{{endpoints.checkout}}/checkout"', '    - url: "{{endpoints.checkout}}/checkout"\n      headers: { authorization: "Bearer ${env:SHOP_TOKEN}" }');
    expect(located(issuesOf(text))).to.deep.equal(['19:33 load.requests[0].headers.authorization: environment variable SHOP_TOKEN is not set (used as ${env:SHOP_TOKEN})']);
  });

  it('reports every problem at once, in file order', () => {
    const text = edit('  name: payments-primary-down', '  name: Payments', edit('  timeout: 2s', '  timeout: soon', edit('after: outage', 'after: nowhere')));
    expect(located(issuesOf(text)).map((l) => l.split(': ')[0])).to.deep.equal(['4:9 metadata.name', '16:12 load.timeout', '31:29 checks[1].timeToRecover.after']);
  });

  it('locates YAML syntax errors and duplicate keys', () => {
    expect(located(issuesOf('apiVersion: rebound.dev/v1\nkind: [Experiment\nmetadata: {}\n'))[0]).to.match(/^3:\d+ : YAML syntax: /);
    expect(located(issuesOf(edit('kind: Experiment', 'kind: Experiment\nkind: Experiment')))).to.deep.equal(['3:1 : YAML syntax: Map keys must be unique']);
    expect(located(issuesOf(''))).to.deep.equal(['1:1 : the file is empty; expected an experiment (apiVersion: rebound.dev/v1, kind: Experiment, …)']);
  });
});

describe('durationToMs', () => {
  it('reads 250ms, 10s, 2m, 1m30s, 1h, 1.5s', () => {
    expect(['250ms', '10s', '2m', '1m30s', '1h', '1.5s', '0s'].map(durationToMs)).to.deep.equal([250, 10_000, 120_000, 90_000, 3_600_000, 1500, 0]);
  });

  it('throws on a bare number, a unit out of order or garbage', () => {
    for (const bad of ['10', '', '30s1m', '10 s', 'ms', '-1s', '1d']) expect(() => durationToMs(bad), bad).to.throw(RangeError, /invalid duration/);
  });
});
