import { expect } from 'chai';
import { RetryBudget } from '../../fixtures/shop/lib/retry-budget.mjs';
import { OutlierDetector } from '../../fixtures/shop/lib/outlier-detector.mjs';
import { createBalancer } from '../../fixtures/shop/lib/balancer.mjs';
import { createFailoverPicker } from '../../fixtures/shop/lib/failover.mjs';
import { callResilient } from '../../fixtures/shop/lib/resilient-call.mjs';
import { parseBackends, serviceUrl, upstreamUrl, ConfigError } from '../../fixtures/shop/lib/config.mjs';
import { readCheckoutConfig } from '../../fixtures/shop/lib/checkout-config.mjs';
import { seededRandom } from '../helpers/seeded-random.ts';

/** A clock the test moves by hand. */
function manualClock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

describe('shop: retry budget', () => {
  it('allows percent of requests plus the per-second floor over the window, then refuses', () => {
    const clock = manualClock();
    const budget = new RetryBudget({ percent: 20, minPerSecond: 1, windowMs: 10_000, now: clock.now });
    for (let i = 0; i < 100; i++) budget.recordRequest();
    // 20 % of 100 + 1/s × 10 s = 30 retries.
    let granted = 0;
    while (budget.tryAcquireRetry()) granted++;
    expect(granted).to.equal(30);
    expect(budget.tryAcquireRetry()).to.equal(false);
  });

  it('forgets requests and retries older than the window', () => {
    const clock = manualClock();
    const budget = new RetryBudget({ percent: 50, minPerSecond: 0, windowMs: 3000, now: clock.now });
    for (let i = 0; i < 10; i++) budget.recordRequest();
    for (let i = 0; i < 5; i++) expect(budget.tryAcquireRetry()).to.equal(true);
    expect(budget.tryAcquireRetry()).to.equal(false);
    clock.advance(3000);
    expect(budget.totals()).to.deep.equal({ requests: 0, retries: 0 });
    expect(budget.tryAcquireRetry()).to.equal(false); // no floor, no requests: nothing
    budget.recordRequest();
    budget.recordRequest();
    expect(budget.tryAcquireRetry()).to.equal(true);
  });

  it('keeps a slot per second: a half-aged window still counts the younger half', () => {
    const clock = manualClock(0);
    const budget = new RetryBudget({ percent: 100, minPerSecond: 0, windowMs: 2000, now: clock.now });
    budget.recordRequest();
    clock.advance(1000);
    budget.recordRequest();
    expect(budget.totals().requests).to.equal(2);
    clock.advance(1000);
    expect(budget.totals().requests).to.equal(1);
  });
});

