// Pod app for the Prometheus tests: answers every request and counts it; GET /metrics serves the
// count in the Prometheus text format. Env: PORT, POD_NAME.
import { createServer } from 'node:http';

const pod = process.env.POD_NAME ?? 'unknown';
let served = 0;
const server = createServer((req, res) => {
  if (req.url === '/metrics') {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(`# TYPE app_requests_total counter\napp_requests_total{served_by="${pod}"} ${served}\n`);
    return;
  }
  served++;
  res.setHeader('connection', 'close');
  res.end(pod);
});
server.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
