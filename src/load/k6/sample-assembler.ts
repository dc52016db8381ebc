import type { FailureKind, Sample } from '../sample.ts';
import { describeErrorCode, failureKindForErrorCode } from './error-codes.ts';
import { type DecodedPoint, PointKind } from './point.ts';
import { K6TimeParser } from './time.ts';

export interface AssemblerOptions {
  /** Rebound's success rule on the status (load.success.statuses). */
  readonly statusOk: (status: number) => boolean;
  /** Epoch ms (k6's wall clock) → run clock ms. */
  readonly toRunMs: (epochMs: number) => number;
  readonly onSample: (sample: Sample) => void;
  /**
   * The generated script emits a rebound_response point after every request (served-by,
   * header/body verdict); hold each request until it arrives.
   */
  readonly awaitResponse: boolean;
}

/**
 * Turns decoded k6 points into Samples.
 *
 * Times. A point's time is the request's END (k6 stamps every point of a request's trail
 * with the trail's end time). So: endMs = time; sentMs = end − http_req_duration (duration
 * covers sending + waiting + receiving); scheduledMs = sentMs − (blocked + connecting +
 * tls_handshaking), i.e. the instant k6 started the request. k6's arrival-rate executor
 * does not expose the instant it scheduled an iteration, but each iteration of the
 * generated script starts with its single request, so the request start is the scheduled
 * instant up to k6's own dispatch delay. Phases attribute by scheduledMs, as with the
 * built-in driver: a request that waited 2 s for a connect timeout belongs to the phase in
 * which it was started, not the one in which it failed.
 *
 * Joining. A request's points are written contiguously (http_reqs, http_req_duration, the
 * timing sub-metrics, http_req_failed), so the trail in progress is completed by the lines
 * that follow it with the same time. The rebound_response point comes later, interleaved
 * with other VUs' points; it is joined by the `rebound_vu` tag (a VU runs one iteration at a
 * time).
 *
 * Outcome. Rebound's success rule decides (not k6's expected_response tag), so that a user's
 * script is judged exactly as the built-in driver would judge it: status 0 = transport error
 * classified by error_code; a status outside the rule = http_status; a failed header/body
 * verdict = other (as the built-in driver).
 */
export class K6SampleAssembler {
  private readonly clock = new K6TimeParser();
  private readonly waiting = new Map<string, MutableSample>();
  /** Requests turned into samples. */
  requests = 0;
  /** dropped_iterations total. */
  dropped = 0;
  /** Points whose time could not be read. */
  unreadable = 0;

  private trailOpen = false;
  private trailTime = '';
  private trailEndMs = 0;
  private trailDurationMs = 0;
  private trailBeforeSendMs = 0;
  private trailStatus = 0;
  private trailErrorCode = 0;
  private trailName: string | undefined;
  private trailServedBy: string | undefined;
  private trailVu: string | undefined;

  constructor(private readonly options: AssemblerOptions) {}

  accept(point: DecodedPoint): void {
    switch (point.kind) {
      case PointKind.Request:
        this.closeTrail();
        this.openTrail(point);
        return;
      case PointKind.BeforeSend:
        if (this.trailOpen && point.time === this.trailTime) this.trailBeforeSendMs += point.value;
        return;
      case PointKind.TrailEdge:
        this.closeTrail();
        return;
      case PointKind.Response:
        this.closeTrail();
        this.completeResponse(point);
        return;
      case PointKind.Dropped:
        this.closeTrail();
        this.recordDropped(point);
        return;
      default:
        return;
    }
  }

  /** End of output: everything still held becomes a sample. */
  finish(): void {
    this.closeTrail();
    for (const sample of this.waiting.values()) this.emit(sample);
    this.waiting.clear();
  }

  private openTrail(point: DecodedPoint): void {
    const epochMs = this.clock.parse(point.time);
    if (Number.isNaN(epochMs)) {
      this.unreadable++;
      return;
    }
    this.trailOpen = true;
    this.trailTime = point.time;
    this.trailEndMs = this.options.toRunMs(epochMs);
    this.trailDurationMs = point.value;
    this.trailBeforeSendMs = 0;
    this.trailStatus = Number.isNaN(point.status) ? 0 : point.status;
    this.trailErrorCode = point.errorCode;
    this.trailName = point.name;
    this.trailServedBy = point.servedBy;
    this.trailVu = point.vu;
  }

  private closeTrail(): void {
    if (!this.trailOpen) return;
    this.trailOpen = false;
    const endMs = this.trailEndMs;
    const sentMs = endMs - this.trailDurationMs;
    const status = this.trailStatus;
    let failure: FailureKind | undefined;
    if (status === 0) failure = failureKindForErrorCode(this.trailErrorCode);
    else if (!this.options.statusOk(status)) failure = 'http_status';
    const sample: MutableSample = {
      scheduledMs: sentMs - this.trailBeforeSendMs,
      sentMs,
      endMs,
      ok: failure === undefined,
    };
    if (status !== 0) sample.status = status;
    if (failure !== undefined) sample.failure = failure;
    if (status === 0) {
      // The `timeout` code stands on its own (as with the built-in driver); other codes keep k6's description.
      const described = describeErrorCode(this.trailErrorCode);
      if (described.code !== 'timeout') sample.errorCode = described.code;
      sample.errorMessage = described.message;
    }
    if (this.trailServedBy !== undefined) sample.servedBy = this.trailServedBy;
    if (this.trailName !== undefined) sample.request = this.trailName;
    const vu = this.trailVu;
    if (this.options.awaitResponse && vu !== undefined) {
      const earlier = this.waiting.get(vu);
      if (earlier) this.emit(earlier); // its rebound_response never came (e.g. interrupted)
      this.waiting.set(vu, sample);
      return;
    }
    this.emit(sample);
  }

  private completeResponse(point: DecodedPoint): void {
    if (point.vu === undefined) return;
    const sample = this.waiting.get(point.vu);
    if (!sample) return;
    this.waiting.delete(point.vu);
    if (point.servedBy !== undefined && point.servedBy !== '') sample.servedBy = point.servedBy;
    if (sample.ok && point.value === 0) {
      sample.ok = false;
      sample.failure = 'other';
      sample.errorMessage = 'header or body failed the success rule';
    }
    this.emit(sample);
  }

  private recordDropped(point: DecodedPoint): void {
    const epochMs = this.clock.parse(point.time);
    if (Number.isNaN(epochMs)) {
      this.unreadable++;
      return;
    }
    const atMs = this.options.toRunMs(epochMs);
    // A dropped_iterations point counts the iterations it stands for (k6 writes 1 each).
    const count = Math.max(1, Math.round(point.value));
    for (let i = 0; i < count; i++) {
      this.dropped++;
      this.options.onSample({ scheduledMs: atMs, sentMs: atMs, endMs: atMs, ok: false, failure: 'dropped' });
    }
  }

  private emit(sample: MutableSample): void {
    this.requests++;
    this.options.onSample(sample);
  }
}

type MutableSample = { -readonly [K in keyof Sample]: Sample[K] };
