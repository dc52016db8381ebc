import type { FailureKind } from '../sample.ts';

/**
 * k6's `error_code` tag → Rebound failure kind. Source: k6's error code table
 * (grafana/k6 lib/netext/httpext/error_codes.go and the "Error codes" docs page):
 *   1000 generic, 1010 non-TCP network, 1020 invalid URL, 1050 request timeout,
 *   1100-1199 DNS, 1200 generic TCP, 1201 broken pipe, 1202 unknown errno,
 *   1210 dial, 1211 dial timeout, 1212 dial refused, 1213 dial unknown errno,
 *   1220 reset by peer, 1300-1399 TLS, 1400-1599 = 1000 + HTTP status (>= 400),
 *   1600-1699 HTTP/2, 1701 response decompression.
 * Kinds follow the built-in driver's classifier (src/load/failure-classifier.ts): a connect
 * timeout is a `timeout`, a broken pipe is a `connection_reset`.
 */
const KIND_BY_CODE: ReadonlyMap<number, FailureKind> = new Map<number, FailureKind>([
  [1050, 'timeout'],
  [1211, 'timeout'],
  [1212, 'connection_refused'],
  [1220, 'connection_reset'],
  [1201, 'connection_reset'],
]);

/** Failure kind of a transport error (status 0); `code` NaN when the tag is absent. */
export function failureKindForErrorCode(code: number): FailureKind {
  return KIND_BY_CODE.get(code) ?? 'other';
}

/**
 * How a k6 transport error is named in the report: the Node code where one means the same
 * (so both drivers' reports read alike), else `k6 <code>`; and k6's description of the code.
 */
const NAME_BY_CODE: ReadonlyMap<number, readonly [code: string, message: string]> = new Map([
  [1000, ['k6 1000', 'generic error']],
  [1010, ['k6 1010', 'non-TCP network error']],
  [1020, ['k6 1020', 'invalid URL']],
  [1050, ['timeout', 'request timeout']],
  [1100, ['ENOTFOUND', 'DNS lookup failed']],
  [1200, ['k6 1200', 'TCP error']],
  [1201, ['EPIPE', 'broken pipe on write']],
  [1210, ['k6 1210', 'dial error']],
  [1211, ['timeout', 'dial timeout']],
  [1212, ['ECONNREFUSED', 'dial: connection refused']],
  [1220, ['ECONNRESET', 'connection reset by peer']],
]);

export function describeErrorCode(code: number): { readonly code: string; readonly message: string } {
  const known = NAME_BY_CODE.get(code);
  if (known) return { code: known[0], message: known[1] };
  if (Number.isNaN(code)) return { code: 'k6 error', message: 'transport error without an error_code tag' };
  if (code >= 1100 && code < 1200) return { code: 'ENOTFOUND', message: `DNS error (k6 ${code})` };
  if (code >= 1300 && code < 1400) return { code: `k6 ${code}`, message: 'TLS error' };
  if (code >= 1600 && code < 1700) return { code: `k6 ${code}`, message: 'HTTP/2 error' };
  return { code: `k6 ${code}`, message: `k6 error code ${code}` };
}
