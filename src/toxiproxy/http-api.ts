import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from './api-error.ts';
import { goStringify, goStringifyMap, parseGoJson } from './go-json.ts';
import { decodeProxyInput, type ProxyCollection } from './proxy-collection.ts';
import type { Proxy } from './proxy.ts';
import { toxicJson } from './toxic.ts';
import { TOXIPROXY_VERSION } from './version.ts';

/**
 * Toxiproxy's HTTP API (api.go) over node:http: the same routes, status codes, headers and
 * bodies. Handlers run one at a time, so concurrent requests see consistent state.
 */

const MAX_BODY_BYTES = 8 * 1024 * 1024;
const READ_TIMEOUT_MS = 15_000; // Go's ReadTimeout in Toxiproxy's API server
const CLIENT_GONE = 'client went away';

interface Request {
  readonly vars: readonly string[];
  readonly body: () => Promise<unknown>;
}
interface Reply {
  readonly status: number;
  /** Undefined for 204. */
  readonly json?: string;
  readonly contentType?: string;
}
type Handler = (collection: ProxyCollection, request: Request) => Promise<Reply> | Reply;

const ok = (json: string, status = 200): Reply => ({ status, json });
const noContent: Reply = { status: 204 };
const proxyJson = (proxy: Proxy): string => goStringify(proxy.toJSON());

/** Route table: path pattern (`*` = one non-empty segment) → method → handler. */
const ROUTES: ReadonlyArray<{ pattern: readonly string[]; methods: Readonly<Record<string, Handler>> }> = [
  {
    pattern: ['version'],
    methods: {
      GET: () => ({ status: 200, json: `{"version": "${TOXIPROXY_VERSION}"}\n`, contentType: 'application/json;charset=utf-8' }),
    },
  },
  {
    pattern: ['reset'],
    methods: {
      POST: async (c) => {
        await c.reset();
        return noContent;
      },
    },
  },
  {
    pattern: ['proxies'],
    methods: {
      GET: (c) => ok(goStringifyMap(c.list().map((p) => [p.name, p.toJSON()]))),
      POST: async (c, r) => ok(proxyJson(await c.create(await r.body())), 201),
    },
  },
  {
    pattern: ['populate'],
    methods: {
      POST: async (c, r) => {
        let outcome;
        try {
          outcome = await c.populate(await r.body());
        } catch (error) {
          if (!(error instanceof ApiError)) throw error;
          outcome = { proxies: [], error };
        }
        const proxies = outcome.proxies.length > 0 ? outcome.proxies.map((p) => p.toJSON()) : null;
        const { error } = outcome;
        // Toxiproxy embeds the error in the populate body itself (not http.Error), proxies included.
        const body = error ? { error: error.message, status: error.status, proxies } : { proxies };
        return ok(goStringify(body), error ? error.status : 201);
      },
    },
  },
  {
    pattern: ['proxies', '*'],
    methods: {
      GET: (c, r) => ok(proxyJson(c.get(r.vars[0]!))),
      POST: updateProxy,
      PATCH: updateProxy,
      DELETE: async (c, r) => {
        await c.remove(r.vars[0]!);
        return noContent;
      },
    },
  },
  {
    pattern: ['proxies', '*', 'toxics'],
    methods: {
      GET: (c, r) => ok(goStringify(c.get(r.vars[0]!).toxics.list().map(toxicJson))),
      // Toxiproxy answers 200 (not 201) to a new toxic.
      POST: async (c, r) => {
        const proxy = c.get(r.vars[0]!);
        return ok(goStringify(toxicJson(proxy.toxics.addFromJson(await r.body()))));
      },
    },
  },
  {
    pattern: ['proxies', '*', 'toxics', '*'],
    methods: {
      GET: (c, r) => {
        const toxic = c.get(r.vars[0]!).toxics.get(r.vars[1]!);
        if (!toxic) throw new ApiError('toxic not found', 404);
        return ok(goStringify(toxicJson(toxic)));
      },
      POST: updateToxic,
      PATCH: updateToxic,
      DELETE: (c, r) => {
        c.get(r.vars[0]!).toxics.remove(r.vars[1]!);
        return noContent;
      },
    },
  },
];

async function updateProxy(c: ProxyCollection, r: Request): Promise<Reply> {
  const proxy = c.get(r.vars[0]!);
  const input = decodeProxyInput(await r.body(), { name: proxy.name, listen: proxy.listen, upstream: proxy.upstream, enabled: proxy.enabled });
  await proxy.update(input);
  return ok(proxyJson(proxy));
}

