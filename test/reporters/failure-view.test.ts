import { expect } from 'chai';
import { buildFailureView } from '../../src/reporters/html/failure-view.ts';
import { renderHtml } from '../../src/reporters/html/render-html.ts';
import { FAILED_SLICE, servedByShareLines, servedBySlices, UNNAMED_SLICE } from '../../src/reporters/html/served-by-shares.ts';
import type { Result } from '../../src/result/result.ts';
import { makeResult } from './fixtures/make-result.ts';
import { HOSTILE } from './helpers.ts';

function viewOf(result: Result) {
  return buildFailureView(result);
}

describe('reporters: why requests failed', () => {
  it('lists each failing phase by code, largest first, with its share of the phase', () => {
    const result = makeResult({ variant: 'failed' });
    const view = viewOf(result)!;
    const outage = result.phases[1]!;
    expect(view.phases.map((phase) => phase.name)).to.deep.equal(['outage']);
    const rows = view.phases[0]!.rows;
    expect(rows.map((row) => row.code)).to.deep.equal(['ECONNREFUSED', 'timeout']);
    expect(rows[0]).to.include({ kind: 'connection refused', count: outage.failuresByCode!.ECONNREFUSED!.toLocaleString('en-US') });
    expect(view.messages.map((row) => row.code)).to.deep.equal(['ECONNREFUSED', 'timeout']);
    expect(view.messages[0]!.firstAt).to.match(/^\d{2}:\d{2}:\d{2}\.\d{3} UTC$/);
    expect(view.messagesNote).to.equal('');
    expect(view.chart?.legend.map((entry) => entry.label)).to.deep.equal([
      `timeout (${outage.failuresByKind.timeout!.toLocaleString('en-US')})`,
      `connection refused (${outage.failuresByKind.connection_refused!.toLocaleString('en-US')})`,
    ]);
  });

  it('is absent when nothing failed', () => {
    const result = makeResult();
    const clean: Result = { ...result, phases: result.phases.map((phase) => ({ ...phase, successes: phase.total, failures: 0, failuresByKind: {}, failuresByCode: {} })) };
    expect(viewOf(clean)).to.equal(undefined);
    expect(renderHtml(clean)).to.not.include('Why requests failed');
  });

  it('reads a result written before failure detail existed: kinds instead of codes, and says why no message is listed', () => {
    const result = makeResult({ variant: 'failed' });
    const { failureLog: _omitted, ...rest } = result;
    const old: Result = { ...rest, phases: result.phases.map(({ failuresByCode: _codes, failedWithoutServer: _none, ...phase }) => phase) };
    const view = viewOf(old)!;
    expect(view.phases[0]!.rows.map((row) => row.code)).to.deep.equal(['connection_refused', 'timeout']);
    expect(view.messages).to.deep.equal([]);
    expect(view.messagesNote).to.match(/older Rebound/);
  });

  it('says how many failures the bounded table leaves out', () => {
    const result = makeResult({ variant: 'failed' });
    const view = viewOf({ ...result, failureLog: { ...result.failureLog!, unlisted: 1234 } })!;
    expect(view.messagesNote).to.equal('Only the first 20 distinct failures are listed; 1,234 more failed requests had another code or message (counted in the tables above).');
  });

  it('escapes messages and body excerpts', () => {
    const html = renderHtml(makeResult({ hostile: HOSTILE, variant: 'failed' }));
    const section = html.slice(html.indexOf('<section id="failures">'), html.indexOf('<section id="phases">'));
    expect(section).to.include('&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;');
    expect(section).to.not.include('<img');
  });
});

describe('reporters: served-by shares of all requests', () => {
  it('an outage reads as failed, not as 100 % on the one server that answered', () => {
    const phase = { total: 1_000, servedBy: { 'payments-primary-7c9d-x2b4q': 5 }, failedWithoutServer: 995 };
    expect(servedBySlices(phase)).to.deep.equal([
      { kind: 'server', name: 'payments-primary', count: 5 },
      { kind: 'failed', name: FAILED_SLICE, count: 995 },
    ]);
    expect(servedByShareLines(phase, 'x-served-by')).to.deep.equal(['payments-primary 0.5 %', 'failed / no server 99.5 %']);
  });

  it('successes that named no server are their own slice; an older result lumps every unnamed request there', () => {
    expect(servedBySlices({ total: 10, servedBy: { a: 6 }, failedWithoutServer: 1 }).map((s) => [s.name, s.count])).to.deep.equal([
      ['a', 6],
      [FAILED_SLICE, 1],
      [UNNAMED_SLICE, 3],
    ]);
    expect(servedBySlices({ total: 10, servedBy: { a: 6 } }).map((s) => [s.name, s.count])).to.deep.equal([
      ['a', 6],
      [UNNAMED_SLICE, 4],
    ]);
  });

  it('stays "—" when no served-by header was asked for', () => {
    expect(servedByShareLines({ total: 10, servedBy: {}, failedWithoutServer: 2 }, undefined)).to.deep.equal(['—']);
    expect(servedByShareLines({ total: 10, servedBy: {}, failedWithoutServer: 10 }, 'x-served-by')).to.deep.equal(['failed / no server 100.0 %']);
  });
});
