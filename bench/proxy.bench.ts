/**
 * Throughput and added latency of the embedded Toxiproxy-compatible proxy (no toxics).
 *
 *   npm run bench:proxy   (env: BENCH_SECONDS=5 BENCH_ROUNDS=3 BENCH_CONNECTIONS=50 BENCH_PROXY=child|inprocess)
 *
 * The upstream HTTP server and the proxy each run in their own child process (real
 * Toxiproxy is its own process too); autocannon drives keep-alive load from this process.
 * Direct and proxied runs happen in the same invocation and are printed as ratios; no
 * absolute number is asserted. Everything shares the machine's cores, so the ratio is what
 * to compare with a real Toxiproxy 2.12 measured the same way (0.63–0.67×, +~95 µs p50).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Toxiproxy } from 'toxiproxy-node-client';
import { startToxiproxy, type ToxiproxyServer } from '../src/toxiproxy/index.ts';

interface AutocannonResult {
  requests: { average: number; total: number };
  throughput: { average: number };
  latency: { p50: number; p99: number };
  errors: number;
  non2xx: number;
}
type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 5);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 50);
const PROXY_MODE = process.env['BENCH_PROXY'] === 'inprocess' ? 'inprocess' : 'child';
const SEQUENTIAL_REQUESTS = Number(process.env['BENCH_SEQUENTIAL'] ?? 4000);
const REFERENCE = { ratio: '0.63–0.67×', p50Us: 95 };

const UPSTREAM_SOURCE = `
const http = require('node:http');
const body = Buffer.from('ok');
const server = http.createServer((req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': body.length });
  res.end(body);
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => console.log('PORT ' + server.address().port));
`;

const children: ChildProcess[] = [];

function spawnAndRead(args: string[], pattern: RegExp): Promise<string> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk;
      const match = pattern.exec(out);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code} before printing ${pattern}`)));
  });
}

async function load(url: string, seconds: number): Promise<AutocannonResult> {
  return autocannon({ url, connections: CONNECTIONS, duration: seconds });
}
/** One keep-alive connection, one request at a time: per-request round trip in µs. */
async function sequentialLatencies(ports: { direct: number; proxied: number }): Promise<{ direct: number[]; proxied: number[] }> {
  const request = Buffer.from('GET / HTTP/1.1\r\nHost: bench\r\n\r\n');
  const open = (port: number): Promise<Socket> =>
    new Promise((resolve, reject) => {
      const s = connect({ port, host: '127.0.0.1', noDelay: true }, () => resolve(s));
      s.once('error', reject);
    });
  const direct = await open(ports.direct);
  const proxied = await open(ports.proxied);
  // learn the response size once
  const responseLength = await new Promise<number>((resolve) => {
    let text = '';
    const onData = (c: Buffer): void => {
      text += c.toString('latin1');
      const head = text.indexOf('\r\n\r\n');
      const length = /content-length: (\d+)/i.exec(text);
      if (head >= 0 && length && text.length >= head + 4 + Number(length[1])) {
        direct.off('data', onData);
        resolve(head + 4 + Number(length[1]));
      }
    };
    direct.on('data', onData);
    direct.write(request);
  });
  const once = (socket: Socket): Promise<number> =>
    new Promise((resolve) => {
      let received = 0;
      const start = performance.now();
      const onData = (c: Buffer): void => {
        received += c.length;
        if (received >= responseLength) {
          socket.off('data', onData);
          resolve((performance.now() - start) * 1000);
        }
      };
      socket.on('data', onData);
      socket.write(request);
    });
  const result = { direct: [] as number[], proxied: [] as number[] };
  // alternate in blocks so drift in machine load hits both sides alike
  for (let block = 0; block < 20; block++) {
    for (let i = 0; i < SEQUENTIAL_REQUESTS / 40; i++) result.direct.push(await once(direct));
    for (let i = 0; i < SEQUENTIAL_REQUESTS / 40; i++) result.proxied.push(await once(proxied));
  }
  direct.destroy();
  proxied.destroy();
  return result;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main(): Promise<void> {
  const upstreamPort = Number(await spawnAndRead(['-e', UPSTREAM_SOURCE], /PORT (\d+)/));
  let inProcess: ToxiproxyServer | undefined;
  let apiUrl: string;
  if (PROXY_MODE === 'child') {
    const bin = fileURLToPath(new URL('../bin/rebound.mjs', import.meta.url));
    apiUrl = await spawnAndRead([bin, 'toxiproxy', '--port', '0'], /(http:\/\/127\.0\.0\.1:\d+)/);
  } else {
    inProcess = await startToxiproxy({ port: 0 });
    apiUrl = inProcess.url;
  }
  const proxy = await new Toxiproxy(apiUrl).createProxy({ name: 'bench', listen: '127.0.0.1:0', upstream: `127.0.0.1:${upstreamPort}` });
  const proxyPort = Number(proxy.listen.split(':').pop());

  console.log(`proxy bench: ${ROUNDS} rounds of ${SECONDS}s direct + ${SECONDS}s proxied, ${CONNECTIONS} keep-alive connections, proxy ${PROXY_MODE === 'child' ? 'in its own child process' : 'in the load generator process'}, upstream in a child process`);
  // Direct and proxied runs alternate, so drift in the machine's load hits both alike.
  await load(`http://127.0.0.1:${upstreamPort}/`, 1);
  await load(`http://127.0.0.1:${proxyPort}/`, 1);
  const ratios: number[] = [];
  let directTotal = 0;
  let proxiedTotal = 0;
  for (let round = 1; round <= ROUNDS; round++) {
    const direct = await load(`http://127.0.0.1:${upstreamPort}/`, SECONDS);
    const proxied = await load(`http://127.0.0.1:${proxyPort}/`, SECONDS);
    const failures = direct.errors + direct.non2xx + proxied.errors + proxied.non2xx;
    ratios.push(proxied.requests.average / direct.requests.average);
    directTotal += direct.requests.average;
    proxiedTotal += proxied.requests.average;
    console.log(
      `  round ${round}: direct ${direct.requests.average.toFixed(0)} req/s, proxied ${proxied.requests.average.toFixed(0)} req/s → ${ratios.at(-1)!.toFixed(2)}×${failures ? ` (${failures} errors/non-2xx)` : ''}`,
    );
  }
  console.log(`  throughput through proxy / direct: ${(proxiedTotal / directTotal).toFixed(2)}× overall, median round ${percentile(ratios, 50).toFixed(2)}×   (real Toxiproxy 2.12 reference: ${REFERENCE.ratio})`);

  const latencies = await sequentialLatencies({ direct: upstreamPort, proxied: proxyPort });
  const added = (p: number): number => percentile(latencies.proxied, p) - percentile(latencies.direct, p);
  console.log(`  single connection, ${latencies.direct.length} sequential requests each:`);
  console.log(`    direct  p50 ${percentile(latencies.direct, 50).toFixed(0)} µs, p99 ${percentile(latencies.direct, 99).toFixed(0)} µs`);
  console.log(`    proxied p50 ${percentile(latencies.proxied, 50).toFixed(0)} µs, p99 ${percentile(latencies.proxied, 99).toFixed(0)} µs`);
  console.log(`    added latency p50 ${added(50).toFixed(0)} µs, p99 ${added(99).toFixed(0)} µs   (real Toxiproxy 2.12 reference: ~${REFERENCE.p50Us} µs at p50)`);

  await inProcess?.close();
}

try {
  await main();
} finally {
  for (const child of children) child.kill('SIGTERM');
}
