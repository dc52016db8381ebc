import type { IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';

/** A request body: buffered whole (retries possible), or too large to buffer and streamed once. */
export type RequestBody = { readonly buffered: Buffer } | { readonly prefix: readonly Buffer[]; readonly rest: Readable };

/** Where a response body goes once the exchange has decided what to do with it. */
export interface BodySink {
  /** False asks for back-pressure: the response pauses until `resume()`. */
  data(chunk: Buffer): boolean;
  end(): void;
  error(error: Error): void;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'http2-settings']);

/**
 * An upstream response after its headers. Its body is held (a parser batch at most) until
 * the exchange attaches a sink: forward it to the client, or drain it before a retry.
 */
export class UpstreamResponse {
  readonly headers: IncomingHttpHeaders;
  readonly grpcStatus: string | undefined;
  private sink: BodySink | undefined;
  private held: Buffer[] = [];
  private ended = false;
  private failure: Error | undefined;

  constructor(
    readonly status: number,
    readonly statusText: string,
    headers: IncomingHttpHeaders,
    private readonly controller: Dispatcher.DispatchController,
  ) {
    const out: IncomingHttpHeaders = {};
    for (const name in headers) if (!HOP_BY_HOP.has(name)) out[name] = headers[name];
    this.headers = out;
    const grpc = headers['grpc-status'];
    this.grpcStatus = typeof grpc === 'string' ? grpc : undefined;
  }

  attach(sink: BodySink): void {
    this.sink = sink;
    for (const chunk of this.held) if (!sink.data(chunk)) this.controller.pause();
    this.held = [];
    if (this.failure) sink.error(this.failure);
    else if (this.ended) sink.end();
  }

  resume(): void {
    this.controller.resume();
  }

  /** True once the body has ended or failed. */
  get complete(): boolean {
    return this.ended || this.failure !== undefined;
  }

  /** @internal from the dispatch handler */
  onData(chunk: Buffer): void {
    if (!this.sink) this.held.push(chunk);
    else if (!this.sink.data(chunk)) this.controller.pause();
  }

  /** @internal */
  onEnd(): void {
    this.ended = true;
    this.sink?.end();
  }

  /** @internal */
  onError(error: Error): void {
    this.failure = error;
    this.sink?.error(error);
  }
}

/** How one try to an upstream host ended, up to its response headers. */
export type AttemptOutcome =
  | { readonly kind: 'response'; readonly response: UpstreamResponse }
  | { readonly kind: 'connect-failure' }
  | { readonly kind: 'reset' }
  | { readonly kind: 'per-try-timeout' }
  /** Stopped by the exchange (route timeout, client gone). */
  | { readonly kind: 'cancelled' };

export interface AttemptOptions {
  /** The host's connection pool. */
  readonly dispatcher: Dispatcher;
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: RequestBody;
}

/** Errors that mean no connection was made (Envoy's connect failure, not a reset). */
const CONNECT_FAILURES = new Set(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'ENOTFOUND']);

async function* streamedBody(prefix: readonly Buffer[], rest: Readable): AsyncGenerator<Buffer> {
  yield* prefix;
  for await (const chunk of rest) yield chunk as Buffer;
}

class AttemptStopped extends Error {
  override readonly name = 'AttemptStopped';
}

/** One upstream HTTP/1.1 request through undici's dispatcher. */
export class UpstreamAttempt {
  readonly outcome: Promise<AttemptOutcome>;
  /** Why the mesh stopped this try, if it did. */
  stoppedFor: 'per-try-timeout' | 'cancelled' | undefined;
  private settle!: (outcome: AttemptOutcome) => void;
  private settled = false;
  private controller: Dispatcher.DispatchController | undefined;
  private response: UpstreamResponse | undefined;

  constructor(options: AttemptOptions) {
    this.outcome = new Promise((resolve) => {
      this.settle = (outcome) => {
        if (this.settled) return;
        this.settled = true;
        resolve(outcome);
      };
    });
    const body = 'buffered' in options.body ? options.body.buffered : Readable.from(streamedBody(options.body.prefix, options.body.rest));
    options.dispatcher.dispatch(
      { origin: undefined, path: options.path, method: options.method as Dispatcher.HttpMethod, headers: options.headers, body },
      {
        onRequestStart: (controller) => {
          this.controller = controller;
          if (this.stoppedFor) controller.abort(new AttemptStopped(this.stoppedFor));
        },
        onResponseStart: (controller, status, headers, statusText) => {
          // 1xx informational answers are not the response
          if (status < 200) return;
          this.response = new UpstreamResponse(status, statusText ?? '', headers, controller);
          this.settle({ kind: 'response', response: this.response });
        },
        onResponseData: (_controller, chunk) => this.response?.onData(chunk),
        onResponseEnd: () => this.response?.onEnd(),
        onResponseError: (_controller, error) => {
          if (this.response) return this.response.onError(error);
          const code = (error as NodeJS.ErrnoException).code ?? '';
          this.settle(CONNECT_FAILURES.has(code) ? { kind: 'connect-failure' } : { kind: 'reset' });
        },
      },
    );
  }

  /** Stops the try; before its response headers the outcome becomes `kind`. */
  abort(kind: 'per-try-timeout' | 'cancelled'): void {
    this.stoppedFor ??= kind;
    this.settle({ kind });
    this.controller?.abort(new AttemptStopped(kind));
  }
}
