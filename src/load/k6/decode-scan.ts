import { clearTags, type DecodedPoint, hasTags, PointKind, pointKindOf, SERVED_BY_TAG, VU_TAG } from './point.ts';

/**
 * Targeted scanner for k6's JSON output lines: finds the few keys Rebound reads with indexOf
 * instead of building an object per line, and rejects irrelevant metrics after reading only
 * the metric name. Exact for what k6 writes (easyjson, one object per line): inside a JSON
 * string every `"` is escaped, so an unescaped `,"key":"` or `{"key":"` can only be a key.
 * Key order is not assumed (k6 changed the envelope order between versions). Tag values
 * that contain escapes are decoded with JSON.parse.
 */
const METRIC_KEY = '"metric":"';
const TYPE_POINT = '"type":"Point"';
const TIME_KEY = '"time":"';
const VALUE_KEY = '"value":';
const TAGS_KEY = '"tags":';
const METADATA_KEY = '"metadata":';
const STATUS_KEY = '"status":"';
const ERROR_CODE_KEY = '"error_code":"';
const NAME_KEY = '"name":"';
const SERVED_BY_KEY = `"${SERVED_BY_TAG}":"`;
const VU_KEY = `"${VU_TAG}":"`;

export function decodeLineScan(line: string, out: DecodedPoint): boolean {
  const metricAt = line.indexOf(METRIC_KEY);
  if (metricAt < 0) return false;
  const metricStart = metricAt + METRIC_KEY.length;
  const metricEnd = line.indexOf('"', metricStart);
  if (metricEnd < 0) return false;
  const kind = kindAt(line, metricStart, metricEnd);
  if (kind === PointKind.Ignored) return false;
  if (line.indexOf(TYPE_POINT) < 0) return false;

  const timeAt = line.indexOf(TIME_KEY);
  if (timeAt < 0) return false;
  const timeStart = timeAt + TIME_KEY.length;
  const timeEnd = line.indexOf('"', timeStart);
  const valueAt = line.indexOf(VALUE_KEY);
  if (timeEnd < 0 || valueAt < 0) return false;
  const valueStart = valueAt + VALUE_KEY.length;
  let valueEnd = valueStart;
  while (valueEnd < line.length) {
    const c = line.charCodeAt(valueEnd);
    if (c === 44 /* , */ || c === 125 /* } */) break;
    valueEnd++;
  }
  const value = Number(line.slice(valueStart, valueEnd));
  if (Number.isNaN(value)) return false;
  out.kind = kind;
  out.time = line.slice(timeStart, timeEnd);
  out.value = value;
  if (!hasTags(kind)) {
    clearTags(out);
    return true;
  }

  const tagsAt = line.indexOf(TAGS_KEY);
  const tagsStart = tagsAt < 0 ? line.length : tagsAt + TAGS_KEY.length;
  const metadataAt = line.indexOf(METADATA_KEY, tagsStart);
  const tagsEnd = metadataAt < 0 ? line.length : metadataAt;
  if (kind === PointKind.Request) {
    out.status = tagInt(line, STATUS_KEY, tagsStart, tagsEnd);
    out.errorCode = tagInt(line, ERROR_CODE_KEY, tagsStart, tagsEnd);
    out.name = tagString(line, NAME_KEY, tagsStart, tagsEnd);
    out.servedBy = tagString(line, SERVED_BY_KEY, tagsStart, tagsEnd);
  } else {
    out.status = Number.NaN;
    out.errorCode = Number.NaN;
    out.name = tagString(line, NAME_KEY, tagsStart, tagsEnd);
    out.servedBy = tagString(line, SERVED_BY_KEY, tagsStart, tagsEnd);
  }
  out.vu = tagString(line, VU_KEY, tagsStart, tagsEnd);
  return true;
}

/** Metric name → kind without allocating the name for the frequent irrelevant ones. */
function kindAt(line: string, start: number, end: number): PointKind {
  const length = end - start;
  // Every metric Rebound reads is an http_req* one, dropped_iterations or rebound_response.
  const first = line.charCodeAt(start);
  if (first !== 104 /* h */ && first !== 100 /* d */ && first !== 114 /* r */) return PointKind.Ignored;
  if (length === 17 && line.startsWith('http_req_duration', start)) return PointKind.Request;
  if (length === 15 && line.startsWith('http_req_failed', start)) return PointKind.TrailEdge;
  if (length === 9 && line.startsWith('http_reqs', start)) return PointKind.TrailEdge;
  if (length === 16 && line.startsWith('http_req_sending', start)) return PointKind.Ignored;
  if (length === 16 && line.startsWith('http_req_waiting', start)) return PointKind.Ignored;
  if (length === 18 && line.startsWith('http_req_receiving', start)) return PointKind.Ignored;
  return pointKindOf(line.slice(start, end));
}

/** Start of the value of `key` inside the tags object, or -1. */
function tagValueStart(line: string, key: string, from: number, to: number): number {
  let at = line.indexOf(key, from);
  while (at >= 0 && at < to) {
    const before = line.charCodeAt(at - 1);
    if (before === 123 /* { */ || before === 44 /* , */) return at + key.length;
    at = line.indexOf(key, at + 1);
  }
  return -1;
}

/** End quote of a JSON string starting at `start`, honouring escapes; `hasEscape` via sign. */
function stringEnd(line: string, start: number): number {
  const quote = line.indexOf('"', start);
  const backslash = line.indexOf('\\', start);
  if (backslash < 0 || backslash > quote) return quote;
  let index = start;
  while (index < line.length) {
    const c = line.charCodeAt(index);
    if (c === 92 /* \ */) index += 2;
    else if (c === 34 /* " */) return -index - 1;
    else index++;
  }
  return -1;
}

function tagString(line: string, key: string, from: number, to: number): string | undefined {
  const start = tagValueStart(line, key, from, to);
  if (start < 0) return undefined;
  const end = stringEnd(line, start);
  if (end >= 0) return line.slice(start, end);
  if (end === -1) return undefined;
  const escapedEnd = -end - 1;
  return JSON.parse(line.slice(start - 1, escapedEnd + 1)) as string;
}

function tagInt(line: string, key: string, from: number, to: number): number {
  const start = tagValueStart(line, key, from, to);
  if (start < 0) return Number.NaN;
  let value = 0;
  let index = start;
  for (; index < line.length; index++) {
    const digit = line.charCodeAt(index) - 48;
    if (digit < 0 || digit > 9) break;
    value = value * 10 + digit;
  }
  return index > start && line.charCodeAt(index) === 34 ? value : Number.NaN;
}
