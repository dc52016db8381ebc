// Pod app for the mesh tests. Answers with JSON naming its pod and the attempt count the
// mesh sent. Per request: ?status=N, ?delay=MS, ?reset=1 (destroy the socket), ?chunks=N
// (stream N chunks 10 ms apart). Per pod, changeable at run time: POST /__mode with JSON
// { status, delayMs, reset } applies to every later request; { refuseForMs } stops listening
// for that long (connections are refused, then the readiness probe fails); GET /__count.
import { createServer } from 'node:http';

const pod = process.env.POD_NAME ?? 'unknown';
let mode = { status: 200, delayMs: 0, reset: false };
let count = 0;

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname === '/healthz') return res.end('ok');
  if (url.pathname === '/__count') return res.end(JSON.stringify({ count }));
  let body = '';
  req.on('data', (d) => (body += d));
  req.on('end', () => {
    if (url.pathname === '/__mode') {
      const { refuseForMs, ...rest } = JSON.parse(body || '{}');
      mode = { status: 200, delayMs: 0, reset: false, ...rest };
      res.end(JSON.stringify(mode));
      if (refuseForMs) {
        server.close();
        server.closeIdleConnections();
        setTimeout(() => server.listen(Number(process.env.PORT), '127.0.0.1'), refuseForMs);
      }
      return;
    }
    count++;
    if (url.searchParams.get('reset') === '1' || mode.reset) return req.socket.destroy();
    const status = Number(url.searchParams.get('status') ?? mode.status);
    const delay = Number(url.searchParams.get('delay') ?? mode.delayMs);
    const chunks = Number(url.searchParams.get('chunks') ?? 0);
    setTimeout(() => {
      res.setHeader('x-served-by', pod);
      res.setHeader('content-type', 'application/json');
      res.statusCode = status;
      const reply = JSON.stringify({ pod, attempt: req.headers['x-envoy-attempt-count'] ?? null, method: req.method, path: req.url, bodyLength: Buffer.byteLength(body) });
      if (chunks === 0) return res.end(reply);
      let sent = 0;
      const timer = setInterval(() => {
        res.write(`chunk ${sent}\n`);
        if (++sent === chunks) {
          clearInterval(timer);
          res.end(reply);
        }
      }, 10);
      res.on('close', () => clearInterval(timer));
    }, delay);
  });
});
server.keepAliveTimeout = 5000;
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log(`mesh-backend ${pod} listening on ${process.env.PORT}`));
process.on('SIGTERM', () => process.exit(0));
