import { Client, Pool } from 'undici';
import type { Dispatcher } from 'undici';
import type { ResolvedLoad } from '../experiment/resolved.ts';
import { UsageError } from '../errors.ts';
import { classifyError, errorCodeOf } from './failure-classifier.ts';
import { LoadSample } from './load-sample.ts';
import type { FailureKind } from './sample.ts';
import { CompiledSuccessRule } from './success-rule.ts';

/** Called once per request, when it finished (response, error, deadline or drain cut-off). */
export type SampleSink = (sample: LoadSample) => void;

export interface HttpRequesterOptions {
  /**
   * Closed model: instead of one Pool per origin, `connections` undici Clients per origin (one
   * per "lane"), and the caller picks the lane of each request (sendOnLane). Called after the
   * sample of a lane's request was emitted, so that the caller can send the lane's next request.
   * A Client queues what it cannot send yet, like a Pool does (pipelining stays 1).
   *
   * After a complete response it is called at once, inside undici's completion callback: the next
   * request is queued on the connection before undici releases it, and written after undici's
   * usual one-check-phase wait. After an error, a timeout or a cut-off it is called from a
   * microtask, once undici has finished failing (and possibly destroying) the connection: undici
   * asserts that nothing is queued on a Client while it fails a connection attempt.
   */
  readonly onLaneFree?: (lane: number) => void;
}

interface PreparedRequest {
  readonly name: string;
  /** Shared mode (open model): undici spreads requests over the origin's connections. */
  readonly pool: Pool | undefined;
  /** Lane mode (closed model): one Client per connection of the origin. */
  readonly lanes: readonly Client[] | undefined;
  /** Shared, never mutated: undici copies what it needs into its own Request. */
  readonly options: Dispatcher.DispatchOptions;
}

/**
 * Sends HTTP requests over undici keep-alive connections and turns each into one LoadSample.
 * Shared by the open-model driver (one Pool per origin, `connections` sockets each, undici picks
 * the socket and queues the rest) and the closed-model driver (lane mode: one Client per socket,
 * the caller picks it; no Pool queue and no 'drain' event between a response and the next request).
 *
 * Hot path: one pooled handler object per request (reused), no per-request closures or timers.
 * Deadlines are enforced by one sweep timer over a FIFO of in-flight requests: the timeout is the
 * same for all and requests enter in send order, so the FIFO is ordered by deadline.
 * A request that is still queued inside undici at its deadline is reported as a timeout at once
 * and aborted when undici hands it a socket.
 */
export class HttpRequester {
  readonly timeoutMs: number;
  /** Requests handed to undici and not finished yet. */
  inFlight = 0;
  /** Requests handed to undici. */
  sent = 0;
  /** Requests still in flight when the drain expired (reported as timeouts). */
  cutOff = 0;
  /** Message of the first transport error, for a human diagnosis ("nothing listens at …"). */
  firstError: string | undefined;

  readonly now: () => number;
  readonly sink: SampleSink;
  readonly rule: CompiledSuccessRule;
  /** Lower-case bytes of the served-by header name, when configured. */
  readonly servedByName: Buffer | undefined;
  readonly ruleHeaderName: Buffer | undefined;
  readonly requests: readonly PreparedRequest[];

  readonly onLaneFree: ((lane: number) => void) | undefined;
  private readonly dispatchers: Dispatcher[];
  private readonly free: ExchangeHandler[] = [];
  private fifo: (ExchangeHandler | undefined)[] = [];
  private fifoSeq: number[] = [];
  private fifoHead = 0;
  private nextSeq = 1;
  private sweepTimer: NodeJS.Timeout | undefined;
  private drainWaiter: (() => void) | undefined;
  /** Lanes freed by an error/timeout, announced from a microtask. */
  private deferredLanes: number[] = [];
  private readonly announceDeferredLanes = () => {
    const lanes = this.deferredLanes;
    this.deferredLanes = [];
    for (const lane of lanes) this.onLaneFree!(lane);
  };

