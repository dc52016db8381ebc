import { decodeLineJson } from './decode-json.ts';
import { clearTags, type DecodedPoint, hasTags, PointKind, pointKindOf } from './point.ts';

/**
 * Targeted scanner for k6's JSON output lines. It rejects irrelevant metrics after reading
 * only the metric name, then reads time, value and the few tags Rebound needs in one pass at
 * the positions k6 writes them (easyjson: `{"metric":…,"type":"Point","data":{"time":…,
 * "value":…,"tags":{…}}}`), without building an object per line. Whenever a line is not in
 * exactly that shape (older key order, escapes in a value, odd spacing) it falls back to the
 * JSON.parse decoder, so the result is always exact; tests check both agree on every line.
 */
const METRIC_PREFIX = '{"metric":"';
const AFTER_METRIC = '","type":"Point","data":{"time":"';
const AFTER_TIME = '","value":';
const AFTER_VALUE = ',"tags":';

export function decodeLineScan(line: string, out: DecodedPoint): boolean {
  if (!line.startsWith(METRIC_PREFIX)) return decodeLineJson(line, out);
  const metricStart = METRIC_PREFIX.length;
  const metricEnd = line.indexOf('"', metricStart);
  if (metricEnd < 0) return false;
  const kind = kindAt(line, metricStart, metricEnd);
  if (kind === PointKind.Ignored) return false;
  if (!line.startsWith(AFTER_METRIC, metricEnd)) return decodeLineJson(line, out);

  const timeStart = metricEnd + AFTER_METRIC.length;
  const timeEnd = line.indexOf('"', timeStart);
  if (timeEnd < 0 || !line.startsWith(AFTER_TIME, timeEnd)) return decodeLineJson(line, out);
  const valueStart = timeEnd + AFTER_TIME.length;
  const valueEnd = line.indexOf(',', valueStart);
  if (valueEnd < 0 || !line.startsWith(AFTER_VALUE, valueEnd)) return decodeLineJson(line, out);
  const value = Number(line.slice(valueStart, valueEnd));
  if (Number.isNaN(value)) return false;

  out.kind = kind;
  out.time = line.slice(timeStart, timeEnd);
  out.value = value;
  clearTags(out);
  if (!hasTags(kind)) return true;
  return readTags(line, valueEnd + AFTER_VALUE.length, kind, out) || decodeLineJson(line, out);
}

/**
 * One pass over a flat tags object `{"k":"v",…}` (or `null`). False = not in the simple
 * shape (an escape in a key or value): the caller falls back to JSON.parse.
 */
function readTags(line: string, start: number, kind: PointKind, out: DecodedPoint): boolean {
  if (line.charCodeAt(start) !== 123 /* { */) return line.startsWith('null', start);
  let at = start + 1;
  if (line.charCodeAt(at) === 125 /* } */) return true;
  const isRequest = kind === PointKind.Request;
  for (;;) {
    if (line.charCodeAt(at) !== 34 /* " */) return false;
    const keyStart = at + 1;
    const keyEnd = line.indexOf('"', keyStart);
    if (keyEnd < 0 || line.charCodeAt(keyEnd - 1) === 92 /* \ */) return false;
    if (line.charCodeAt(keyEnd + 1) !== 58 /* : */ || line.charCodeAt(keyEnd + 2) !== 34) return false;
    const valueStart = keyEnd + 3;
    const valueEnd = line.indexOf('"', valueStart);
    if (valueEnd < 0 || line.charCodeAt(valueEnd - 1) === 92) return false;
    switch (keyEnd - keyStart) {
      case 4: // name
        if (line.startsWith('name', keyStart)) {
          const name = line.slice(valueStart, valueEnd);
          if (name.includes('\\')) return false;
          out.name = name;
        }
        break;
      case 6: // status
        if (isRequest && line.startsWith('status', keyStart)) out.status = digits(line, valueStart, valueEnd);
        break;
      case 9: // served_by
        if (line.startsWith('served_by', keyStart)) {
          const servedBy = line.slice(valueStart, valueEnd);
          if (servedBy.includes('\\')) return false;
          out.servedBy = servedBy;
        }
        break;
      case 10: // error_code | rebound_vu
        if (isRequest && line.startsWith('error_code', keyStart)) out.errorCode = digits(line, valueStart, valueEnd);
        else if (line.startsWith('rebound_vu', keyStart)) out.vu = line.slice(valueStart, valueEnd);
        break;
      default:
        break;
    }
    const next = line.charCodeAt(valueEnd + 1);
    if (next === 125 /* } */) return true;
    if (next !== 44 /* , */) return false;
    at = valueEnd + 2;
  }
}

/** Metric name → kind without allocating the name for the frequent irrelevant ones. */
function kindAt(line: string, start: number, end: number): PointKind {
  const length = end - start;
  // Every metric Rebound reads starts with h (http_req*), d (dropped_iterations) or r (rebound_response).
  const first = line.charCodeAt(start);
  if (first !== 104 /* h */ && first !== 100 /* d */ && first !== 114 /* r */) return PointKind.Ignored;
  if (length === 17 && line.startsWith('http_req_duration', start)) return PointKind.Request;
  if (length === 15 && line.startsWith('http_req_failed', start)) return PointKind.TrailEdge;
  if (length === 9 && line.startsWith('http_reqs', start)) return PointKind.TrailEdge;
  if (length === 16 && (line.startsWith('http_req_sending', start) || line.startsWith('http_req_waiting', start))) return PointKind.Ignored;
  if (length === 18 && line.startsWith('http_req_receiving', start)) return PointKind.Ignored;
  if (length === 16 && line.startsWith('http_req_blocked', start)) return PointKind.BeforeSend;
  if (length === 19 && line.startsWith('http_req_connecting', start)) return PointKind.BeforeSend;
  if (length === 24 && line.startsWith('http_req_tls_handshaking', start)) return PointKind.BeforeSend;
  return pointKindOf(line.slice(start, end));
}

/** A tag value of decimal digits, NaN otherwise (as the JSON decoder). */
function digits(line: string, start: number, end: number): number {
  if (end === start) return Number.NaN;
  let value = 0;
  for (let index = start; index < end; index++) {
    const digit = line.charCodeAt(index) - 48;
    if (digit < 0 || digit > 9) return Number.NaN;
    value = value * 10 + digit;
  }
  return value;
}
