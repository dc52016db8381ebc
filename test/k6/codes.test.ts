import { expect } from 'chai';
import { InfraError } from '../../src/errors.ts';
import { failureKindForErrorCode } from '../../src/load/k6/error-codes.ts';
import { interpretK6Exit } from '../../src/load/k6/exit-codes.ts';
import { parseK6Version } from '../../src/load/k6/locate.ts';
import { parseSummaryThresholds } from '../../src/load/k6/thresholds.ts';

describe('k6 codes', () => {
  it('maps k6 error codes to failure kinds', () => {
    expect(failureKindForErrorCode(1212)).to.equal('connection_refused');
    expect(failureKindForErrorCode(1050)).to.equal('timeout');
    expect(failureKindForErrorCode(1211)).to.equal('timeout');
    expect(failureKindForErrorCode(1220)).to.equal('connection_reset');
    expect(failureKindForErrorCode(1101)).to.equal('other');
    expect(failureKindForErrorCode(Number.NaN)).to.equal('other');
  });

  it('maps exit codes: 0, 99, 105 are outcomes; 104/107/255 are harness errors with k6\'s message', () => {
    expect(interpretK6Exit(0, null, false, '')).to.equal('completed');
    expect(interpretK6Exit(99, null, false, '')).to.equal('thresholds-failed');
    expect(interpretK6Exit(105, null, true, '')).to.equal('interrupted');
    expect(interpretK6Exit(null, 'SIGKILL', true, '')).to.equal('interrupted');
    const stderr = 'time="2024-03-05T10:00:00Z" level=info msg="starting"\ntime="2024-03-05T10:00:01Z" level=error msg="ReferenceError: foo is not defined\\n\\tat default (file:///s.js:3:2)"\n';
    for (const [code, meaning] of [[107, 'script exception'], [104, 'invalid configuration'], [255, 'generic error']] as const) {
      let thrown: unknown;
      try {
        interpretK6Exit(code, null, false, stderr);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).to.be.instanceOf(InfraError);
      expect((thrown as Error).message).to.equal(`k6 exited with code ${code} (${meaning}): ReferenceError: foo is not defined \\tat default (file:///s.js:3:2)`);
    }
    expect(() => interpretK6Exit(null, 'SIGSEGV', false, '')).to.throw(InfraError, 'k6 was killed by SIGSEGV');
  });

  it('reads k6 versions in both k6 formats', () => {
    expect(parseK6Version('k6 v0.48.0 (go1.21.4, linux/amd64)\n')).to.equal('0.48.0');
    expect(parseK6Version('k6 v1.0.0 (commit/41b4984b75, go1.24.2, linux/amd64)\n')).to.equal('1.0.0');
    expect(parseK6Version('something else')).to.equal(undefined);
  });

  it('reads thresholds from --summary-export, where true means FAILED', () => {
    const summary = JSON.stringify({ metrics: { http_req_failed: { value: 0.2, thresholds: { 'rate<0.01': true } }, http_req_duration: { avg: 3, thresholds: { 'p(95)<500': false } }, iterations: { count: 4 } } });
    expect(parseSummaryThresholds(summary)).to.deep.equal({
      http_req_failed: { 'rate<0.01': { ok: false } },
      http_req_duration: { 'p(95)<500': { ok: true } },
    });
    expect(parseSummaryThresholds('not json')).to.equal(undefined);
  });
});
