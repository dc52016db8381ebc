import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { errorCodeOf } from '../../src/load/failure-classifier.ts';
import { failureCodeOf } from '../../src/load/failure-code.ts';
import { decodeLineScan } from '../../src/load/k6/decode-scan.ts';
import { K6OutputParser } from '../../src/load/k6/output-parser.ts';
import { K6SampleAssembler } from '../../src/load/k6/sample-assembler.ts';
import { statusRule } from '../../src/load/k6/status-rule.ts';
import type { Sample } from '../../src/load/sample.ts';
import { EXCERPT_CHARS, FailureLog, MESSAGE_CHARS, redactExcerpt } from '../../src/timeline/failure-log.ts';
import { MAX_FAILURE_CODES, OTHER_CODES, Timeline } from '../../src/timeline/timeline.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

function failed(endMs: number, extra: Partial<Sample>): Sample {
  return { scheduledMs: endMs, sentMs: endMs, endMs, ok: false, failure: 'other', ...extra };
}

describe('failure codes', () => {
  it('names a failure by status, timeout, dropped, transport code or success rule', () => {
    expect(failureCodeOf({ scheduledMs: 0, sentMs: 0, endMs: 1, ok: true, status: 200 })).to.equal(undefined);
    expect(failureCodeOf(failed(1, { failure: 'http_status', status: 502 }))).to.equal('502');
    expect(failureCodeOf(failed(1, { failure: 'timeout', errorCode: 'UND_ERR_HEADERS_TIMEOUT' }))).to.equal('timeout');
    expect(failureCodeOf(failed(1, { failure: 'dropped' }))).to.equal('dropped');
    expect(failureCodeOf(failed(1, { failure: 'connection_refused', errorCode: 'ECONNREFUSED' }))).to.equal('ECONNREFUSED');
    expect(failureCodeOf(failed(1, { failure: 'connection_reset' }))).to.equal('connection_reset');
    expect(failureCodeOf(failed(1, { failure: 'other', status: 200 }))).to.equal('200 (success rule)');
  });

  it('finds the error code through AggregateError and cause chains', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    expect(errorCodeOf(new AggregateError([refused], 'all failed'))).to.equal('ECONNREFUSED');
    expect(errorCodeOf(new Error('wrapped', { cause: refused }))).to.equal('ECONNREFUSED');
    expect(errorCodeOf(new Error('plain'))).to.equal(undefined);
  });

  it('k6: transport errors get a code and k6\'s description, statuses stay codes of their own', () => {
    const samples: Sample[] = [];
    const assembler = new K6SampleAssembler({ statusOk: statusRule([]), toRunMs: (epoch) => epoch, onSample: (s) => samples.push(s), awaitResponse: false });
    const parser = new K6OutputParser(assembler, decodeLineScan);
    parser.write(readFileSync(path.join(here, '../k6/fixtures/k6-output.jsonl'), 'utf8'));
    parser.end();
    const codes = samples.map(failureCodeOf);
    expect(codes).to.deep.equal([undefined, 'ECONNREFUSED', '503', 'dropped', 'timeout', undefined]);
    expect(samples[1]!.errorMessage).to.equal('dial: connection refused');
  });
});

