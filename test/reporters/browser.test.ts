/**
 * Opens report.html in Debian's headless Chromium (never a downloaded browser) from disk:
 * no console errors, no network request, the checks table and the charts are there, and user
 * text cannot run script. Saves test-artifacts/report.png for a human look.
 */
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { renderHtml } from '../../src/reporters/html/render-html.ts';
import { makeResult } from './fixtures/make-result.ts';
import { HOSTILE } from './helpers.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe('reporters: report.html in headless Chromium', function () {
  this.timeout(30_000);
  let context: BrowserContext | undefined;
  let dir = '';

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      const message = `${CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium)`;
      if (process.env.CI === 'true') throw new Error(message);
      console.log(`      (skipped: ${message})`);
      this.skip();
    }
    dir = await mkdtemp(join(tmpdir(), 'rebound-browser-'));
    context = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS,
      viewport: { width: 1280, height: 900 },
      offline: true,
    });
  });

  after(async () => {
    await context?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function open(html: string, name: string) {
    const file = join(dir, name);
    await writeFile(file, html);
    const page = await context!.newPage();
    const consoleErrors: string[] = [];
    const requests: string[] = [];
    const dialogs: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    page.on('request', (request) => requests.push(request.url()));
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    const url = pathToFileURL(file).href;
    await page.goto(url, { waitUntil: 'load' });
    return { page, url, consoleErrors, requests, dialogs };
  }

  it('renders offline with no console error, no request but the file, the checks table and the charts', async () => {
    const { page, url, consoleErrors, requests } = await open(renderHtml(makeResult()), 'report.html');
    expect(consoleErrors).to.deep.equal([]);
    expect(requests).to.deep.equal([url]);
    expect(await page.locator('table.checks tbody tr').count()).to.equal(7);
    expect(await page.locator('table.checks tbody tr[data-verdict="failed"]').count()).to.equal(1);
    expect(await page.locator('.banner .verdict').innerText()).to.equal('✔ PASSED');
    // Traffic, failures by kind, latency, served-by.
    expect(await page.locator('figure.chart > svg').count()).to.equal(4);
    for (const series of ['success ratio', 'request rate', 'p50', 'p95', 'p99']) {
      const d = await page.locator(`path[data-series="${series}"]`).getAttribute('d');
      expect(d, series).to.match(/^M[\d.]+ [\d.]+(L[\d.]+ [\d.]+){100,}/);
    }
    const timelineText = await page.locator('#chart-timeline > svg').textContent();
    for (const label of ['success ratio (%)', 'requests/s', 'time since load start', 'proxy-down applied', 'failover', 'recovered', 'pods']) expect(timelineText).to.include(label);
    expect(await page.locator('#chart-timeline .legend li').allInnerTexts()).to.include.members(['success ratio (%)', 'fault applied', 'pod ready']);
    // payments-primary, payments-secondary, failed / no server.
    expect(await page.locator('#chart-served-by path.sb').count()).to.equal(3);
    const box = await page.locator('#chart-timeline > svg').boundingBox();
    expect(box!.width).to.be.greaterThan(800);
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'report.png'), fullPage: true });
    await page.emulateMedia({ media: 'print' });
    // Traffic, failures by kind, latency, served-by.
    expect(await page.locator('figure.chart > svg').count()).to.equal(4);
    await page.close();
  });

  /** Label boxes of the timeline's markers, and whether any two of them intersect. */
  const LAYOUT_PROBE = `(() => {
    const boxes = [...document.querySelectorAll('#chart-timeline text.marker-label, #chart-timeline text.band-label, #chart-timeline .hl-failed text')].map((t) => {
      const r = t.getBoundingClientRect();
      return { text: t.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom };
    });
    const overlaps = [];
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i], b = boxes[j];
      if (a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5) overlaps.push(a.text + ' × ' + b.text);
    }
    const svg = document.querySelector('#chart-timeline > svg').getBoundingClientRect();
    const outside = boxes.filter((b) => b.left < svg.left - 0.5 || b.right > svg.right + 0.5).map((b) => b.text);
    return {
      labels: boxes.filter((b) => b.text).length,
      overlaps,
      outside,
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
      checksWidth: document.querySelector('table.checks').getBoundingClientRect().right,
      tallestCheckRow: Math.max(...[...document.querySelectorAll('table.checks tbody tr')].map((r) => r.getBoundingClientRect().height)),
    };
  })()`;

  it('fits 1280 px and A4 print without horizontal scroll; marker labels never overlap; the failed banner names the check', async () => {
    const { page, consoleErrors } = await open(renderHtml(makeResult({ variant: 'failed' })), 'failed.html');
    expect(consoleErrors).to.deep.equal([]);
    const screen = (await page.evaluate(LAYOUT_PROBE)) as { labels: number; overlaps: string[]; outside: string[]; scrollWidth: number; innerWidth: number; checksWidth: number; tallestCheckRow: number };
    expect(screen.overlaps).to.deep.equal([]);
    expect(screen.outside).to.deep.equal([]);
    expect(screen.labels).to.be.greaterThan(4);
    expect(screen.scrollWidth).to.be.at.most(screen.innerWidth);
    expect(screen.checksWidth).to.be.at.most(screen.innerWidth);
    expect(screen.tallestCheckRow).to.be.below(160);
    const banner = await page.locator('.banner .failed-check').allInnerTexts();
    expect(banner[0]).to.match(/^✘ checkout keeps working: observed 3\d\.\d %, expected ≥ 90 %$/);
    expect(await page.locator('#chart-timeline g.hl-failed').count()).to.equal(2);
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'report-failed.png'), fullPage: true });
    // A4 portrait at 96 dpi less 12 mm margins ≈ 704 px of content.
    await page.emulateMedia({ media: 'print' });
    await page.setViewportSize({ width: 704, height: 1000 });
    const print = (await page.evaluate(LAYOUT_PROBE)) as typeof screen;
    expect(print.scrollWidth).to.be.at.most(print.innerWidth);
    expect(print.overlaps).to.deep.equal([]);
    expect(await page.locator('details.fields dl').first().isVisible()).to.equal(false);
    await page.close();
  });

  it('runs no script and creates no element from hostile user text', async () => {
    const { page, consoleErrors, requests, dialogs, url } = await open(renderHtml(makeResult({ hostile: HOSTILE, variant: 'error' })), 'hostile.html');
    expect(dialogs).to.deep.equal([]);
    expect(requests).to.deep.equal([url]);
    expect(consoleErrors).to.deep.equal([]);
    // A string expression: it runs in the page, whose DOM types this Node project does not load.
    const found = await page.evaluate(`({
      images: document.querySelectorAll('img').length,
      scripts: document.querySelectorAll('script').length,
      withHandlers: [...document.querySelectorAll('*')].filter((el) => [...el.attributes].some((a) => a.name.startsWith('on'))).length,
      title: document.title,
      heading: document.querySelector('h1')?.textContent,
    })`);
    expect(found).to.deep.equal({ images: 0, scripts: 0, withHandlers: 0, title: `ERROR — ${HOSTILE} — Rebound report`, heading: HOSTILE });
    expect(await page.locator('pre.yaml').innerText()).to.include(`name: ${HOSTILE}`);
    await page.close();
  });
});
