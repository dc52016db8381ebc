import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TestServer {
  readonly url: string;
  readonly port: number;
  /** Requests that reached the handler. */
  readonly received: () => number;
  /** Highest number of requests the server had open at once. */
  readonly maxConcurrent: () => number;
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1:0. `close` destroys open sockets so held requests never leak. */
export async function startTestServer(handler: http.RequestListener): Promise<TestServer> {
  let received = 0;
  let open = 0;
  let maxConcurrent = 0;
  const server = http.createServer((req, res) => {
    received++;
    open++;
    if (open > maxConcurrent) maxConcurrent = open;
    res.once('close', () => open--);
    handler(req, res);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    received: () => received,
    maxConcurrent: () => maxConcurrent,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port on 127.0.0.1 that nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
