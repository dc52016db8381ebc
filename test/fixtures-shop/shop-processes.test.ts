import { expect } from 'chai';
import { startShopService, runShopServiceToExit, stopAll, postCheckout, sequentially, countBy, type ShopProcess } from './shop-processes.ts';

describe('shop: services as processes', function () {
  this.timeout(20_000);
  let primary: ShopProcess;
  let secondary: ShopProcess;
  let inventoryV1: ShopProcess;
  let inventoryV2: ShopProcess;
  let robust: ShopProcess;
  let fragile: ShopProcess;

  before(async () => {
    [primary, secondary, inventoryV1, inventoryV2] = await Promise.all([
      startShopService('payments', 'payments-primary-7c9d8-x2b4q'),
      startShopService('payments', 'payments-secondary-5f6a7-k9m2p'),
      startShopService('inventory', 'inventory-v1-aaaaa-11111'),
      startShopService('inventory', 'inventory-v2-bbbbb-22222'),
    ]);
    const env = {
      PAYMENTS_PRIMARY_URL: primary.url,
      PAYMENTS_SECONDARY_URL: secondary.url,
      INVENTORY_BACKENDS: `inventory-v1=${inventoryV1.url};weight=3,inventory-v2=${inventoryV2.url};weight=1`,
      BALANCE: 'weighted',
      PER_TRY_TIMEOUT_MS: '300',
      OUTLIER_CONSECUTIVE_FAILURES: '3',
      OUTLIER_BASE_EJECTION_MS: '700',
      OUTLIER_MAX_EJECTION_MS: '700',
    };
    [robust, fragile] = await Promise.all([
      startShopService('checkout', 'checkout-robust-1', env),
      startShopService('checkout', 'checkout-fragile-1', { ...env, MODE: 'fragile', FRAGILE_TIMEOUT_MS: '2000' }),
    ]);
  });
  after(stopAll);

  it('answers readiness on /healthz', async () => {
    const res = await fetch(`${primary.url}/healthz`);
    expect(res.status).to.equal(200);
    expect(await res.json()).to.include({ status: 'ok', service: 'payments', instance: 'payments-primary-7c9d8-x2b4q' });
  });

  it('serves checkouts with the served-by headers of every hop and weighted inventory', async () => {
    const answers = await sequentially(40, () => postCheckout(robust.url));
    expect(countBy(answers, (a) => String(a.status))).to.deep.equal({ 200: 40 });
    expect(countBy(answers, (a) => a.servedBy)).to.deep.equal({ 'checkout-robust-1': 40 });
    expect(countBy(answers, (a) => a.payments)).to.deep.equal({ 'payments-primary-7c9d8-x2b4q': 40 });
    expect(countBy(answers, (a) => a.inventory)).to.deep.equal({ 'inventory-v1-aaaaa-11111': 30, 'inventory-v2-bbbbb-22222': 10 });
    expect(JSON.parse(answers[0]!.body)).to.include({ ok: true, payments: 'payments-primary-7c9d8-x2b4q' });
  });

  it('fails over to the secondary when the primary is gone (robust), and fails without (fragile)', async () => {
    expect(await primary.stop()).to.equal(0);
    const robustAnswers = await sequentially(30, () => postCheckout(robust.url));
    expect(countBy(robustAnswers, (a) => String(a.status))).to.deep.equal({ 200: 30 });
    expect(countBy(robustAnswers, (a) => a.payments)).to.deep.equal({ 'payments-secondary-5f6a7-k9m2p': 30 });
    // Three failed tries eject the primary; after that the secondary is asked first.
    expect(robustAnswers.slice(0, 3).map((a) => a.tries)).to.deep.equal(['2', '2', '2']);
    expect(robustAnswers.slice(3, 6).map((a) => a.tries)).to.deep.equal(['1', '1', '1']);
    expect(robust.output()).to.match(/payments: payments-primary ejected for 700 ms/);

    const fragileAnswers = await sequentially(10, () => postCheckout(fragile.url));
    expect(countBy(fragileAnswers, (a) => String(a.status))).to.deep.equal({ 502: 10 });
    const reason = JSON.parse(fragileAnswers[0]!.body);
    expect(reason).to.include({ ok: false, step: 'payments', upstream: 'payments-primary', tries: 1 });
    expect(reason.reason).to.match(/ECONNREFUSED/);
  });

  it('returns to the primary once it is back and its ejection expires', async () => {
    primary = await startShopService('payments', 'payments-primary-7c9d8-x2b4q', { PORT: String(primary.port) });
    const started = Date.now();
    let back: number | undefined;
    while (Date.now() - started < 5000) {
      const a = await postCheckout(robust.url);
      expect(a.status).to.equal(200);
      if (a.payments === 'payments-primary-7c9d8-x2b4q') { back = Date.now() - started; break; }
      await new Promise((r) => setTimeout(r, 20));
    }
    // Ejected for 700 ms at most (plus, at worst, one more streak of 3 failures before the restart).
    expect(back, 'primary served again').to.be.a('number').and.to.be.below(2500);
    const after = await sequentially(20, () => postCheckout(robust.url));
    expect(countBy(after, (a) => a.payments)).to.deep.equal({ 'payments-primary-7c9d8-x2b4q': 20 });
    expect(countBy(await sequentially(5, () => postCheckout(fragile.url)), (a) => String(a.status))).to.deep.equal({ 200: 5 });
  });

  it('retries on the secondary when the primary answers slower than the per-try timeout', async () => {
    const slow = await startShopService('payments', 'payments-slow-1', { LATENCY_MS: '2000' });
    const checkout = await startShopService('checkout', 'checkout-timeouts-1', {
      PAYMENTS_PRIMARY_URL: slow.url,
      PAYMENTS_SECONDARY_URL: secondary.url,
      INVENTORY_BACKENDS: `inventory-v1=${inventoryV1.url}`,
      PER_TRY_TIMEOUT_MS: '200',
    });
    const started = performance.now();
    const a = await postCheckout(checkout.url);
    const ms = performance.now() - started;
    expect(a).to.include({ status: 200, payments: 'payments-secondary-5f6a7-k9m2p', tries: '2' });
    expect(ms).to.be.within(190, 1500);
    await Promise.all([slow.stop(), checkout.stop()]);
  });

  it('answers 504 with a reason when every try times out', async () => {
    const slow = await startShopService('payments', 'payments-slow-2', { LATENCY_MS: '2000' });
    const checkout = await startShopService('checkout', 'checkout-timeouts-2', {
      PAYMENTS_PRIMARY_URL: slow.url, PAYMENTS_SECONDARY_URL: slow.url, INVENTORY_BACKENDS: `inventory-v1=${inventoryV1.url}`,
      PER_TRY_TIMEOUT_MS: '100', RETRIES: '1',
    });
    const a = await postCheckout(checkout.url);
    expect(a.status).to.equal(504);
    expect(JSON.parse(a.body)).to.include({ ok: false, step: 'payments', tries: 2 });
    await Promise.all([slow.stop(), checkout.stop()]);
  });
});

