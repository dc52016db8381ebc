/**
 * Removes secrets from a Result before any reporter sees it. Every string (and object key)
 * is scrubbed of:
 *  - each literal secret (and its URL-encoded form),
 *  - the value after a credential header name in text (`authorization: Bearer xyz`,
 *    `"Cookie": "a=b"`, YAML block scalars included),
 *  - the value of any object property named like a credential header,
 *  - the password in URL user-info (`https://user:pw@host`).
 * Over-redaction is preferred to a leak.
 */
import type { Result } from './result.ts';

export const REDACTED = '[REDACTED]';

/** Always redacted, whatever the experiment lists. */
export const ALWAYS_REDACTED_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie'] as const;

export interface RedactOptions {
  readonly secrets: readonly string[];
  readonly headerNames: readonly string[];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export interface Redactor {
  text(value: string): string;
  isSecretKey(key: string): boolean;
}

export function createRedactor(options: RedactOptions): Redactor {
  const headers = [...new Set([...ALWAYS_REDACTED_HEADERS, ...options.headerNames.map((h) => h.toLowerCase())])].filter((h) => h.length > 0);
  const literals = [...new Set(options.secrets.flatMap((s) => (s.length > 0 ? [s, encodeURIComponent(s)] : [])))].sort((a, b) => b.length - a.length);
  const literalPattern = literals.length > 0 ? new RegExp(literals.map(escapeRegExp).join('|'), 'g') : undefined;
  const names = headers.map(escapeRegExp).join('|');
  // A header name (optionally quoted) not glued to a longer name, then `:` or `=`.
  const headerPattern = new RegExp(`(?<![\\w-])(["']?)(${names})\\1([ \\t]*[:=][ \\t]*)`, 'gi');
  const headerSet = new Set(headers);

  function scrubHeaders(text: string): string {
    let out = '';
    let last = 0;
    headerPattern.lastIndex = 0;
    for (let match = headerPattern.exec(text); match; match = headerPattern.exec(text)) {
      const valueStart = match.index + match[0].length;
      const end = valueEnd(text, valueStart, match.index);
      out += text.slice(last, valueStart) + redactedValue(text, valueStart, end);
      last = end;
      headerPattern.lastIndex = Math.max(end, valueStart + 1);
    }
    return out + text.slice(last);
  }

  return {
    text(value) {
      let out = literalPattern ? value.replace(literalPattern, REDACTED) : value;
      out = scrubHeaders(out);
      out = out.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:)[^\s/@]+@/gi, `$1${REDACTED}@`);
      return out;
    },
    isSecretKey: (key) => headerSet.has(key.toLowerCase()),
  };
}

/** Keeps the value's quotes (so YAML/JSON stay readable) and replaces what is inside them. */
function redactedValue(text: string, start: number, end: number): string {
  const quote = text[start];
  if ((quote === '"' || quote === "'") && text[end - 1] === quote && end - start >= 2) return `${quote}${REDACTED}${quote}`;
  return REDACTED;
}

/** Where a header value that starts at `start` ends. */
function valueEnd(text: string, start: number, keyStart: number): number {
  const lineEnd = text.indexOf('\n', start) === -1 ? text.length : text.indexOf('\n', start);
  const first = text[start];
  if (first === '"' || first === "'") {
    for (let i = start + 1; i < text.length; i++) {
      if (text[i] === '\\' && first === '"') {
        i++;
        continue;
      }
      if (text[i] === first) {
        if (first === "'" && text[i + 1] === "'") {
          i++;
          continue;
        }
        return i + 1;
      }
    }
    return text.length;
  }
  // YAML block scalar (`authorization: >-` then indented lines): redact the indented block.
  if ((first === '|' || first === '>') && /^[|>][-+0-9]*[ \t]*$/.test(text.slice(start, lineEnd))) {
    const lineStart = text.lastIndexOf('\n', keyStart) + 1;
    const keyIndent = keyStart - lineStart;
    let end = lineEnd;
    while (end < text.length) {
      const nextEnd = text.indexOf('\n', end + 1) === -1 ? text.length : text.indexOf('\n', end + 1);
      const line = text.slice(end + 1, nextEnd);
      const indent = line.length - line.trimStart().length;
      if (line.trim() !== '' && indent <= keyIndent) break;
      end = nextEnd;
    }
    return end;
  }
  // Inside a flow mapping/sequence on this line, the value stops at `,`, `}` or `]`.
  const before = text.slice(text.lastIndexOf('\n', keyStart) + 1, keyStart);
  const inFlow = (before.match(/[{[]/g)?.length ?? 0) > (before.match(/[}\]]/g)?.length ?? 0);
  if (inFlow) {
    const stop = text.slice(start, lineEnd).search(/[,}\]]/);
    if (stop === -1) return lineEnd;
    let end = start + stop;
    while (end > start && (text[end - 1] === ' ' || text[end - 1] === '\t')) end--;
    return end;
  }
  return lineEnd;
}

function redactValue(value: unknown, redactor: Redactor): unknown {
  if (typeof value === 'string') return redactor.text(value);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, redactor));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      const safeKey = redactor.text(key);
      const safeValue = redactor.isSecretKey(key) && typeof inner === 'string' ? REDACTED : redactValue(inner, redactor);
      const existing = out[safeKey];
      // Two keys that differ only by a secret collapse into one; counts add up.
      out[safeKey] = typeof existing === 'number' && typeof safeValue === 'number' ? existing + safeValue : safeValue;
    }
    return out;
  }
  return value;
}

export function redactResult(result: Result, options: { secrets: readonly string[]; headerNames: readonly string[] }): Result {
  return redactValue(result, createRedactor(options)) as Result;
}

/** Redacts any JSON-shaped value (a live event, a note) the way redactResult redacts the result. */
export function createValueRedactor(options: RedactOptions): <T>(value: T) => T {
  const redactor = createRedactor(options);
  return <T>(value: T) => redactValue(value, redactor) as T;
}
