import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { serviceFqdn } from './hosts.ts';
import type { MeshMetrics, RequestSample } from './mesh-metrics.ts';
import type { SourceLookup } from './source-workload.ts';
import type { MeshTarget } from './mesh-proxy.ts';
import type { Random } from './random.ts';
import { pickUntried } from './load-balancer.ts';
import { backoffMs, isRetriable, type RetryPolicy, type TryOutcome } from './retry-policy.ts';
import { UpstreamAttempt, type AttemptOutcome, type RequestBody, type UpstreamResponse } from './upstream-attempt.ts';
import type { UpstreamCluster, UpstreamHost, Workload } from './upstream-cluster.ts';

/** Envoy buffers up to this much of a request body for retries; a larger body is streamed to one try. */
export const RETRY_BUFFER_LIMIT_BYTES = 1 << 20;
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'expect', 'http2-settings']);

const UPSTREAM_RESET = 'upstream connect error or disconnect/reset before headers. reset reason: ';

function forwardableHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {};
  for (const name in headers) if (headers[name] !== undefined && !HOP_BY_HOP.has(name)) out[name] = headers[name];
  return out;
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

const NO_BODY: RequestBody = { buffered: Buffer.alloc(0) };

/** Reads the body up to the retry buffer limit; past it, the rest stays unread for streaming. */
function readBody(req: IncomingMessage, signal: AbortSignal): Promise<RequestBody> | RequestBody {
  // no Content-Length and no Transfer-Encoding: an HTTP/1.1 request has no body
  if (req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined) return NO_BODY;
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (body: RequestBody) => {
      req.off('data', onData);
      req.off('end', onEnd);
      signal.removeEventListener('abort', onEnd);
      resolve(body);
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size > RETRY_BUFFER_LIMIT_BYTES) {
        req.pause();
        finish({ prefix: chunks, rest: req });
      }
    };
    const onEnd = () => finish({ buffered: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks) });
    req.on('data', onData);
    req.once('end', onEnd);
    signal.addEventListener('abort', onEnd, { once: true });
  });
}

