import { clearTags, type DecodedPoint, hasTags, PointKind, pointKindOf, SERVED_BY_TAG, VU_TAG } from './point.ts';

/**
 * Reference decoder: JSON.parse of the whole line. Exact by construction; the scanner
 * (decode-scan.ts) must agree with it on every line (tested), and the benchmark compares both.
 */
export function decodeLineJson(line: string, out: DecodedPoint): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return false;
  }
  if (!parsed || typeof parsed !== 'object') return false;
  const envelope = parsed as { type?: unknown; metric?: unknown; data?: { time?: unknown; value?: unknown; tags?: Record<string, unknown> | null } };
  if (envelope.type !== 'Point' || typeof envelope.metric !== 'string' || !envelope.data) return false;
  const kind = pointKindOf(envelope.metric);
  if (kind === PointKind.Ignored) return false;
  const { time, value, tags } = envelope.data;
  if (typeof time !== 'string' || typeof value !== 'number') return false;
  out.kind = kind;
  out.time = time;
  out.value = value;
  if (!hasTags(kind)) {
    clearTags(out);
    return true;
  }
  const isRequest = kind === PointKind.Request;
  out.status = isRequest ? tagNumber(tags, 'status') : Number.NaN;
  out.errorCode = isRequest ? tagNumber(tags, 'error_code') : Number.NaN;
  out.name = tagString(tags, 'name');
  out.servedBy = tagString(tags, SERVED_BY_TAG);
  out.vu = tagString(tags, VU_TAG);
  return true;
}

function tagString(tags: Record<string, unknown> | null | undefined, key: string): string | undefined {
  const value = tags?.[key];
  return typeof value === 'string' ? value : undefined;
}

function tagNumber(tags: Record<string, unknown> | null | undefined, key: string): number {
  const value = tagString(tags, key);
  return value === undefined || !/^\d+$/.test(value) ? Number.NaN : Number(value);
}

