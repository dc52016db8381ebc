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
