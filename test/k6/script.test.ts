import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { generateK6Script, k6Options, weightedSequence, type GeneratedPlan } from '../../src/load/k6/script.ts';
import { k6Load } from './load-fixture.ts';

const run = promisify(execFile);

function planOf(script: string): { options: Record<string, any>; plan: GeneratedPlan } {
  const options = JSON.parse(/^export const options = (.*);$/m.exec(script)![1]!);
  const plan = JSON.parse(/^const plan = (.*);$/m.exec(script)![1]!);
  return { options, plan };
}

describe('k6 script generation', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'rebound-k6-script-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is valid JavaScript (node --check on a module copy)', async () => {
    const load = k6Load({
      servedByHeader: 'x-served-by',
      success: { statuses: [[200, 299], [404, 404]], header: { name: 'x-degraded', pattern: '^false$' }, bodyPattern: '"ok":\\s*true' },
      requests: [
        { name: 'checkout', method: 'post', url: 'http://127.0.0.1:9/checkout', headers: { 'content-type': 'application/json' }, body: '{"sku":"apple","note":"it\'s \\"quoted\\"\\u2028"}', weight: 3 },
        { name: 'browse', method: 'GET', url: 'http://127.0.0.1:9/items?a=1&b=2', headers: {}, weight: 1 },
      ],
    });
    const script = generateK6Script(load, { durationMs: 30_000, drainMs: 2000 });
    const file = path.join(dir, 'generated.mjs');
    await writeFile(file, script);
    await run(process.execPath, ['--check', file]); // rejects (non-zero exit) on a syntax error
    expect(script).to.include("http.setResponseCallback(http.expectedStatuses({ min: 200, max: 299 }, 404));");
    const { plan } = planOf(script);
    expect(plan.emitResponse).to.equal(true);
    expect(plan.requests[0]).to.deep.include({ method: 'POST', body: load.requests[0]!.body });
    expect(plan.sequence).to.deep.equal([0, 0, 1, 0]);
  });

  it('a syntax error would be caught by the same check', async () => {
    const file = path.join(dir, 'broken.mjs');
    await writeFile(file, 'export const options = {;\n');
    let failed = false;
    await run(process.execPath, ['--check', file]).catch(() => {
      failed = true;
    });
    expect(failed).to.equal(true);
  });

  it('constant rate: constant-arrival-rate sized from rate × timeout, capped by maxInFlight', () => {
    const options = k6Options(k6Load({ rate: { kind: 'constant', perSecond: 200 }, timeoutMs: 2000, maxInFlight: 300 }), { durationMs: 45_000, drainMs: 1500 });
    expect(options.scenarios).to.deep.equal({
      rebound: { executor: 'constant-arrival-rate', rate: 200, duration: '45000ms', timeUnit: '1s', preAllocatedVUs: 200, maxVUs: 300, gracefulStop: '1500ms' },
    });
    expect(options.discardResponseBodies).to.equal(true);
    const uncapped = k6Options(k6Load({ rate: { kind: 'constant', perSecond: 20 }, timeoutMs: 500, maxInFlight: 1000 }), { durationMs: 1000, drainMs: 0 });
    expect(uncapped.scenarios).to.have.nested.property('rebound.maxVUs', 11); // 20/s × 0.5 s + 1
    expect(uncapped.scenarios).to.have.nested.property('rebound.preAllocatedVUs', 10);
  });

  it('fractional rates scale the time unit so k6 gets integers', () => {
    const options = k6Options(k6Load({ rate: { kind: 'constant', perSecond: 12.5 } }), { durationMs: 1000, drainMs: 0 });
    expect(options.scenarios).to.have.nested.property('rebound.rate', 125);
    expect(options.scenarios).to.have.nested.property('rebound.timeUnit', '10s');
  });

  it('ramp: ramping-arrival-rate whose stages cover exactly the planned duration', () => {
    const rate = { kind: 'ramp' as const, startPerSecond: 0, stages: [{ durationMs: 10_000, target: 100 }, { durationMs: 20_000, target: 100 }] };
    const cut = k6Options(k6Load({ rate }), { durationMs: 5000, drainMs: 0 });
    expect(cut.scenarios).to.have.nested.property('rebound.executor', 'ramping-arrival-rate');
    expect((cut.scenarios as any).rebound.stages).to.deep.equal([{ duration: '5000ms', target: 50 }]);
    const extended = k6Options(k6Load({ rate }), { durationMs: 40_000, drainMs: 0 });
    expect((extended.scenarios as any).rebound.stages).to.deep.equal([
      { duration: '10000ms', target: 100 },
      { duration: '20000ms', target: 100 },
      { duration: '10000ms', target: 100 },
    ]);
    expect((extended.scenarios as any).rebound.startRate).to.equal(0);
  });

  it('no served-by and a status-only rule: no per-response metric, bodies discarded', () => {
    const script = generateK6Script(k6Load(), { durationMs: 1000, drainMs: 0 });
    const { plan, options } = planOf(script);
    expect(plan.emitResponse).to.equal(false);
    expect(options.discardResponseBodies).to.equal(true);
    expect(script).to.include('http.expectedStatuses({ min: 200, max: 399 })');
  });

  it('weighted sequence keeps exact proportions per period', () => {
    const sequence = weightedSequence([5, 3, 2]);
    expect(sequence).to.have.length(10);
    expect(sequence.filter((i) => i === 0)).to.have.length(5);
    expect(sequence.filter((i) => i === 2)).to.have.length(2);
    expect(weightedSequence([0.5, 0.25])).to.have.length(1000);
  });
});