/** One client request through the mesh: its retries, timers, reply and metrics. */
export class Exchange {
  readonly flags: string[] = [];
  destinationService: RequestSample['destinationService'];
  clientGone = false;
  private readonly started = performance.now();
  private readonly stop = new AbortController();
  private servedBy: Workload | undefined;
  private current: UpstreamAttempt | undefined;
  private routeTimedOut = false;
  /** Set when the mesh itself resets the client (so the close is not a downstream disconnect). */
  private resetByMesh = false;

  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    target: MeshTarget,
    private readonly metrics: MeshMetrics,
    private readonly random: Random,
    /** Which pod sent the request: samples are recorded once it is known (bounded). */
    private readonly source?: SourceLookup,
  ) {
    this.destinationService = { fqdn: serviceFqdn(target), name: target.name, namespace: target.namespace };
    res.once('close', () => {
      if (!res.writableFinished) {
        this.clientGone = true;
        if (!this.resetByMesh) this.flags.push('DC');
        this.stop.abort();
        this.current?.abort('cancelled');
      }
      this.recordSource();
    });
  }

  get stopped(): AbortSignal {
    return this.stop.signal;
  }

  localReply(status: number, flag: string, body: string, headers: OutgoingHttpHeaders = {}): void {
    if (flag) this.flags.push(flag);
    if (this.res.headersSent || this.clientGone) return this.resetClient();
    // drain what the client still sends so its connection stays usable
    this.req.resume();
    this.res.writeHead(status, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body), ...headers });
    this.res.end(body);
  }

  resetClient(): void {
    this.resetByMesh = true;
    this.res.destroy();
  }

  async route(cluster: UpstreamCluster, policy: RetryPolicy, timeoutMs: number | undefined): Promise<void> {
    const read = readBody(this.req, this.stop.signal);
    const body = read instanceof Promise ? await read : read;
    if (this.clientGone) return;
    const streamed = !('buffered' in body);
    let routeTimer: NodeJS.Timeout | undefined;
    if (timeoutMs !== undefined) {
      // the route timeout spans every try and back-off; on expiry no further retry
      routeTimer = setTimeout(() => {
        this.routeTimedOut = true;
        this.stop.abort();
        this.current?.abort('cancelled');
        this.localReply(504, 'UT', 'upstream request timeout');
      }, timeoutMs);
    }
    try {
      await this.tries(cluster, policy, body, streamed ? 0 : policy.attempts);
    } finally {
      clearTimeout(routeTimer);
    }
  }

  private async tries(cluster: UpstreamCluster, policy: RetryPolicy, body: RequestBody, retries: number): Promise<void> {
    const tried = new Set<string>();
    let retriesLeft = retries;
    let retryNumber = 0;
    let endRetry: (() => void) | undefined;
    const headers = forwardableHeaders(this.req.headers);
    headers['x-forwarded-proto'] ??= 'http';
    if ('buffered' in body && (body.buffered.length > 0 || this.req.headers['content-length'] !== undefined || this.req.headers['transfer-encoding'] !== undefined)) {
      headers['content-length'] = String(body.buffered.length);
    }
    try {
      for (;;) {
        if (this.stop.signal.aborted) return;
        const host = pickUntried(cluster.balancer, cluster.eligibleHosts(), policy.avoidPreviousHosts ? tried : undefined);
        if (!host) return this.localReply(503, 'UH', 'no healthy upstream');
        const acquired = cluster.pool.acquire(this.stop.signal);
        const release = acquired instanceof Promise ? await acquired : acquired;
        if (this.stop.signal.aborted) return release?.();
        if (!release) return this.localReply(503, 'UO', `${UPSTREAM_RESET}overflow`, { 'x-envoy-overloaded': 'true' });
        tried.add(host.key);
        host.activeRequests++;
        // a retry counts against maxRetries until its own try is over
        const retrySlot = endRetry;
        endRetry = undefined;
        const attemptStart = performance.now();
        headers['x-envoy-attempt-count'] = String(retryNumber + 1);
        const attempt = new UpstreamAttempt({ dispatcher: cluster.hostConnections(host.port), method: this.req.method ?? 'GET', path: this.req.url ?? '/', headers: { ...headers }, body });
        this.current = attempt;
        const perTry = policy.perTryTimeoutMs === undefined ? undefined : setTimeout(() => attempt.abort('per-try-timeout'), policy.perTryTimeoutMs);
        const outcome = await attempt.outcome;
        const done = () => {
          clearTimeout(perTry);
          host.activeRequests--;
          release();
          retrySlot?.();
        };
        if (outcome.kind === 'cancelled') {
          outcome.kind satisfies AttemptOutcome['kind'];
          return done();
        }
        const tryOutcome: TryOutcome = outcome.kind === 'response' ? { kind: 'response', status: outcome.response.status, ...grpcStatusOf(outcome.response) } : outcome;
        cluster.outlier?.report(host.key, outcome.kind === 'response' ? { kind: 'response', status: tryOutcome.kind === 'response' ? tryOutcome.status : 0 } : { kind: 'local-failure' });
        const retriable = isRetriable(policy, tryOutcome);
        let retry = retriable && retriesLeft > 0 && !this.stop.signal.aborted;
        if (retry) {
          endRetry = cluster.pool.beginRetry();
          if (!endRetry) {
            this.flags.push('UO');
            retry = false;
          }
        }
        if (retry) {
          if (outcome.kind === 'response') this.discard(outcome.response, attempt, host, attemptStart, done);
          else done();
          retriesLeft--;
          retryNumber++;
          await sleep(backoffMs(policy, retryNumber, this.random), this.stop.signal);
          continue;
        }
        if (retriable && policy.attempts > 0 && retriesLeft === 0) this.flags.push('URX');
        if (outcome.kind === 'response') return this.forward(outcome.response, host, attemptStart, done, attempt);
        done();
        if (outcome.kind === 'connect-failure') return this.localReply(503, 'UF', `${UPSTREAM_RESET}connection failure`);
        if (outcome.kind === 'reset') return this.localReply(503, 'UC', `${UPSTREAM_RESET}connection termination`);
        return this.localReply(504, 'UT', 'upstream request timeout');
      }
    } finally {
      // a retry granted but never started (stopped during back-off)
      endRetry?.();
    }
  }

  /**
   * A response given up for a retry is counted at the destination and dropped: kept if it
   * already arrived whole (its connection stays reusable), else its try is reset, as Envoy
   * resets the upstream stream, so a slow or endless body never holds the exchange.
   */
  private discard(response: UpstreamResponse, attempt: UpstreamAttempt, host: UpstreamHost, attemptStart: number, done: () => void): void {
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      this.recordDestination(host, response.status, response, attemptStart);
      done();
    };
    response.attach({ data: () => true, end: finish, error: finish });
    if (!response.complete) attempt.abort('cancelled');
  }

  private forward(response: UpstreamResponse, host: UpstreamHost, attemptStart: number, done: () => void, attempt: UpstreamAttempt): void {
    this.servedBy = host.workload;
    const status = response.status;
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      this.recordDestination(host, status, response, attemptStart);
      done();
    };
    if (this.res.headersSent || this.clientGone) {
      attempt.abort('cancelled');
      return finish();
    }
    const res = this.res;
    res.writeHead(status, response.statusText, response.headers);
    res.once('close', finish);
    response.attach({
      data: (chunk) => {
        const more = res.write(chunk);
        if (!more) res.once('drain', () => response.resume());
        return more;
      },
      end: () => {
        res.end();
        finish();
      },
      // cut mid-body (upstream gone, or a timeout after the headers went out): the client's
      // connection is reset, as behind Envoy
      error: () => {
        if (attempt.stoppedFor === 'per-try-timeout') this.flags.push('UT');
        else if (!this.routeTimedOut && !this.clientGone) this.flags.push('UC');
        this.resetClient();
        finish();
      },
    });
  }

  private recordDestination(host: UpstreamHost, status: number, response: UpstreamResponse, attemptStart: number): void {
    this.record({
      reporter: 'destination',
      destinationService: this.destinationService,
      destination: host.workload,
      responseCode: status,
      responseFlags: [],
      ...grpcStatusOf(response),
      durationMs: performance.now() - attemptStart,
    });
  }

  private record(sample: RequestSample): void {
    const lookup = this.source;
    const withSource = () => (lookup?.known ? { ...sample, source: lookup.known } : sample);
    if (!lookup || lookup.settled) this.metrics.record(withSource());
    else this.metrics.recordWhen(lookup.wait(), withSource);
  }

  private recordSource(): void {
    this.record({
      reporter: 'source',
      destinationService: this.destinationService,
      ...(this.servedBy ? { destination: this.servedBy } : {}),
      responseCode: this.res.headersSent ? this.res.statusCode : 0,
      responseFlags: this.flags,
      durationMs: performance.now() - this.started,
    });
  }
}

function grpcStatusOf(response: UpstreamResponse): { grpcStatus?: string } {
  return response.grpcStatus === undefined ? {} : { grpcStatus: response.grpcStatus };
}