describe('FailureLog', () => {
  it('counts each code + message with first and last seen, in the order first seen', () => {
    const log = new FailureLog(5);
    log.record(failed(300, { failure: 'http_status', status: 503, errorMessage: 'Service Unavailable' }), '503');
    log.record(failed(100, { failure: 'http_status', status: 502, errorMessage: 'Bad Gateway', bodyExcerpt: 'upstream connect error' }), '502');
    log.record(failed(900, { failure: 'http_status', status: 502, errorMessage: 'Bad Gateway', bodyExcerpt: 'another body' }), '502');
    const entries = log.entries();
    expect(entries.map((e) => [e.code, e.message, e.count, e.firstMs, e.lastMs])).to.deep.equal([
      ['502', 'Bad Gateway', 2, 100, 900],
      ['503', 'Service Unavailable', 1, 300, 300],
    ]);
    // The first body of an entry is kept.
    expect(entries[0]!.excerpt).to.equal('upstream connect error');
    expect(log.unlisted).to.equal(0);
  });

  it('stays bounded over 100k distinct messages: at most `limit` entries of bounded size, the rest counted', () => {
    const log = new FailureLog(20);
    const long = 'x'.repeat(5_000);
    for (let i = 0; i < 100_000; i++) {
      log.record(failed(i, { failure: 'connection_reset', errorCode: 'ECONNRESET', errorMessage: `#${i} ${long}`, bodyExcerpt: long }), 'ECONNRESET');
    }
    expect(log.size).to.equal(20);
    expect(log.unlisted).to.equal(100_000 - 20);
    const entries = log.entries();
    for (const entry of entries) {
      expect(entry.message.length).to.be.at.most(MESSAGE_CHARS);
      expect(entry.excerpt!.length).to.be.at.most(EXCERPT_CHARS);
    }
    expect(JSON.stringify(entries).length).to.be.below(20 * (MESSAGE_CHARS + EXCERPT_CHARS + 200));
  });

  it('redacts credentials that a failing body echoes', () => {
    const body = '{"error":"denied","access_token":"s3cr3t-value-123","hint":"Authorization: Bearer abcdefghijklmnop"}';
    const out = redactExcerpt(body, 500);
    expect(out).to.not.include('s3cr3t-value-123');
    expect(out).to.not.include('abcdefghijklmnop');
    expect(out).to.include('denied');
    expect(redactExcerpt('token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl here', 500)).to.not.include('eyJhbGci');
    expect(redactExcerpt('a\u0000b\u001bc', 10)).to.equal('a b c');
    expect(redactExcerpt('y'.repeat(300), 200)).to.have.length(200);
  });
});

describe('Timeline failure detail', () => {
  it('counts failures by code per bucket and per window, and those that named no server', () => {
    const timeline = new Timeline(100);
    timeline.record({ scheduledMs: 10, sentMs: 10, endMs: 20, ok: true, status: 200, servedBy: 'primary' });
    timeline.record(failed(20, { failure: 'http_status', status: 502, servedBy: 'primary' }));
    timeline.record(failed(30, { failure: 'http_status', status: 502 }));
    timeline.record(failed(150, { failure: 'connection_refused', errorCode: 'ECONNREFUSED' }));
    const [first, second] = timeline.buckets();
    expect(first!.failuresByCode).to.deep.equal({ '502': 2 });
    expect(first!.failedWithoutServer).to.equal(1);
    expect(second!.failuresByCode).to.deep.equal({ ECONNREFUSED: 1 });
    const all = timeline.summarize(0, 200);
    expect(all.failuresByCode).to.deep.equal({ '502': 2, ECONNREFUSED: 1 });
    expect(all.failedWithoutServer).to.equal(2);
    expect(timeline.failureLog.entries().map((e) => e.code)).to.deep.equal(['502', 'ECONNREFUSED']);
    // A bucket without failures carries no failure detail in its snapshot.
    const quiet = new Timeline(100);
    quiet.record({ scheduledMs: 0, sentMs: 0, endMs: 1, ok: true });
    expect(quiet.buckets()[0]).to.not.have.property('failuresByCode');
  });

  it('keeps the set of codes bounded: codes beyond the limit are counted together', () => {
    const timeline = new Timeline(100);
    for (let i = 0; i < 1_000; i++) timeline.record(failed(i, { failure: 'other', errorCode: `E_${i}` }));
    const codes = timeline.summarize(0, 1_000).failuresByCode!;
    expect(Object.keys(codes)).to.have.length(MAX_FAILURE_CODES);
    expect(codes[OTHER_CODES]).to.equal(1_000 - (MAX_FAILURE_CODES - 1));
    expect(Object.values(codes).reduce((a, b) => a + b, 0)).to.equal(1_000);
  });

  it('memory grows with buckets, not with distinct messages', () => {
    const small = new Timeline(100);
    const large = new Timeline(100);
    for (let i = 0; i < 100_000; i++) {
      small.record(failed(i % 1_000, { failure: 'http_status', status: 503, errorMessage: 'same' }));
      large.record(failed(i % 1_000, { failure: 'http_status', status: 503, errorMessage: `distinct ${i}` }));
    }
    expect(large.memoryBytes()).to.equal(small.memoryBytes());
    expect(large.failureLog.size).to.equal(20);
  });
});
