// A tiny HTTP backend: answers 200 "ok" with x-served-by: its name.
// As a process (local plane pod): PORT and POD_NAME (or NAME) from the environment.
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';

export function startBackend({ name, port = 0, host = '127.0.0.1' }) {
  const server = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'text/plain', 'x-served-by': name });
    res.end('ok');
  });
  server.keepAliveTimeout = 1000;
  return new Promise((resolve) => {
    server.listen(port, host, () =>
      resolve({
        port: server.address().port,
        close: () => new Promise((done) => { server.closeAllConnections(); server.close(() => done()); }),
      }),
    );
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const backend = await startBackend({ name: process.env.POD_NAME ?? process.env.NAME ?? 'backend', port: Number(process.env.PORT ?? 0) });
  process.on('SIGTERM', () => backend.close().then(() => process.exit(0)));
}
