/**
 * The first few distinct ways requests failed (code + message), each with its count, first and
 * last time seen and a short redacted excerpt of a failing response body. Bounded whatever the run
 * length: at most `limit` entries, each of bounded size (messages and excerpts are cut before they
 * are kept); failures of a kind not listed are only counted (`unlisted`).
 */
import type { FailureKind, Sample } from '../load/sample.ts';
import { createRedactor } from '../result/redact.ts';

export const FAILURE_LOG_LIMIT = 20;
/** Characters kept of a message and of a body excerpt. */
export const MESSAGE_CHARS = 200;
export const EXCERPT_CHARS = 200;

export interface FailureLogEntry {
  readonly kind: FailureKind;
  /** Status code or error code (src/load/failure-code.ts). */
  readonly code: string;
  /** The error message or HTTP status text; '' when there was none. */
  readonly message: string;
  readonly count: number;
  /** Run-clock ms of the first and the last failure of this entry (when the failure was seen: the request's end). */
  readonly firstMs: number;
  readonly lastMs: number;
  /** Start of the first failing response body of this entry, redacted and cut. */
  readonly excerpt?: string;
}

interface MutableEntry {
  kind: FailureKind;
  code: string;
  message: string;
  count: number;
  firstMs: number;
  lastMs: number;
  excerpt?: string;
}

/**
 * Credential-looking content that a response body may echo: credential headers and the usual
 * token fields (`"access_token": "…"`, `password=…`), bearer/basic credentials, JWTs. The run's
 * own secrets are redacted again from the whole result before any report is written.
 */
const redactor = createRedactor({
  secrets: [],
  headerNames: ['x-api-key', 'api-key', 'apikey', 'api_key', 'token', 'access_token', 'refresh_token', 'id_token', 'auth_token', 'password', 'passwd', 'secret', 'client_secret', 'session', 'sessionid'],
});
const CREDENTIAL_PATTERNS: readonly [RegExp, string][] = [
  [/\b(bearer|basic|token)\s+[A-Za-z0-9._~+/=-]{8,}/gi, '$1 [REDACTED]'],
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, '[REDACTED]'],
];

/** `text` with credential-looking content replaced and control characters shown as spaces, cut to `max` characters. */
export function redactExcerpt(text: string, max: number): string {
  let out = redactor.text(text);
  for (const [pattern, replacement] of CREDENTIAL_PATTERNS) out = out.replace(pattern, replacement);
  out = out.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, ' ');
  return out.length <= max ? out : `${out.slice(0, max - 1)}…`;
}

export class FailureLog {
  private readonly entriesByKey = new Map<string, MutableEntry>();
  /** Failures whose code + message was not among the first `limit` distinct ones. */
  unlisted = 0;

  constructor(readonly limit = FAILURE_LOG_LIMIT) {
    if (!(limit >= 0) || !Number.isInteger(limit)) throw new RangeError(`limit must be an integer ≥ 0, got ${limit}`);
  }

  record(sample: Sample, code: string): void {
    // Cut before keying: the key, like everything kept, is bounded in size.
    const rawMessage = sample.errorMessage ?? '';
    const message = rawMessage.length > MESSAGE_CHARS * 2 ? rawMessage.slice(0, MESSAGE_CHARS * 2) : rawMessage;
    const key = `${code}\n${message}`;
    const entry = this.entriesByKey.get(key);
    const atMs = sample.endMs;
    if (entry) {
      entry.count++;
      if (atMs < entry.firstMs) entry.firstMs = atMs;
      if (atMs > entry.lastMs) entry.lastMs = atMs;
      if (entry.excerpt === undefined && sample.bodyExcerpt) entry.excerpt = redactExcerpt(sample.bodyExcerpt, EXCERPT_CHARS);
      return;
    }
    if (this.entriesByKey.size >= this.limit) {
      this.unlisted++;
      return;
    }
    const created: MutableEntry = { kind: sample.failure ?? 'other', code, message: redactExcerpt(message, MESSAGE_CHARS), count: 1, firstMs: atMs, lastMs: atMs };
    if (sample.bodyExcerpt) created.excerpt = redactExcerpt(sample.bodyExcerpt, EXCERPT_CHARS);
    this.entriesByKey.set(key, created);
  }

  /** The entries in the order they were first seen. */
  entries(): readonly FailureLogEntry[] {
    return [...this.entriesByKey.values()].map((entry) => ({ ...entry })).sort((a, b) => a.firstMs - b.firstMs);
  }

  get size(): number {
    return this.entriesByKey.size;
  }
}
