import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CapturedRequest {
  readonly method: string;
  readonly url: string;
  readonly contentType: string | undefined;
  readonly accept: string | undefined;
  readonly body: Buffer;
}

/**
 * A loopback HTTP proxy in front of the plane that records every request (method, URL,
 * content type, body bytes): it shows what kubectl itself sends.
 */
export async function startCaptureProxy(targetUrl: string): Promise<{ url: string; requests: CapturedRequest[]; close: () => Promise<void> }> {
  const target = new URL(targetUrl);
  const requests: CapturedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      requests.push({ method: req.method ?? 'GET', url: req.url ?? '/', contentType: req.headers['content-type'], accept: req.headers.accept, body });
      const upstream = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.on('error', () => res.destroy());
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