describe('shop: outlier detector', () => {
  it('ejects after N consecutive failures; a success in between resets the streak', () => {
    const clock = manualClock();
    const d = new OutlierDetector(['a', 'b'], { consecutiveFailures: 3, baseEjectionMs: 1000, now: clock.now });
    d.recordFailure('a');
    d.recordFailure('a');
    d.recordSuccess('a');
    d.recordFailure('a');
    d.recordFailure('a');
    expect(d.isEjected('a')).to.equal(false);
    expect(d.recordFailure('a')).to.equal(true);
    expect(d.isEjected('a')).to.equal(true);
    expect(d.ejected()).to.deep.equal(['a']);
  });

  it('expires the ejection after the base time, and ejects longer on repeat, capped', () => {
    const clock = manualClock();
    const events: string[] = [];
    const d = new OutlierDetector(['a', 'b'], {
      consecutiveFailures: 1, baseEjectionMs: 1000, maxEjectionMs: 2500, now: clock.now,
      onChange: (e) => events.push(`${e.upstream}:${e.ejected ? e.forMs : 'back'}`),
    });
    const ejectionLength = () => {
      d.recordFailure('a');
      let ms = 0;
      while (d.isEjected('a')) { clock.advance(100); ms += 100; }
      return ms;
    };
    expect(ejectionLength()).to.equal(1000);
    expect(ejectionLength()).to.equal(2000);
    expect(ejectionLength()).to.equal(2500);
    expect(ejectionLength()).to.equal(2500);
    // Each expiry leads to probation; the probe failing (the next recordFailure) re-ejects at once.
    expect(events).to.deep.equal(['a:1000', 'a:2000', 'a:2500', 'a:2500']);
  });

  it('after expiry admits one probe at a time; its success returns the upstream to the pool', () => {
    const clock = manualClock();
    const events: string[] = [];
    const d = new OutlierDetector(['a', 'b'], { consecutiveFailures: 2, baseEjectionMs: 1000, now: clock.now, onChange: (e) => events.push(`${e.upstream}:${e.ejected ? 'out' : 'back'}`) });
    d.recordFailure('a');
    d.recordFailure('a');
    clock.advance(1000);
    expect(d.isEjected('a')).to.equal(false); // probation: a probe may go
    d.recordAttempt('a');
    expect(d.isEjected('a')).to.equal(true); // ...but only one while it is in flight
    expect(d.ejected()).to.deep.equal([]); // probation is not ejection
    d.recordSuccess('a');
    expect(d.isEjected('a')).to.equal(false);
    d.recordAttempt('a');
    d.recordAttempt('a');
    expect(d.isEjected('a')).to.equal(false); // back in the pool: no limit
    expect(events).to.deep.equal(['a:out', 'a:back']);
  });

  it('a failed probe ejects again at once, for longer, without waiting for a new streak', () => {
    const clock = manualClock();
    const d = new OutlierDetector(['a', 'b'], { consecutiveFailures: 5, baseEjectionMs: 1000, maxEjectionMs: 5000, now: clock.now });
    for (let i = 0; i < 5; i++) d.recordFailure('a');
    clock.advance(1000);
    expect(d.isEjected('a')).to.equal(false);
    d.recordAttempt('a');
    expect(d.recordFailure('a')).to.equal(true);
    clock.advance(1999);
    expect(d.isEjected('a')).to.equal(true);
    clock.advance(1);
    expect(d.isEjected('a')).to.equal(false);
  });

  it('forgives one ejection per base period of health', () => {
    const clock = manualClock();
    const d = new OutlierDetector(['a', 'b'], { consecutiveFailures: 1, baseEjectionMs: 1000, maxEjectionMs: 10_000, now: clock.now });
    d.recordFailure('a'); clock.advance(1000); expect(d.isEjected('a')).to.equal(false);
    d.recordFailure('a'); clock.advance(2000); expect(d.isEjected('a')).to.equal(false); // 2 ejections so far
    for (let i = 0; i < 3; i++) { clock.advance(1000); d.recordSuccess('a'); } // healthy for 3 base periods
    d.recordFailure('a');
    clock.advance(999);
    expect(d.isEjected('a')).to.equal(true);
    clock.advance(1);
    expect(d.isEjected('a')).to.equal(false); // back to the base time
  });

  it('never ejects more than the max ejection percent (at least one)', () => {
    const clock = manualClock();
    const d = new OutlierDetector(['a', 'b'], { consecutiveFailures: 1, maxEjectionPercent: 50, now: clock.now });
    expect(d.recordFailure('a')).to.equal(true);
    expect(d.recordFailure('b')).to.equal(false);
    expect(d.ejected()).to.deep.equal(['a']);
    const four = new OutlierDetector(['a', 'b', 'c', 'd'], { consecutiveFailures: 1, maxEjectionPercent: 50, now: clock.now });
    for (const u of ['a', 'b', 'c', 'd']) four.recordFailure(u);
    expect(four.ejected()).to.deep.equal(['a', 'b']);
  });
});

