/**
 * VirtualService `http[].match`: blocks are OR'ed, fields in a block AND'ed; no block (or an
 * empty one) matches everything. Regexes are RE2 and must match the whole value (Envoy's
 * safe_regex), so they are anchored here; the path is compared without its query string.
 */
export interface StringMatch {
  readonly exact?: string;
  readonly prefix?: string;
  readonly regex?: RegExp;
  /** `{}` or `regex: "*"` on a header: the header must be present. */
  readonly present?: true;
}

export interface MatchBlock {
  readonly uri?: StringMatch;
  readonly ignoreUriCase: boolean;
  readonly method?: StringMatch;
  readonly headers: ReadonlyArray<readonly [name: string, match: StringMatch]>;
}

export interface MatchableRequest {
  readonly path: string;
  readonly method: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/** Header keys Istio skips inside `headers` (they are pseudo-headers it handles elsewhere). */
const IGNORED_HEADER_KEYS = new Set(['uri', 'scheme', 'method', 'authority']);

/** Anchors an RE2 pattern for a full match; undefined when JavaScript cannot compile it. */
export function fullMatchRegex(pattern: string): RegExp | undefined {
  try {
    return new RegExp(`^(?:${pattern})$`, 'su');
  } catch {
    return undefined;
  }
}

export function compileStringMatch(spec: any, header = false): StringMatch | undefined {
  if (!spec || typeof spec !== 'object') return undefined;
  if (typeof spec.exact === 'string') return { exact: spec.exact };
  if (typeof spec.prefix === 'string') return { prefix: spec.prefix };
  if (typeof spec.regex === 'string') {
    if (header && spec.regex === '*') return { present: true };
    const regex = fullMatchRegex(spec.regex);
    return regex ? { regex } : undefined;
  }
  return header ? { present: true } : undefined;
}

export function compileMatchBlock(spec: any): MatchBlock {
  const headers: Array<readonly [string, StringMatch]> = [];
  for (const [name, value] of Object.entries<any>(spec?.headers ?? {})) {
    const key = name.toLowerCase();
    if (IGNORED_HEADER_KEYS.has(key)) continue;
    headers.push([key, compileStringMatch(value, true) ?? { present: true }]);
  }
  const uri = compileStringMatch(spec?.uri);
  const method = compileStringMatch(spec?.method);
  return { ...(uri ? { uri } : {}), ...(method ? { method } : {}), ignoreUriCase: spec?.ignoreUriCase === true, headers };
}

function matchesString(match: StringMatch, value: string | undefined, ignoreCase = false): boolean {
  if (value === undefined) return false;
  if (match.present) return true;
  if (match.exact !== undefined) return ignoreCase ? value.toLowerCase() === match.exact.toLowerCase() : value === match.exact;
  if (match.prefix !== undefined) return ignoreCase ? value.toLowerCase().startsWith(match.prefix.toLowerCase()) : value.startsWith(match.prefix);
  if (match.regex) return match.regex.test(value);
  return true;
}

function headerValue(headers: MatchableRequest['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

export function matchesBlock(block: MatchBlock, request: MatchableRequest): boolean {
  if (block.uri) {
    const query = request.path.indexOf('?');
    const path = query < 0 ? request.path : request.path.slice(0, query);
    // ignoreUriCase applies to exact and prefix only
    if (!matchesString(block.uri, path, block.ignoreUriCase && !block.uri.regex)) return false;
  }
  if (block.method && !matchesString(block.method, request.method)) return false;
  for (const [name, match] of block.headers) if (!matchesString(match, headerValue(request.headers, name))) return false;
  return true;
}

/** True when any block matches; an empty list is a catch-all. */
export function matchesAny(blocks: readonly MatchBlock[], request: MatchableRequest): boolean {
  return blocks.length === 0 || blocks.some((block) => matchesBlock(block, request));
}