  constructor(
    load: Pick<ResolvedLoad, 'requests' | 'timeoutMs' | 'connections' | 'success' | 'servedByHeader'>,
    now: () => number,
    sink: SampleSink,
    options: HttpRequesterOptions = {},
  ) {
    if (load.requests.length === 0) throw new UsageError('load: at least one request is needed');
    if (!(load.timeoutMs > 0)) throw new UsageError(`load: timeout must be > 0 ms, got ${load.timeoutMs}`);
    if (!(load.connections >= 1)) throw new UsageError(`load: connections must be ≥ 1, got ${load.connections}`);
    this.timeoutMs = load.timeoutMs;
    this.now = now;
    this.sink = sink;
    this.rule = new CompiledSuccessRule(load.success);
    this.servedByName = load.servedByHeader ? Buffer.from(load.servedByHeader.toLowerCase(), 'latin1') : undefined;
    this.ruleHeaderName = this.rule.headerName ? Buffer.from(this.rule.headerName, 'latin1') : undefined;
    this.onLaneFree = options.onLaneFree;
    const laneMode = options.onLaneFree !== undefined;
    const connectionOptions = {
      pipelining: 1,
      // Backstops only: the sweep enforces timeoutMs from send time, queueing included.
      headersTimeout: load.timeoutMs + 1_000,
      bodyTimeout: load.timeoutMs + 1_000,
      connect: { timeout: load.timeoutMs },
      keepAliveTimeout: 30_000,
    };

    const dispatchersByOrigin = new Map<string, Pool | Client[]>();
    this.requests = load.requests.map((template) => {
      let url: URL;
      try {
        url = new URL(template.url);
      } catch {
        throw new UsageError(`load: request '${template.name}': not a valid URL: ${template.url}`);
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw new UsageError(`load: request '${template.name}': only http and https URLs are supported, got ${url.protocol}`);
      }
      let dispatcher = dispatchersByOrigin.get(url.origin);
      if (!dispatcher) {
        if (laneMode) {
          dispatcher = Array.from({ length: load.connections }, () => new Client(url.origin, connectionOptions));
        } else {
          dispatcher = new Pool(url.origin, { ...connectionOptions, connections: load.connections });
          // A pool-level error must not crash the process; each request reports its own failure.
          dispatcher.on('connectionError', () => {});
        }
        dispatchersByOrigin.set(url.origin, dispatcher);
      }
      const headers: string[] = [];
      for (const [name, value] of Object.entries(template.headers)) headers.push(name, value);
      const options: Dispatcher.DispatchOptions = {
        path: `${url.pathname}${url.search}`,
        method: template.method.toUpperCase() as Dispatcher.HttpMethod,
        headers,
        ...(template.body !== undefined ? { body: Buffer.from(template.body) } : {}),
        // Not "blocking": with pipelining 1 nothing can be written behind a request before its
        // response ends anyway, and undici then skips a resume pass when the headers arrive.
        blocking: false,
      };
      return Array.isArray(dispatcher)
        ? { name: template.name, pool: undefined, lanes: dispatcher, options }
        : { name: template.name, pool: dispatcher, lanes: undefined, options };
    });
    this.dispatchers = [...dispatchersByOrigin.values()].flat();
    const sweepMs = Math.min(50, Math.max(5, Math.floor(this.timeoutMs / 20)));
    this.sweepTimer = setInterval(() => this.sweep(), sweepMs);
  }

  /** Sends request template `requestIndex`, planned for `scheduledMs` (shared mode). */
  send(requestIndex: number, scheduledMs: number): void {
    const request = this.requests[requestIndex]!;
    this.dispatch(request.pool!, requestIndex, scheduledMs, this.now(), -1);
  }

  /** Sends request template `requestIndex` now, on connection `lane` of its origin (lane mode). */
  sendOnLane(lane: number, requestIndex: number): void {
    const request = this.requests[requestIndex]!;
    const now = this.now();
    this.dispatch(request.lanes![lane]!, requestIndex, now, now, lane);
  }

  private dispatch(dispatcher: Dispatcher, requestIndex: number, scheduledMs: number, now: number, lane: number): void {
    const handler = this.free.pop() ?? new ExchangeHandler(this);
    const seq = this.nextSeq++;
    handler.begin(seq, requestIndex, scheduledMs, now, lane);
    this.inFlight++;
    this.sent++;
    this.fifo.push(handler);
    this.fifoSeq.push(seq);
    dispatcher.dispatch(this.requests[requestIndex]!.options, handler);
  }

  /** Emits a sample for a request that was never sent (in-flight cap reached). */
  drop(requestIndex: number, scheduledMs: number): void {
    const now = this.now();
    this.sink(new LoadSample(scheduledMs, now, now, false, undefined, 'dropped', undefined, this.requests[requestIndex]!.name, undefined, DROPPED_MESSAGE));
  }

