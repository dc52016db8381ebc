/**
 * One k6 JSON-output Point line reduced to what Rebound reads. Both decoders (the targeted
 * scanner and the JSON.parse reference) fill the same mutable record, so the hot path
 * allocates nothing per line.
 */
export const PointKind = {
  /** Not a Point, or a metric Rebound does not read. */
  Ignored: 0,
  /** http_req_duration: carries end time, duration and the request's tags. */
  Request: 1,
  /** http_req_blocked / http_req_connecting / http_req_tls_handshaking: time before the send. */
  BeforeSend: 2,
  /** http_reqs / http_req_failed: a request's trail boundary (first / last line). */
  TrailEdge: 3,
  /** dropped_iterations: the arrival-rate executor had no free VU. */
  Dropped: 4,
  /** rebound_response: the generated script's per-request header/body verdict and served-by. */
  Response: 5,
} as const;
export type PointKind = (typeof PointKind)[keyof typeof PointKind];

/** Kinds whose tags are read; the others only need time and value. */
export function hasTags(kind: PointKind): boolean {
  return kind === PointKind.Request || kind === PointKind.Response;
}

/** Custom metric the generated script emits after each response (see script.ts). */
export const RESPONSE_METRIC = 'rebound_response';
/** Tag joining a request's points to its rebound_response point: the VU id (bounded cardinality). */
export const VU_TAG = 'rebound_vu';
/** Tag on rebound_response carrying the served-by response header. */
export const SERVED_BY_TAG = 'served_by';

export interface DecodedPoint {
  kind: PointKind;
  /** The timestamp text as written (equal text = same trail). */
  time: string;
  value: number;
  /** `status` tag; 0 for transport errors; NaN when absent. */
  status: number;
  /** `error_code` tag; NaN when absent. */
  errorCode: number;
  /** `name` tag (the request's name in the mix, or k6's cleaned URL). */
  name: string | undefined;
  /** `served_by` tag (Response points). */
  servedBy: string | undefined;
  /** `rebound_vu` tag. */
  vu: string | undefined;
}

export function emptyPoint(): DecodedPoint {
  return { kind: PointKind.Ignored, time: '', value: 0, status: Number.NaN, errorCode: Number.NaN, name: undefined, servedBy: undefined, vu: undefined };
}

const KIND_BY_METRIC: ReadonlyMap<string, PointKind> = new Map<string, PointKind>([
  ['http_req_duration', PointKind.Request],
  ['http_req_blocked', PointKind.BeforeSend],
  ['http_req_connecting', PointKind.BeforeSend],
  ['http_req_tls_handshaking', PointKind.BeforeSend],
  ['http_reqs', PointKind.TrailEdge],
  ['http_req_failed', PointKind.TrailEdge],
  ['dropped_iterations', PointKind.Dropped],
  [RESPONSE_METRIC, PointKind.Response],
]);

export function pointKindOf(metric: string): PointKind {
  return KIND_BY_METRIC.get(metric) ?? PointKind.Ignored;
}

export function clearTags(out: DecodedPoint): void {
  out.status = Number.NaN;
  out.errorCode = Number.NaN;
  out.name = undefined;
  out.servedBy = undefined;
  out.vu = undefined;
}