describe('shop: balancers', () => {
  const backends = [
    { name: 'v1', url: 'http://v1', weight: 80 },
    { name: 'v2', url: 'http://v2', weight: 20 },
    { name: 'v3', url: 'http://v3', weight: 0 },
  ];
  const shares = (pick: () => { name: string } | undefined, n: number) => {
    const counts: Record<string, number> = {};
    for (let i = 0; i < n; i++) { const b = pick(); if (b) counts[b.name] = (counts[b.name] ?? 0) + 1; }
    return Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, v / n]));
  };

  it('round-robin takes each backend in turn and skips the ones asked', () => {
    const rr = createBalancer('round-robin', backends);
    expect([1, 2, 3, 4].map(() => rr.pick()?.name)).to.deep.equal(['v1', 'v2', 'v3', 'v1']);
    expect([1, 2, 3].map(() => rr.pick(new Set(['v3']))?.name)).to.deep.equal(['v2', 'v1', 'v2']);
    expect(rr.pick(new Set(['v1', 'v2', 'v3']))).to.equal(undefined);
  });

  it('random spreads uniformly within tolerance', () => {
    const random = createBalancer('random', backends, seededRandom(42));
    const s = shares(() => random.pick(), 30_000);
    for (const name of ['v1', 'v2', 'v3']) expect(s[name]).to.be.closeTo(1 / 3, 0.02);
    expect(random.pick(new Set(['v1', 'v3']))?.name).to.equal('v2');
  });

  it('weighted matches the weights exactly over every full cycle and interleaves picks', () => {
    const weighted = createBalancer('weighted', backends);
    const first = [1, 2, 3, 4, 5].map(() => weighted.pick()?.name);
    expect(first.filter((n) => n === 'v2')).to.have.length(1); // smooth: v2 inside the first 5, not last
    const s = shares(() => weighted.pick(), 1000);
    expect(s).to.deep.equal({ v1: 0.8, v2: 0.2 });
  });

  it('weighted renormalises over the backends left when one is skipped', () => {
    const weighted = createBalancer('weighted', backends);
    expect(shares(() => weighted.pick(new Set(['v2'])), 100)).to.deep.equal({ v1: 1 });
  });
});

describe('shop: failover ordering', () => {
  const ups = [{ name: 'primary' }, { name: 'secondary' }, { name: 'tertiary' }];

  it('prefers the primary, then the next untried healthy upstream', () => {
    const ejected = new Set<string>();
    const pick = createFailoverPicker(ups, (n) => ejected.has(n));
    expect(pick(new Set()).name).to.equal('primary');
    expect(pick(new Set(['primary'])).name).to.equal('secondary');
    expect(pick(new Set(['primary', 'secondary'])).name).to.equal('tertiary');
    ejected.add('primary');
    expect(pick(new Set()).name).to.equal('secondary');
    ejected.clear(); // ejection expired: straight back to the primary
    expect(pick(new Set()).name).to.equal('primary');
  });

  it('falls back to an ejected untried upstream, then to the first healthy one, never to nothing', () => {
    const pick = createFailoverPicker(ups, (n) => n !== 'tertiary');
    expect(pick(new Set(['tertiary'])).name).to.equal('primary');
    expect(pick(new Set(['primary', 'secondary', 'tertiary'])).name).to.equal('tertiary');
    const allEjected = createFailoverPicker(ups, () => true);
    expect(allEjected(new Set(['primary', 'secondary', 'tertiary'])).name).to.equal('primary');
  });
});

describe('shop: resilient call', () => {
  const ups = [{ name: 'primary' }, { name: 'secondary' }];
  const ok = (servedBy: string) => ({ ok: true as const, status: 200, servedBy, body: '', ms: 1 });
  const refused = { ok: false as const, failure: 'connection' as const, message: 'ECONNREFUSED', ms: 1 };

  it('fails over to the secondary on a failed try and feeds the detector', async () => {
    const clock = manualClock();
    const detector = new OutlierDetector(['primary', 'secondary'], { consecutiveFailures: 2, now: clock.now });
    const attempts: string[] = [];
    const call = () => callResilient({
      pick: createFailoverPicker(ups, (n) => detector.isEjected(n)),
      attempt: async (u) => { attempts.push(u.name); return u.name === 'primary' ? refused : ok('secondary-1'); },
      retries: 2,
      detector,
    });
    const first = await call();
    expect(first.result.ok).to.equal(true);
    expect(first.tries).to.equal(2);
    await call();
    expect(detector.isEjected('primary')).to.equal(true);
    const third = await call();
    expect(third.tries).to.equal(1); // ejected primary is not even tried
    expect(attempts).to.deep.equal(['primary', 'secondary', 'primary', 'secondary', 'secondary']);
  });

  it('stops retrying when the budget is empty and says so', async () => {
    const budget = new RetryBudget({ percent: 0, minPerSecond: 0 });
    const r = await callResilient({ pick: createFailoverPicker(ups, () => false), attempt: async () => refused, retries: 3, budget });
    expect(r).to.include({ tries: 1, budgetExhausted: true });
    expect(r.result.ok).to.equal(false);
  });

  it('gives up after 1 + retries tries', async () => {
    let tries = 0;
    const r = await callResilient({ pick: createFailoverPicker(ups, () => false), attempt: async () => { tries++; return refused; }, retries: 2 });
    expect(tries).to.equal(3);
    expect(r).to.include({ tries: 3, budgetExhausted: false });
  });
});