describe('shop: graceful shutdown and configuration errors', function () {
  this.timeout(20_000);
  after(stopAll);

  it('drains in-flight requests on SIGTERM, refuses new connections, and exits 0 within the grace period', async () => {
    const slow = await startShopService('payments', 'payments-drain-1', { LATENCY_MS: '800' });
    const inFlight = fetch(`${slow.url}/charge`, { method: 'POST', body: '{}' });
    await new Promise((r) => setTimeout(r, 200));
    const signalled = performance.now();
    slow.child.kill('SIGTERM');
    const res = await inFlight;
    expect(res.status).to.equal(200);
    expect(res.headers.get('x-served-by')).to.equal('payments-drain-1');
    expect(res.headers.get('connection')).to.equal('close');
    expect(await slow.exited).to.equal(0);
    expect(performance.now() - signalled).to.be.below(4000);
    await expectRefused(slow.url);
    expect(slow.output()).to.match(/payments payments-drain-1 stopped \(SIGTERM\)/);
  });

  it('force-closes what is left after SHUTDOWN_TIMEOUT_MS and still exits 0', async () => {
    const stuck = await startShopService('payments', 'payments-drain-2', { LATENCY_MS: '10000', SHUTDOWN_TIMEOUT_MS: '300' });
    const inFlight = fetch(`${stuck.url}/charge`, { method: 'POST', body: '{}' }).then(() => 'answered', () => 'cut');
    await new Promise((r) => setTimeout(r, 150));
    const signalled = performance.now();
    stuck.child.kill('SIGTERM');
    expect(await stuck.exited).to.equal(0);
    expect(performance.now() - signalled).to.be.below(3000);
    expect(await inFlight).to.equal('cut');
  });

  it('rejects bad configuration with one clear line and exit code 2', async () => {
    const bad = await runShopServiceToExit('checkout', { BALANCE: 'fastest' });
    expect(bad.code).to.equal(2);
    expect(bad.output.trim()).to.equal('configuration error: BALANCE=fastest: expected one of round-robin, random, weighted');
    const badBackends = await runShopServiceToExit('checkout', { INVENTORY_BACKENDS: 'inventory-v1=localhost:1' });
    expect(badBackends.code).to.equal(2);
    expect(badBackends.output).to.match(/INVENTORY_BACKENDS entry 1 .* is not an http URL/);
    expect(badBackends.output).not.to.match(/\n\s+at /);
  });

  it('says so and exits 1 when its port is taken', async () => {
    const first = await startShopService('inventory', 'inventory-port-1');
    const second = await runShopServiceToExit('inventory', { PORT: String(first.port) });
    expect(second.code).to.equal(1);
    expect(second.output).to.match(/cannot start: EADDRINUSE/);
  });
});

async function expectRefused(url: string): Promise<void> {
  const outcome = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) }).then(
    (r) => `answered ${r.status}`,
    (err: Error & { cause?: { code?: string } }) => err.cause?.code ?? err.message,
  );
  expect(outcome).to.equal('ECONNREFUSED');
}
