import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Sample } from '../../src/load/sample.ts';
import { decodeLineJson } from '../../src/load/k6/decode-json.ts';
import { decodeLineScan } from '../../src/load/k6/decode-scan.ts';
import { K6OutputParser, type LineDecoder } from '../../src/load/k6/output-parser.ts';
import { emptyPoint } from '../../src/load/k6/point.ts';
import { K6SampleAssembler } from '../../src/load/k6/sample-assembler.ts';
import { statusRule } from '../../src/load/k6/status-rule.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixture = readFileSync(path.join(here, 'fixtures/k6-output.jsonl'), 'utf8');
/** Run clock zero = 2024-03-05T09:15:00Z. */
const ZERO = Date.parse('2024-03-05T09:15:00Z');

function parseAll(text: string | Buffer[], decode: LineDecoder = decodeLineScan, awaitResponse = false): { samples: Sample[]; parser: K6OutputParser; assembler: K6SampleAssembler } {
  const samples: Sample[] = [];
  const assembler = new K6SampleAssembler({ statusOk: statusRule([]), toRunMs: (epoch) => epoch - ZERO, onSample: (s) => samples.push(s), awaitResponse });
  const parser = new K6OutputParser(assembler, decode);
  for (const chunk of typeof text === 'string' ? [text] : text) parser.write(chunk);
  parser.end();
  return { samples, parser, assembler };
}

describe('k6 JSON output parser', () => {
  it('turns each request trail into one sample: success, refused, 5xx, dropped, timeout, legacy key order', () => {
    const { samples, parser, assembler } = parseAll(fixture);
    expect(parser.lines).to.equal(fixture.trim().split('\n').length);
    expect(samples).to.have.length(6);
    const [ok, refused, unavailable, dropped, timeout, legacy] = samples as [Sample, Sample, Sample, Sample, Sample, Sample];

    // 10:15:02.417338412+01:00 = 09:15:02.417338Z → run ms 2417.338; duration 12.345678; blocked+connecting 0.75
    expect(ok).to.include({ ok: true, status: 200, request: 'checkout' });
    expect(ok.endMs).to.be.closeTo(2417.338, 1e-3);
    expect(ok.sentMs).to.be.closeTo(2417.338 - 12.345678, 1e-3);
    expect(ok.scheduledMs).to.be.closeTo(2417.338 - 12.345678 - 0.75, 1e-3);
    expect(ok.failure).to.equal(undefined);

    expect(refused).to.include({ ok: false, failure: 'connection_refused', request: 'checkout' });
    expect(refused.status).to.equal(undefined);
    expect(refused.endMs).to.be.closeTo(3500, 1e-3);
    expect(refused.scheduledMs).to.be.closeTo(3500 - 1.5, 1e-3); // dial time counts: started 1.5 ms before its end

    expect(unavailable).to.include({ ok: false, failure: 'http_status', status: 503, request: 'pay' });
    expect(unavailable.scheduledMs).to.be.closeTo(4220, 1e-3);

    expect(dropped).to.deep.equal({ scheduledMs: 4300, sentMs: 4300, endMs: 4300, ok: false, failure: 'dropped' });
    expect(assembler.dropped).to.equal(1);

    expect(timeout).to.include({ ok: false, failure: 'timeout', request: 'slow "quoted" & escaped' });
    expect(timeout.endMs).to.be.closeTo(6000.25, 1e-3);
    expect(timeout.scheduledMs).to.be.closeTo(6000.25 - 2000.5, 1e-3);

    expect(legacy).to.include({ ok: true, status: 204, request: 'legacy-order' });
    expect(legacy.endMs).to.be.closeTo(7100, 1e-3);
  });

  it('the targeted scanner decodes every fixture line exactly as JSON.parse does', () => {
    for (const line of fixture.trim().split('\n')) {
      const scanned = emptyPoint();
      const parsed = emptyPoint();
      const a = decodeLineScan(line, scanned);
      const b = decodeLineJson(line, parsed);
      expect(a, line).to.equal(b);
      if (a) expect(scanned, line).to.deep.equal(parsed);
    }
  });

  it('gives the same samples whatever the chunk boundaries (split lines, split UTF-8)', () => {
    const text = fixture.replaceAll('"name":"pay"', '"name":"paiement-é€"');
    const expected = parseAll(text).samples;
    expect(expected[2]?.request).to.equal('paiement-é€');
    const bytes = Buffer.from(text);
    for (const size of [1, 7, 64, 239]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
      expect(parseAll(chunks).samples, `chunk size ${size}`).to.deep.equal(expected);
    }
  });

  it('applies Rebound\'s success statuses, not k6\'s expected_response', () => {
    const samples: Sample[] = [];
    const assembler = new K6SampleAssembler({ statusOk: statusRule([[200, 299], [503, 503]]), toRunMs: (e) => e - ZERO, onSample: (s) => samples.push(s), awaitResponse: false });
    const parser = new K6OutputParser(assembler);
    parser.write(fixture);
    parser.end();
    expect(samples.find((s) => s.status === 503)?.ok).to.equal(true);
  });

  it('joins rebound_response points by VU: served-by and the header/body verdict', () => {
    const line = (metric: string, time: string, value: number, tags: Record<string, string>) => JSON.stringify({ metric, type: 'Point', data: { time, value, tags } });
    const request = (vu: string, time: string, status: string) => [
      line('http_reqs', time, 1, { name: 'r', rebound_vu: vu, status }),
      line('http_req_duration', time, 5, { name: 'r', rebound_vu: vu, status }),
      line('http_req_failed', time, 0, { name: 'r', rebound_vu: vu, status }),
    ];
    const text = [
      ...request('1', '2024-03-05T09:15:01Z', '200'),
      ...request('2', '2024-03-05T09:15:01.1Z', '200'),
      line('rebound_response', '2024-03-05T09:15:01.2Z', 0, { rebound_vu: '2', served_by: 'payments-secondary' }),
      line('rebound_response', '2024-03-05T09:15:01.3Z', 1, { rebound_vu: '1', served_by: 'payments-primary' }),
      ...request('1', '2024-03-05T09:15:02Z', '500'),
    ].join('\n');
    const { samples } = parseAll(text, decodeLineScan, true);
    expect(samples.map((s) => [s.endMs, s.ok, s.failure, s.servedBy])).to.deep.equal([
      [1100, false, 'other', 'payments-secondary'],
      [1000, true, undefined, 'payments-primary'],
      [2000, false, 'http_status', undefined], // never got its response point: flushed at the end
    ]);
  });

  it('skips Metric lines, other metrics, blank and malformed lines without failing', () => {
    const text = ['', 'not json', '{"metric":"http_req_duration","type":"Point","data":{"time":"garbage","value":1,"tags":null}}', '{"type":"Metric","data":{"name":"http_req_duration","type":"trend"},"metric":"http_req_duration"}', '{"metric":"iterations","type":"Point","data":{"time":"2024-03-05T09:15:01Z","value":1,"tags":null}}'].join('\n');
    const { samples, assembler } = parseAll(text);
    expect(samples).to.deep.equal([]);
    expect(assembler.unreadable).to.equal(1);
  });
});