  /** Resolves when nothing is in flight, or after `ms`, whichever comes first. */
  waitForIdle(ms: number): Promise<void> {
    if (this.inFlight === 0 || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.drainWaiter = undefined;
        resolve();
      }, ms);
      this.drainWaiter = () => {
        clearTimeout(timer);
        this.drainWaiter = undefined;
        resolve();
      };
    });
  }

  /** Reports every request still in flight as a timeout (drain expired) and aborts it. */
  cutOffInFlight(): void {
    for (let i = this.fifoHead; i < this.fifo.length; i++) {
      const handler = this.fifo[i];
      if (handler && handler.seq === this.fifoSeq[i] && !handler.finished) {
        this.cutOff++;
        handler.expire();
      }
    }
  }

  /** Stops the sweep and closes every pool or client (destroying sockets still open). */
  async close(): Promise<void> {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
    this.cutOffInFlight();
    await Promise.all(this.dispatchers.map((dispatcher) => dispatcher.destroy().catch(() => undefined)));
  }

  /** Called by a handler when its request finished (sample emitted). */
  finished(): void {
    this.inFlight--;
    if (this.inFlight === 0 && this.drainWaiter) this.drainWaiter();
  }

  release(handler: ExchangeHandler): void {
    this.free.push(handler);
  }

  /** Lane mode: announces a free lane now (after a complete response) or from a microtask. */
  laneFree(lane: number, now: boolean): void {
    if (now) {
      this.onLaneFree!(lane);
      return;
    }
    if (this.deferredLanes.length === 0) queueMicrotask(this.announceDeferredLanes);
    this.deferredLanes.push(lane);
  }

  /** Expires requests past their deadline; the FIFO is in deadline order. */
  private sweep(): void {
    const deadline = this.now() - this.timeoutMs;
    const fifo = this.fifo;
    let head = this.fifoHead;
    while (head < fifo.length) {
      const handler = fifo[head]!;
      if (handler.seq !== this.fifoSeq[head] || handler.finished) {
        fifo[head] = undefined;
        head++;
        continue;
      }
      if (handler.dispatchedMs > deadline) break;
      handler.expire();
      fifo[head] = undefined;
      head++;
    }
    this.fifoHead = head;
    if (head > 1024 && head * 2 > fifo.length) {
      this.fifo = fifo.slice(head);
      this.fifoSeq = this.fifoSeq.slice(head);
      this.fifoHead = 0;
    }
  }
}

/**
 * One request's state, as an undici dispatch handler (the legacy callback interface, which
 * undici's HTTP/1 client calls directly: raw header buffers, no parsing we do not need).
 * Pooled: reused once both the sample was emitted and undici is done with it.
 */
class ExchangeHandler implements Dispatcher.DispatchHandler {
  seq = 0;
  requestIndex = 0;
  /** Connection of the request in lane mode, else -1. */
  lane = -1;
  scheduledMs = 0;
  dispatchedMs = 0;
  sentMs = 0;
  status = 0;
  servedBy: string | undefined = undefined;
  ruleHeader: string | undefined = undefined;
  body: Buffer[] | undefined = undefined;
  statusText = '';
  /** The first bytes of a response whose status failed the rule (for the report's excerpt). */
  failedBody: Buffer[] | undefined = undefined;
  failedBodyBytes = 0;
  /** Sample emitted. */
  finished = false;
  /** Undici called onComplete/onError. */
  settled = false;
  abortRequest: ((error?: Error) => void) | undefined = undefined;

  constructor(private readonly requester: HttpRequester) {}

  begin(seq: number, requestIndex: number, scheduledMs: number, now: number, lane: number): void {
    this.seq = seq;
    this.requestIndex = requestIndex;
    this.lane = lane;
    this.scheduledMs = scheduledMs;
    this.dispatchedMs = now;
    this.sentMs = now;
    this.status = 0;
    this.servedBy = undefined;
    this.ruleHeader = undefined;
    this.body = this.requester.rule.bodyPattern ? [] : undefined;
    this.statusText = '';
    this.failedBody = undefined;
    this.failedBodyBytes = 0;
    this.finished = false;
    this.settled = false;
    this.abortRequest = undefined;
  }

