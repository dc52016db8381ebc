import { request, type Agent, type ClientRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';

/** A request body: buffered whole (retries possible), or too large to buffer and streamed once. */
export type RequestBody = { readonly buffered: Buffer } | { readonly prefix: readonly Buffer[]; readonly rest: Readable };

/** How one try to an upstream host ended, up to its response headers. */
export type AttemptOutcome =
  | { readonly kind: 'response'; readonly response: IncomingMessage }
  | { readonly kind: 'connect-failure' }
  | { readonly kind: 'reset' }
  | { readonly kind: 'per-try-timeout' }
  /** Stopped by the exchange (route timeout, client gone). */
  | { readonly kind: 'cancelled' };

export interface AttemptOptions {
  readonly agent: Agent;
  readonly port: number;
  readonly method: string;
  readonly path: string;
  readonly headers: OutgoingHttpHeaders;
  readonly body: RequestBody;
  readonly connectTimeoutMs: number;
}

/** One upstream HTTP/1.1 request over the cluster's agent; distinguishes connect failures from resets. */
export class UpstreamAttempt {
  readonly outcome: Promise<AttemptOutcome>;
  private readonly request: ClientRequest;
  private settle!: (outcome: AttemptOutcome) => void;
  private settled = false;
  /** Why the mesh stopped this try, if it did. */
  stoppedFor: 'per-try-timeout' | 'cancelled' | undefined;
  private connectTimer: NodeJS.Timeout | undefined;

  constructor(options: AttemptOptions) {
    this.outcome = new Promise((resolve) => {
      this.settle = (outcome) => {
        if (this.settled) return;
        this.settled = true;
        clearTimeout(this.connectTimer);
        resolve(outcome);
      };
    });
    let connected = false;
    const req = request({ agent: options.agent, host: '127.0.0.1', port: options.port, method: options.method, path: options.path, headers: options.headers, setHost: false });
    this.request = req;
    req.on('socket', (socket) => {
      if (!socket.connecting) {
        connected = true;
        return;
      }
      this.connectTimer = setTimeout(() => {
        this.settle({ kind: 'connect-failure' });
        req.destroy();
      }, options.connectTimeoutMs);
      socket.once('connect', () => {
        connected = true;
        clearTimeout(this.connectTimer);
      });
    });
    req.on('response', (response) => this.settle({ kind: 'response', response }));
    req.on('error', () => this.settle(connected ? { kind: 'reset' } : { kind: 'connect-failure' }));
    if ('buffered' in options.body) req.end(options.body.buffered);
    else {
      for (const chunk of options.body.prefix) req.write(chunk);
      options.body.rest.pipe(req);
      options.body.rest.resume();
    }
  }

  /** Stops the try; before its response headers the outcome becomes `kind`. */
  abort(kind: 'per-try-timeout' | 'cancelled'): void {
    this.stoppedFor ??= kind;
    this.settle({ kind });
    this.request.destroy();
  }
}
