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
import { overloadedResult } from './fixtures/overloaded-result.ts';

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
    // One drawing per chart shows (the wide one at 1280 px): traffic, failures by kind, request rate, latency, served by.
    expect(await page.locator('figure.chart svg[role="img"]:visible').count()).to.equal(5);
    for (const series of ['success ratio', 'request rate', 'p50', 'p95', 'p99']) {
      const d = await page.locator(`.cv-wide path[data-series="${series}"]`).getAttribute('d');
      expect(d, series).to.match(/^M[\d.]+ [\d.]+(L[\d.]+ [\d.]+){100,}/);
    }
    const timelineText = await page.locator('#chart-timeline .cv-wide > svg').textContent();
    for (const label of ['success (%)', 'time since load start', 'proxy-down applied', 'failover', 'recovered', 'deleted', 'ready']) expect(timelineText).to.include(label);
    expect(await page.locator('#chart-timeline .legend li').allInnerTexts()).to.include.members(['success ratio (%)', 'fault applied', 'pod ready']);
    // payments-primary, payments-secondary, failed / no server.
    expect(await page.locator('#chart-served-by .cv-wide path.sb').count()).to.equal(3);
    const box = await page.locator('#chart-timeline .cv-wide > svg').boundingBox();
    expect(box!.width).to.be.greaterThan(800);
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'report.png'), fullPage: true });
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('figure.chart svg[role="img"]:visible').count()).to.equal(5);
    await page.close();
  });

  /** Label boxes of the timeline's markers, and whether any two of them intersect. */
  const LAYOUT_PROBE = `(() => {
    const boxes = [...document.querySelectorAll('#chart-timeline text.marker-label, #chart-timeline text.band-label, #chart-timeline .hl-failed text')].map((t) => {
      const r = t.getBoundingClientRect();
      return { text: t.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom };
    }).filter((b) => b.right > b.left);
    const overlaps = [];
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i], b = boxes[j];
      if (a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5) overlaps.push(a.text + ' × ' + b.text);
    }
    const svg = [...document.querySelectorAll('#chart-timeline svg[role="img"]')].map((s) => s.getBoundingClientRect()).find((r) => r.width > 0);
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
    expect(await page.locator('#chart-timeline svg[role="img"]:visible g.hl-failed').count()).to.equal(2);
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

  /**
   * What a reader sees at the current viewport: any visible text drawn under 10 CSS px (HTML by its
   * computed size, SVG by its size times the SVG's scale), overlapping text boxes inside each visible
   * chart, and horizontal overflow of the page.
   */
  const LEGIBILITY_PROBE = `(() => {
    const visible = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
    const tooSmall = [];
    for (const el of document.querySelectorAll('body *')) {
      if (el.closest('svg')) continue;
      if (![...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())) continue;
      if (!visible(el)) continue;
      const size = parseFloat(getComputedStyle(el).fontSize);
      if (size < 10) tooSmall.push(el.tagName + ' ' + size + 'px: ' + el.textContent.trim().slice(0, 40));
    }
    const overlaps = [];
    let charts = 0;
    let texts = 0;
    for (const svg of document.querySelectorAll('svg[role="img"]')) {
      if (!visible(svg)) continue;
      charts++;
      const scale = svg.getScreenCTM().a;
      const boxes = [];
      for (const t of svg.querySelectorAll('text')) {
        if (!t.textContent.trim()) continue;
        texts++;
        const px = parseFloat(getComputedStyle(t).fontSize) * scale;
        if (px < 10) tooSmall.push('svg ' + px.toFixed(1) + 'px: ' + t.textContent);
        const r = t.getBoundingClientRect();
        boxes.push({ text: t.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom });
      }
      for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i], b = boxes[j];
        if (a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5) overlaps.push(svg.closest('figure').id + ': ' + a.text + ' × ' + b.text);
      }
    }
    return { tooSmall, overlaps, charts, texts, scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth };
  })()`;

  // 680 and 1024 px are where the medium and wide drawings first show, at their smallest.
  for (const width of [360, 390, 680, 1024, 1280, 1920]) {
    it(`at ${width} px: no horizontal overflow, no text under 10 px, no overlapping chart labels`, async () => {
      for (const [name, result] of [['passed', makeResult()], ['failed', makeResult({ variant: 'failed' })], ['overloaded', overloadedResult()]] as const) {
        const { page, consoleErrors } = await open(renderHtml(result), `legible-${name}-${width}.html`);
        await page.setViewportSize({ width, height: 900 });
        const seen = (await page.evaluate(LEGIBILITY_PROBE)) as { tooSmall: string[]; overlaps: string[]; charts: number; texts: number; scrollWidth: number; innerWidth: number };
        expect(consoleErrors).to.deep.equal([]);
        // Traffic, request rate, latency, served by, and failures by kind when any request failed.
        expect(seen.charts, name).to.equal(5);
        expect(seen.texts, name).to.be.greaterThan(60);
        expect(seen.scrollWidth, name).to.be.at.most(seen.innerWidth);
        expect(seen.tooSmall, name).to.deep.equal([]);
        expect(seen.overlaps, name).to.deep.equal([]);
        if (width === 390 && name === 'failed') {
          // Checks are cards: no header row, each label above its value.
          expect(await page.locator('table.checks thead').isVisible()).to.equal(false);
          const card = await page.locator('table.checks tbody tr').first().boundingBox();
          expect(card!.width).to.be.at.most(390);
          await mkdir(ARTIFACTS, { recursive: true });
          await page.screenshot({ path: join(ARTIFACTS, 'report-390.png'), fullPage: true });
        }
        await page.close();
      }
    });
  }

  it('shows the harness section and shades the windows where the harness was over its bounds', async () => {
    const { page } = await open(renderHtml(overloadedResult()), 'overloaded.html');
    expect(await page.locator('#harness').isVisible()).to.equal(true);
    expect(await page.locator('#harness .harness-bad').innerText()).to.include('The harness was overloaded');
    expect(await page.locator('#harness table.harness-spans tbody tr').count()).to.equal(2);
    const shades = page.locator('#chart-timeline svg[role="img"]:visible rect.harness-shade');
    expect(await shades.count()).to.equal(2);
    // The first shade covers 20–23 s of the 60 s run, on the plot's x axis.
    const plot = await page.locator('#chart-timeline svg[role="img"]:visible .axes line.axis').first().boundingBox();
    const shade = await shades.first().boundingBox();
    expect((shade!.x - plot!.x) / plot!.width).to.be.closeTo(20 / 60, 0.01);
    expect(shade!.width / plot!.width).to.be.closeTo(3 / 60, 0.01);
    expect(await page.locator('#chart-latency svg[role="img"]:visible rect.harness-shade').count()).to.equal(2);
    await page.close();
  });

  it('draws the SLO line at the y of its minimum on the success axis', async () => {
    const { page } = await open(renderHtml(makeResult({ variant: 'failed' })), 'slo.html');
    const svg = page.locator('#chart-timeline svg[role="img"]:visible');
    const tick = await svg.locator('text.y-tick', { hasText: /^90 %$/ }).boundingBox();
    const line = await svg.locator('g.threshold line').first().boundingBox();
    // The tick label is centred on its value (baseline 4 units below).
    expect(line!.y + line!.height / 2).to.be.closeTo(tick!.y + tick!.height / 2, 3);
    expect(await svg.locator('g.threshold text').first().textContent()).to.equal('SLO ≥ 90 %');
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
