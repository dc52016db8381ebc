// A tiny frontend that calls a primary (through a Toxiproxy proxy) and, when one is given,
// falls back to a secondary on any failure. Without a secondary it is the fragile variant.
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';

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

// As a process (local plane pod): PORT, PRIMARY_URL and (optional) SECONDARY_URL from the environment.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const frontend = await startFrontend({
    primary: process.env.PRIMARY_URL,
    secondary: process.env.SECONDARY_URL || undefined,
    timeoutMs: Number(process.env.TIMEOUT_MS ?? 1000),
    port: Number(process.env.PORT ?? 0),
  });
  process.on('SIGTERM', () => frontend.close().then(() => process.exit(0)));
}
