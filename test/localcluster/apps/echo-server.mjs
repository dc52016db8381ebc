// Tiny pod app for the local-cluster tests: answers every request with its pod name.
// Env: PORT, POD_NAME, REQUEST_LOG (append "<epoch ms> <method> <path>" per request),
// DRAIN_MS (keep serving this long after SIGTERM, then exit), CRASH=1 (exit 3 at once).
import { createServer } from 'node:http';
import { appendFileSync } from 'node:fs';

if (process.env.CRASH === '1') {
  console.error('echo-server: crashing on purpose');
  process.exit(3);
}
const name = process.env.POD_NAME ?? 'unknown';
const server = createServer((req, res) => {
  if (process.env.REQUEST_LOG && req.url !== '/healthz') appendFileSync(process.env.REQUEST_LOG, `${Date.now()} ${req.method} ${req.url}\n`);
  res.setHeader('x-served-by', name);
  res.setHeader('connection', 'close');
  res.end(JSON.stringify({ pod: name, pid: process.pid, env: { PORT: process.env.PORT, POD_NAMESPACE: process.env.POD_NAMESPACE, POD_IP: process.env.POD_IP, GREETING: process.env.GREETING, ECHO_SERVICE_PORT: process.env.ECHO_SERVICE_PORT } }));
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log(`echo-server ${name} listening on ${process.env.PORT}`));
process.on('SIGTERM', () => {
  console.log('echo-server: SIGTERM');
  setTimeout(() => process.exit(0), Number(process.env.DRAIN_MS ?? 0)).unref?.();
  if (!process.env.DRAIN_MS) process.exit(0);
});
