// A tiny frontend that calls a primary (through a Toxiproxy proxy) and, when one is given,
// falls back to a secondary on any failure. Without a secondary it is the fragile variant.
import { createServer } from 'node:http';

async function call(url, timeoutMs) {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  await response.arrayBuffer();
  if (response.status >= 500) throw new Error(`status ${response.status}`);
  return response.headers.get('x-served-by') ?? 'unknown';
}

export function startFrontend({ primary, secondary, timeoutMs = 1000, port = 0 }) {
  const server = createServer(async (req, res) => {
    req.resume();
    for (const upstream of secondary ? [primary, secondary] : [primary]) {
      try {
        const servedBy = await call(upstream, timeoutMs);
        res.writeHead(200, { 'x-served-by': servedBy });
        res.end('ok');
        return;
      } catch {
        // try the next upstream
      }
    }
    res.writeHead(502);
    res.end('upstream failed');
  });
  server.keepAliveTimeout = 1000;
  return new Promise((resolve) => {
    server.listen(port, '127.0.0.1', () =>
      resolve({
        port: server.address().port,
        url: `http://127.0.0.1:${server.address().port}`,
        close: () => new Promise((done) => { server.closeAllConnections(); server.close(() => done()); }),
      }),
    );
  });
}