describe('shop: configuration', () => {
  it('parses a backend list with URLs, weights and Service fallbacks', () => {
    const env = { INVENTORY_V2_SERVICE_HOST: '10.0.0.7', INVENTORY_V2_SERVICE_PORT: '80' };
    expect(parseBackends('inventory-v1=http://127.0.0.1:21191/;weight=80, inventory-v2;weight=20,inventory-v3', 'INVENTORY_BACKENDS', env)).to.deep.equal([
      { name: 'inventory-v1', url: 'http://127.0.0.1:21191', weight: 80 },
      { name: 'inventory-v2', url: 'http://10.0.0.7:80', weight: 20 },
      { name: 'inventory-v3', url: 'http://inventory-v3', weight: 1 },
    ]);
  });

  it('rejects bad backend lists with a message naming the entry', () => {
    expect(() => parseBackends('a=ftp://x', 'B', {})).to.throw(ConfigError, /B entry 1 .*not an http URL/);
    expect(() => parseBackends('a;wieght=3', 'B', {})).to.throw(ConfigError, /unknown option "wieght=3"/);
    expect(() => parseBackends('a,a', 'B', {})).to.throw(ConfigError, /appears twice/);
    expect(() => parseBackends(' , ', 'B', {})).to.throw(ConfigError, /no backends/);
  });

  it('resolves an upstream: explicit URL, then <NAME>_SERVICE_HOST/_PORT, then DNS', () => {
    expect(upstreamUrl('P_URL', 'payments-secondary', { P_URL: 'http://127.0.0.1:21182' })).to.equal('http://127.0.0.1:21182');
    expect(serviceUrl('payments-secondary', { PAYMENTS_SECONDARY_SERVICE_HOST: '127.0.0.1', PAYMENTS_SECONDARY_SERVICE_PORT: '21182' })).to.equal('http://127.0.0.1:21182');
    expect(serviceUrl('payments-secondary', {})).to.equal('http://payments-secondary');
  });

  it('MODE=mesh: one upstream per Service (payments, inventory), left to the mesh', () => {
    const config = readCheckoutConfig({ MODE: 'mesh', PAYMENTS_URL: 'http://127.0.0.1:22181', INVENTORY_BACKENDS: 'ignored-in-mesh-mode' });
    expect(config.mode).to.equal('mesh');
    expect(config.payments).to.deep.equal([{ name: 'payments', url: 'http://127.0.0.1:22181' }]);
    expect(config.inventory).to.deep.equal([{ name: 'inventory', url: 'http://inventory', weight: 1 }]);
    expect(() => readCheckoutConfig({ MODE: 'meshy' })).to.throw(ConfigError, /MODE=meshy: expected one of robust, fragile, mesh/);
  });
});

describe('shop: JSDoc types', () => {
  it('type-check, and the .d.mts files the TypeScript tests import match the JavaScript', async function () {
    this.timeout(20_000);
    const { execFile } = await import('node:child_process');
    const script = new URL('../../fixtures/shop/scripts/declarations.mjs', import.meta.url).pathname;
    const outcome = await new Promise<{ code: number; output: string }>((resolve) => {
      execFile(process.execPath, [script, '--check'], (error, stdout, stderr) =>
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, output: stdout + stderr }));
    });
    expect(outcome, outcome.output).to.deep.equal({ code: 0, output: 'declarations are current\n' });
  });
});