async function updateToxic(c: ProxyCollection, r: Request): Promise<Reply> {
  const proxy = c.get(r.vars[0]!);
  if (!proxy.toxics.get(r.vars[1]!)) throw new ApiError('toxic not found', 404);
  return ok(goStringify(toxicJson(proxy.toxics.updateFromJson(r.vars[1]!, await r.body()))));
}

function matchRoute(pathname: string): { methods: Readonly<Record<string, Handler>>; vars: string[] } | undefined {
  if (!pathname.startsWith('/')) return undefined;
  let segments: string[];
  try {
    segments = pathname.slice(1).split('/').map(decodeURIComponent);
  } catch {
    return undefined;
  }
  for (const route of ROUTES) {
    if (route.pattern.length !== segments.length) continue;
    const vars: string[] = [];
    const matches = route.pattern.every((part, i) => {
      const segment = segments[i]!;
      if (part !== '*') return part === segment;
      vars.push(segment);
      return segment.length > 0;
    });
    if (matches) return { methods: route.methods, vars };
  }
  return undefined;
}

/**
 * The whole body. Rejects when the client goes away or stalls past Go's ReadTimeout, so a
 * half-sent request can never hold up the handlers queued behind it.
 */
function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const fail = (error: Error): void => {
      clearTimeout(timer);
      reject(error);
    };
    const timer = setTimeout(() => {
      fail(new Error(CLIENT_GONE));
      req.destroy();
    }, READ_TIMEOUT_MS);
    if (req.destroyed && !req.complete) return fail(new Error(CLIENT_GONE));
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        fail(new ApiError('bad request body: http: request body too large', 400));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', () => fail(new Error(CLIENT_GONE)));
    req.on('close', () => {
      if (!req.complete) fail(new Error(CLIENT_GONE));
    });
  });
}

function send(res: ServerResponse, reply: Reply): void {
  if (res.destroyed) return;
  if (reply.json === undefined) {
    res.writeHead(reply.status).end();
    return;
  }
  res.writeHead(reply.status, {
    'Content-Type': reply.contentType ?? 'application/json',
    'Content-Length': Buffer.byteLength(reply.json),
  });
  res.end(reply.json);
}

/** http.Error in Go: text/plain, nosniff, body + newline. */
function sendText(res: ServerResponse, status: number, text: string): void {
  if (res.destroyed) return;
  const body = `${text}\n`;
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'X-Content-Type-Options': 'nosniff',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}

export interface ApiListener {
  readonly listener: (req: IncomingMessage, res: ServerResponse) => void;
  /** Runs `last` after every request already queued, then turns away any later one. */
  shutdown(last: () => Promise<void>): Promise<void>;
}

/** The request listener for Toxiproxy's API over `collection`. */
export function createApiListener(collection: ProxyCollection): ApiListener {
  let queue: Promise<void> = Promise.resolve();
  let closed = false;
  const serialize = (work: () => Promise<void>): Promise<void> => {
    const run = queue.then(() => (closed ? Promise.reject(new Error('server closed')) : work()));
    queue = run.catch(() => {});
    return run;
  };
  const shutdown = (last: () => Promise<void>): Promise<void> => {
    const run = queue.then(() => {
      closed = true;
      return last();
    });
    queue = run.catch(() => {});
    return run;
  };

  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    req.on('error', () => {});
    res.on('error', () => {});
    const pathname = (req.url ?? '/').split('?')[0]!;
    const route = matchRoute(pathname);
    if (!route) return sendText(res, 404, '404 page not found');
    const handler = route.methods[req.method ?? ''];
    if (!handler) {
      res.writeHead(405).end();
      return;
    }
    if ((req.headers['user-agent'] ?? '').startsWith('Mozilla/')) return sendText(res, 403, 'User agent not allowed');

    // The body is read before the request joins the queue: a slow client holds up no one.
    const bodyText = req.method === 'POST' || req.method === 'PATCH' ? readBody(req) : Promise.resolve('');
    bodyText.then(
      (text) =>
        serialize(async () => {
          try {
            send(res, await handler(collection, { vars: route.vars, body: async () => parseGoJson(text) }));
          } catch (error) {
            if (error instanceof ApiError) return sendText(res, error.status, goStringify({ error: error.message, status: error.status }));
            sendText(res, 500, goStringify({ error: String((error as Error)?.message ?? error), status: 500 }));
          }
        }).catch(() => res.destroy()),
      (error: unknown) => {
        if (error instanceof ApiError) return sendText(res, error.status, goStringify({ error: error.message, status: error.status }));
        res.destroy(); // the client went away or stalled past the read timeout
      },
    );
  };
  return { listener, shutdown };
}