  onConnect(abort: (error?: Error) => void): void {
    if (this.finished) {
      // Already reported (deadline passed while queued): do not send it at all.
      abort(new DeadlineError());
      return;
    }
    this.abortRequest = abort;
    this.sentMs = this.requester.now();
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], _resume: () => void, statusText: string): boolean {
    this.status = statusCode;
    this.statusText = statusText;
    if (!this.requester.rule.statusOk(statusCode)) this.failedBody = [];
    const servedByName = this.requester.servedByName;
    const ruleHeaderName = this.requester.ruleHeaderName;
    if (servedByName !== undefined || ruleHeaderName !== undefined) {
      for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
        const name = rawHeaders[i]!;
        if (servedByName !== undefined && equalsLowerCase(name, servedByName)) this.servedBy = rawHeaders[i + 1]!.toString();
        if (ruleHeaderName !== undefined && equalsLowerCase(name, ruleHeaderName)) this.ruleHeader = rawHeaders[i + 1]!.toString();
      }
    }
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.body !== undefined && !this.finished) this.body.push(chunk);
    if (this.failedBody !== undefined && this.failedBodyBytes < BODY_EXCERPT_BYTES) {
      const part = chunk.subarray(0, BODY_EXCERPT_BYTES - this.failedBodyBytes);
      // A copy: undici may reuse the chunk's memory.
      this.failedBody.push(Buffer.from(part));
      this.failedBodyBytes += part.length;
    }
    return true;
  }

  onComplete(_trailers: string[] | null): void {
    if (!this.finished) {
      const rule = this.requester.rule;
      let failure: FailureKind | undefined;
      let message: string | undefined;
      let excerpt: Buffer | undefined;
      if (!rule.statusOk(this.status)) {
        failure = 'http_status';
        message = this.statusText || undefined;
        if (this.failedBody !== undefined && this.failedBodyBytes > 0) excerpt = Buffer.concat(this.failedBody);
      } else if (rule.headerName !== undefined && !rule.headerOk(this.ruleHeader)) {
        failure = 'other';
        message = `header ${rule.headerName} failed the success rule`;
      } else if (this.body !== undefined) {
        const body = Buffer.concat(this.body);
        if (!rule.bodyOk(body.toString())) {
          failure = 'other';
          message = 'body failed the success rule';
          excerpt = body.subarray(0, BODY_EXCERPT_BYTES);
        }
      }
      this.finish(this.requester.now(), failure, true, undefined, message, excerpt?.toString());
    }
    this.settle();
  }

  onError(error: Error): void {
    if (!this.finished) {
      const message = describeError(error);
      if (this.requester.firstError === undefined) this.requester.firstError = message;
      this.finish(this.requester.now(), classifyError(error), false, errorCodeOf(error), message);
    }
    this.settle();
  }

  /** The deadline (or the drain) expired: report a timeout now, abort the exchange. */
  expire(): void {
    if (this.finished) return;
    this.finish(this.requester.now(), 'timeout', false, undefined, `no response within ${this.requester.timeoutMs} ms`);
    const abort = this.abortRequest;
    if (abort && !this.settled) abort(new DeadlineError());
  }

  /** `completed`: called from onComplete (undici is done with the exchange and the connection is sound). */
  private finish(endMs: number, failure: FailureKind | undefined, completed: boolean, errorCode?: string, errorMessage?: string, bodyExcerpt?: string): void {
    this.finished = true;
    const requester = this.requester;
    const ok = failure === undefined;
    requester.finished();
    requester.sink(
      new LoadSample(
        this.scheduledMs,
        this.sentMs,
        endMs,
        ok,
        this.status || undefined,
        failure,
        this.servedBy,
        requester.requests[this.requestIndex]!.name,
        errorCode,
        errorMessage,
        bodyExcerpt,
      ),
    );
    this.body = undefined;
    this.failedBody = undefined;
    if (this.lane >= 0) requester.laneFree(this.lane, completed);
  }

  private settle(): void {
    this.settled = true;
    this.abortRequest = undefined;
    this.requester.release(this);
  }
}

/** Bytes of a failing response's body kept for the report's excerpt (cut and redacted later). */
const BODY_EXCERPT_BYTES = 256;
const DROPPED_MESSAGE = 'not sent: the in-flight cap was reached';

/** Raised into undici when the driver gives up on a request; classified as a timeout. */
class DeadlineError extends Error {
  readonly code = 'ETIMEDOUT';
  constructor() {
    super('request deadline expired');
  }
}

function describeError(error: unknown): string {
  const inner = error instanceof AggregateError && error.errors.length > 0 ? error.errors[0] : error;
  return inner instanceof Error ? inner.message || inner.name : String(inner);
}

function equalsLowerCase(name: Buffer, lowerCaseTarget: Buffer): boolean {
  const length = lowerCaseTarget.length;
  if (name.length !== length) return false;
  for (let i = 0; i < length; i++) {
    const byte = name[i]!;
    // ASCII upper → lower; header names are tokens, so this is exact.
    if ((byte >= 0x41 && byte <= 0x5a ? byte | 0x20 : byte) !== lowerCaseTarget[i]) return false;
  }
  return true;
}
