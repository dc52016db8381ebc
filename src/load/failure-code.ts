import type { Sample } from './sample.ts';

/**
 * The short code a failed request is counted under in the report's "why requests failed": the
 * HTTP status (`502`), `timeout`, `dropped`, the transport error code (`ECONNREFUSED`), or, for a
 * response whose status passed but whose header/body failed the success rule, `200 (success rule)`.
 * Undefined for a success. The set of codes is small and closed in practice (statuses, error codes).
 */
export function failureCodeOf(sample: Sample): string | undefined {
  if (sample.ok) return undefined;
  switch (sample.failure) {
    case 'http_status':
      return sample.status !== undefined ? String(sample.status) : 'http_status';
    case 'timeout':
    case 'dropped':
      return sample.failure;
    case 'other':
      if (sample.status !== undefined && sample.errorCode === undefined) return `${sample.status} (success rule)`;
      return sample.errorCode ?? 'other';
    default:
      return sample.errorCode ?? sample.failure ?? 'other';
  }
}
