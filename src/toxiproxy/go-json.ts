import { badRequestBody } from './api-error.ts';

/**
 * JSON the way Toxiproxy's Go server reads and writes it, so that curl users see the same
 * bytes: HTML-safe escaping, sorted map keys, float32 formatting, case-insensitive field
 * names, null leaving a field unchanged, and Go-style decode error messages.
 */

/** json.Marshal output: Go escapes <, >, & and U+2028/U+2029 inside strings. */
export function goStringify(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A Go map marshalled: keys in sorted byte order (JS objects would put integer-like keys first). */
export function goStringifyMap(entries: ReadonlyArray<readonly [string, unknown]>): string {
  const sorted = [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${sorted.map(([k, v]) => `${goStringify(k)}:${goStringify(v)}`).join(',')}}`;
}

/** A float32 as Go prints it: the shortest decimal that round-trips through float32. */
export function float32(value: number): number {
  const f = Math.fround(value);
  if (!Number.isFinite(f) || f === 0) return f;
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(f.toPrecision(digits));
    if (Math.fround(candidate) === f) return candidate;
  }
  return f;
}

/**
 * Parses a request body as Go's json.Decoder.Decode does: empty → `EOF`, truncated →
 * `unexpected EOF`, trailing data after the first value ignored. Syntax messages follow
 * Go's wording where it can be recovered from V8's error.
 */
export function parseGoJson(text: string): unknown {
  if (text.trim() === '') throw badRequestBody('EOF');
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const trailing = /after JSON at position (\d+)/.exec(message);
    if (trailing) return JSON.parse(text.slice(0, Number(trailing[1])));
    const at = /at position (\d+)/.exec(message);
    const position = at ? Number(at[1]) : -1;
    if (/end of JSON input/.test(message) || position >= text.trimEnd().length) throw badRequestBody('unexpected EOF');
    const ch = position >= 0 ? text.charAt(position) : (/Unexpected token '?(.)/.exec(message)?.[1] ?? text.trim().charAt(0));
    throw badRequestBody(`invalid character '${ch}' ${goSyntaxContext(message)}`);
  }
}

/** Where Go's scanner says it was, from V8's description of the same failure. */
function goSyntaxContext(v8Message: string): string {
  if (/Expected property name/.test(v8Message)) return 'looking for beginning of object key string';
  if (/after property value/.test(v8Message)) return 'after object key:value pair';
  if (/after property name/.test(v8Message)) return 'after object key';
  if (/after array element/.test(v8Message)) return 'after array element';
  return 'looking for beginning of value';
}

/** The name Go's decoder gives a JSON value's kind in UnmarshalTypeError messages. */
export function goJsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  if (typeof value === 'boolean') return 'bool';
  return typeof value === 'object' ? 'object' : typeof value;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A struct field as Go's decoder finds it: keys match case-insensitively and the last
 * matching key wins; null counts as absent (Go leaves the field unchanged).
 */
export function goField(object: Record<string, unknown>, field: string): unknown {
  let found: unknown;
  const folded = field.toLowerCase();
  for (const key of Object.keys(object)) {
    if (key === field || key.toLowerCase() === folded) found = object[key];
  }
  return found === null ? undefined : found;
}

function typeError(value: unknown, where: string, goType: string): never {
  throw badRequestBody(`json: cannot unmarshal ${goJsonKind(value)} into Go struct field ${where} of type ${goType}`);
}

/** Reads an optional string field; a value of another kind is Go's 400. */
export function goString(object: Record<string, unknown>, field: string, where: string): string | undefined {
  const value = goField(object, field);
  if (value === undefined || typeof value === 'string') return value;
  return typeError(value, `${where}.${field}`, 'string');
}

export function goBool(object: Record<string, unknown>, field: string, where: string): boolean | undefined {
  const value = goField(object, field);
  if (value === undefined || typeof value === 'boolean') return value;
  return typeError(value, `${where}.${field}`, 'bool');
}

export function goFloat32(object: Record<string, unknown>, field: string, where: string): number | undefined {
  const value = goField(object, field);
  if (value === undefined) return undefined;
  if (typeof value !== 'number') return typeError(value, `${where}.${field}`, 'float32');
  if (Math.abs(value) > 3.4028234663852886e38) throw badRequestBody(`json: cannot unmarshal number ${value} into Go struct field ${where}.${field} of type float32`);
  return float32(value);
}

/**
 * Reads an optional integer field (Go int/int64). A fractional or out-of-range number is
 * Go's `cannot unmarshal number 1.5` error. (JSON.parse has already turned `100.0` into
 * 100, which Go would reject; we accept it.)
 */
export function goInt(object: Record<string, unknown>, field: string, where: string, goType: 'int' | 'int64'): number | undefined {
  const value = goField(object, field);
  if (value === undefined) return undefined;
  if (typeof value !== 'number') return typeError(value, `${where}.${field}`, goType);
  if (!Number.isInteger(value) || Math.abs(value) > 9.223372036854776e18) {
    throw badRequestBody(`json: cannot unmarshal number ${value} into Go struct field ${where}.${field} of type ${goType}`);
  }
  return value;
}

/** The error Go gives when the top-level value has the wrong kind. */
export function goValueTypeError(value: unknown, goType: string): never {
  throw badRequestBody(`json: cannot unmarshal ${goJsonKind(value)} into Go value of type ${goType}`);
}
