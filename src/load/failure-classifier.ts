import type { FailureKind } from './sample.ts';

/**
 * Transport errors → failure kinds. Timeouts: undici's own (headers/body/connect) and the
 * driver's deadline abort. Refused: nothing listens. Reset: the peer closed or reset an
 * established connection (ECONNRESET, EPIPE, undici's "other side closed" UND_ERR_SOCKET).
 */
const KIND_BY_CODE: Readonly<Record<string, FailureKind>> = {
  ECONNREFUSED: 'connection_refused',
  ECONNRESET: 'connection_reset',
  EPIPE: 'connection_reset',
  UND_ERR_SOCKET: 'connection_reset',
  ECONNABORTED: 'connection_reset',
  ETIMEDOUT: 'timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
};

export function classifyError(error: unknown): FailureKind {
  let current: unknown = error;
  // Look through wrappers (AggregateError for multi-address connects, `cause` chains).
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') {
      const kind = KIND_BY_CODE[code];
      if (kind) return kind;
    }
    const inner = current as { errors?: unknown[]; cause?: unknown };
    current = Array.isArray(inner.errors) && inner.errors.length > 0 ? inner.errors[0] : inner.cause;
  }
  return 'other';
}

/** The first string `code` in the error's wrapper chain (`ECONNREFUSED`, `UND_ERR_SOCKET`), if any. */
export function errorCodeOf(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code.length > 0) return code;
    const inner = current as { errors?: unknown[]; cause?: unknown };
    current = Array.isArray(inner.errors) && inner.errors.length > 0 ? inner.errors[0] : inner.cause;
  }
  return undefined;
}
