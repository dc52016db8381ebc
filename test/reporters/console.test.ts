import { expect } from 'chai';
import { consoleReporter } from '../../src/reporters/console/console-reporter.ts';
import { renderConsoleSummary, SUMMARY_WIDTH } from '../../src/reporters/console/render-console.ts';
import type { RunEvent } from '../../src/timeline/events.ts';
import { PassThrough } from 'node:stream';
import { displayWidth, truncateToWidth, wrapCell } from '../../src/reporters/console/text-width.ts';
import type { CheckResult, Result } from '../../src/result/result.ts';
import { makeResult } from './fixtures/make-result.ts';
import { HOSTILE } from './helpers.ts';

const WRITTEN = [
  { label: 'html', path: '/tmp/out/report.html' },
  { label: 'markdown', path: '/tmp/out/summary.md' },
];

function withChecks(result: Result, edit: (checks: readonly CheckResult[]) => CheckResult[]): Result {
  return { ...result, checks: edit(result.checks) };
}

/** The check table: from its header to the blank line after it. */
function table(text: string): string[] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => /^ {4}check +observed +expected +mode$/.test(l));
  expect(start, text).to.be.greaterThan(-1);
  return lines.slice(start, lines.indexOf('', start));
}

describe('reporters: console summary', () => {
  it('reads `✔ name  observed  expected  strict|advisory` with headline values, not every field', () => {
    const text = renderConsoleSummary(makeResult(), WRITTEN, false);
    const rows = table(text);
    expect(rows[1]).to.match(/^ {2}✔ checkout keeps working {2}9\d\.\d % +≥ 90 % +strict$/);
    expect(rows).to.include.members([
      '  ✔ fails over fast         failover 1.3 s            ≤ 2 s                         strict',
      '  ✔ recovers                recovery 1.2 s            ≤ 5 s                         strict',
      '  ✔ back on primary         payments-primary 100.0 %  payments-primary 100 % ± 2 %  strict',
      '  ✔ primary pods ready      ready after 3.5 s         2 ready ≤ 10 s                strict',
    ]);
    expect(text).to.match(/\n {2}✘ outage p99 +p99 [\d.]+ s +p99 ≤ 500 ms +advisory\n/);
    expect(text).not.to.match(/min samples|resolution|successes|…/);
  });

  it('puts the reason of each failed, inconclusive or error check on the next line, indented; none for passed ones', () => {
    const text = renderConsoleSummary(makeResult({ variant: 'error' }), WRITTEN, false);
    const rows = table(text);
    const reasonOf = (name: string) => rows[rows.findIndex((l) => l.includes(` ${name} `)) + 1];
    expect(reasonOf('recovers')).to.equal('      cannot measure recovery: the proxy-down revert failed');
    expect(rows.find((l) => l.includes(' recovers '))).to.match(/^ {2}! recovers +— +≤ 5 s +strict$/);
    expect(reasonOf('outage p99')).to.match(/^ {6}p99 \d+ ms > 500 ms \(advisory\)$/);
    expect(reasonOf('last second')).to.equal('      only 20 samples < 40 needed: inconclusive');
    expect(rows.filter((l) => /^ {6}\S/.test(l))).to.have.length(3);
    expect(reasonOf('checkout keeps working')).to.match(/^ {2}✔ fails over fast/);
  });

  it('truncates only a long name with …, fitting 100 columns; values and mode stay whole', () => {
    const long = 'checkout keeps working while payments-primary is down and the secondary takes every request';
    const result = withChecks(makeResult({ variant: 'failed' }), (checks) => checks.map((c, i) => (i === 0 ? { ...c, name: long } : c)));
    const text = renderConsoleSummary(result, WRITTEN, false);
    for (const line of text.split('\n')) expect(displayWidth(line), line).to.be.at.most(SUMMARY_WIDTH);
    const row = table(text).find((l) => l.startsWith('  ✘ checkout keeps working while'))!;
    expect(row).to.match(/^ {2}✘ checkout keeps working while[^…]*… {2,}30\.0 % +≥ 90 % +strict$/);
    expect(row).not.to.include('every request');
    // Short names are never cut.
    expect(text).to.include('  ✔ primary pods ready  ');
  });

  it('shows a traffic split one instance group per line, and wraps a value too wide for its column instead of cutting it', () => {
    const wide = `payments-secondary-${'x'.repeat(70)}`;
    const result = withChecks(makeResult(), (checks) =>
      checks.map((c) =>
        c.kind === 'trafficSplit'
          ? { ...c, observed: { ...c.observed, shares: { 'payments-primary': 0.6, [wide]: 0.4 } }, expected: { ...c.expected, shares: { 'payments-primary': 0.5, [wide]: 0.5 }, tolerance: 0.2 } }
          : c,
      ),
    );
    const text = renderConsoleSummary(result, [], false);
    for (const line of text.split('\n')) expect(displayWidth(line), line).to.be.at.most(SUMMARY_WIDTH);
    const rows = table(text);
    const at = rows.findIndex((l) => l.includes(' back on primary'));
    expect(rows[at]).to.match(/^ {2}✔ back on primary +payments-primary 60\.0 % +payments-primary 50 % ± 20 % +strict$/);
    // The long group name is split over continuation lines of its own columns, nothing lost.
    const continuation = rows.slice(at + 1).filter((l, i, all) => all.slice(0, i + 1).every((x) => /^ {4} +\S/.test(x) && !/^ {6}\S/.test(x)));
    expect(continuation.length).to.be.greaterThan(1);
    const observedText = continuation.map((l) => l.trim().split(/ {2,}/)[0]).join('');
    expect(observedText.replace(/ /g, '')).to.include(`${wide}40.0%`);
  });

  it('measures CJK and emoji as two columns, so rows stay aligned and within 100 columns', () => {
    expect(displayWidth('中文')).to.equal(4);
    expect(displayWidth('🛒 cart')).to.equal(7);
    expect(displayWidth('é')).to.equal(1);
    expect(displayWidth('✔ ≥ …')).to.equal(5);
    expect(truncateToWidth('中文检查中文检查', 7)).to.equal('中文检…');
    expect(wrapCell('abcdef ghi', 4)).to.deep.equal(['abcd', 'ef', 'ghi']);
    expect(wrapCell('payments-secondary 50 % ± 20 %', 20)).to.deep.equal(['payments-secondary', '50 % ± 20 %']);
    const result = withChecks(makeResult(), (checks) => checks.map((c) => ({ ...c, name: `结账 🛒 ${c.name} ${'检查'.repeat(30)}` })));
    const rows = table(renderConsoleSummary(result, [], false));
    const observedStart = rows.slice(1).filter((l) => /^ {2}\S /.test(l)).map((l) => displayWidth(l.slice(0, l.search(/ {2}\S+ %| {2}failover| {2}recovery| {2}p99| {2}ready| {2}payments/))));
    expect(new Set(observedStart).size, rows.join('\n')).to.equal(1);
    for (const line of rows) expect(displayWidth(line), line).to.be.at.most(SUMMARY_WIDTH);
  });

  it('wraps a long verdict reason and check reason at 100 columns, indented', () => {
    const reason = `the last ${'very '.repeat(40)}long window failed`;
    const result = withChecks(makeResult({ variant: 'failed' }), (checks) => checks.map((c, i) => (i === 0 ? { ...c, reason } : c)));
    const text = renderConsoleSummary({ ...result, verdictReason: reason }, WRITTEN, false);
    for (const line of text.split('\n')) expect(displayWidth(line), line).to.be.at.most(SUMMARY_WIDTH);
    const lines = text.split('\n');
    expect(lines[2]!.startsWith('  the last very')).to.equal(true);
    const rows = table(text);
    const first = rows.findIndex((l) => l.startsWith('      the last very'));
    expect(first).to.equal(2);
    const end = rows.findIndex((l, i) => i > first && !l.startsWith('      '));
    expect(end - first).to.equal(3);
    expect(rows.slice(first, end).map((l) => l.trim()).join(' ')).to.equal(reason);
  });

  it('keeps the HTML path as the last line; no ANSI without colour; user text cannot carry control characters', () => {
    const hostile = `${HOSTILE}\u001b[2J\r\nnext`;
    const text = renderConsoleSummary(makeResult({ variant: 'failed', hostile }), WRITTEN, false);
    expect(text.trimEnd().split('\n').at(-1)).to.equal('Report: /tmp/out/report.html');
    expect(text).to.include('  markdown /tmp/out/summary.md');
    expect(text).not.to.match(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/);
    for (const line of text.split('\n')) expect(displayWidth(line), line).to.be.at.most(SUMMARY_WIDTH);
    const coloured = renderConsoleSummary(makeResult({ variant: 'failed', hostile }), WRITTEN, true);
    expect(coloured).to.match(/\n {2}\u001b\[31m✘\u001b\[39m /);
    expect(coloured.trimEnd().split('\n').at(-1)).to.equal('Report: /tmp/out/report.html');
    // Colour only wraps text: removing it gives the plain summary back.
     
    expect(coloured.replace(/\u001b\[\d+m/g, '')).to.equal(text);
  });

  it('prints pods Ready at the start as one line, before the next event, not one line each', () => {
    const stream = new PassThrough();
    let text = '';
    stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const reporter = consoleReporter({ stdout: stream, color: false, isTTY: false });
    const event = (kind: RunEvent['kind'], atMs: number, message: string, data?: RunEvent['data']): RunEvent => ({ kind, atMs, at: new Date(atMs).toISOString(), message, ...(data ? { data } : {}) });
    for (const pod of ['a-1', 'a-2', 'b-1']) reporter.onEvent!(event('pod-ready', 0, `pod ${pod} ready (at start)`, { pod, initial: true }));
    reporter.onEvent!(event('phase-started', 5, 'phase baseline started'));
    reporter.onEvent!(event('pod-ready', 6000, 'pod a-3 ready', { pod: 'a-3' }));
    const lines = text.trimEnd().split('\n');
    expect(lines).to.have.length(3);
    expect(lines[0]).to.match(/pod-ready +3 pods Ready at start$/);
    expect(lines[1]).to.match(/phase-started +phase baseline started$/);
    expect(lines[2]).to.match(/pod-ready +pod a-3 ready$/);
  });
});
