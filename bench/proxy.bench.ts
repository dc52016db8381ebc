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
import { cpuMs, percentile } from './measure.ts';
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
const SEQUENTIAL_REQUESTS = Number(process.env['BENCH_SEQUENTIAL'] ?? 2000);
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

/** The floor for any Node proxy: two pipe() calls, nothing else. Printed beside ours for scale. */
const BARE_PIPE_SOURCE = `
const net = require('node:net');
const upstream = Number(process.argv[1]);
const server = net.createServer({ noDelay: true }, (client) => {
  const up = net.connect({ port: upstream, host: '127.0.0.1', noDelay: true });
  client.on('error', () => {}); up.on('error', () => {});
  client.pipe(up); up.pipe(client);
});
server.listen(0, '127.0.0.1', () => console.log('PORT ' + server.address().port));
`;

const children: ChildProcess[] = [];

/** Spawns a node child and resolves with the first capture of `pattern` in its stdout, and its pid. */
function spawnAndRead(args: string[], pattern: RegExp): Promise<{ value: string; pid: number }> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk;
      const match = pattern.exec(out);
      if (match) resolve({ value: match[1]!, pid: child.pid! });
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code} before printing ${pattern}`)));
  });
}

/** CPU time (user + system) a process has used, in ms (Linux /proc; clock ticks of 10 ms). */

async function load(url: string, seconds: number): Promise<AutocannonResult> {
  return autocannon({ url, connections: CONNECTIONS, duration: seconds });
}
/** One keep-alive connection per target, one request at a time: per-request round trip in µs. */
async function sequentialLatencies(ports: Record<string, number>): Promise<Record<string, number[]>> {
  const request = Buffer.from('GET / HTTP/1.1\r\nHost: bench\r\n\r\n');
  const open = (port: number): Promise<Socket> =>
    new Promise((resolve, reject) => {
      const s = connect({ port, host: '127.0.0.1', noDelay: true }, () => resolve(s));
      s.once('error', reject);
    });
  const sockets = Object.fromEntries(await Promise.all(Object.entries(ports).map(async ([name, port]) => [name, await open(port)] as const)));
  const first = Object.values(sockets)[0]!;
  // learn the response size once
  const responseLength = await new Promise<number>((resolve) => {
    let text = '';
    const onData = (c: Buffer): void => {
      text += c.toString('latin1');
      const head = text.indexOf('\r\n\r\n');
      const length = /content-length: (\d+)/i.exec(text);
      if (head >= 0 && length && text.length >= head + 4 + Number(length[1])) {
        first.off('data', onData);
        resolve(head + 4 + Number(length[1]));
      }
    };
    first.on('data', onData);
    first.write(request);
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
  const result: Record<string, number[]> = Object.fromEntries(Object.keys(ports).map((name) => [name, []]));
  // alternate in blocks so drift in machine load hits every target alike
  for (let block = 0; block < 20; block++) {
    for (const [name, socket] of Object.entries(sockets)) {
      for (let i = 0; i < SEQUENTIAL_REQUESTS / 20; i++) result[name]!.push(await once(socket));
    }
  }
  for (const socket of Object.values(sockets)) socket.destroy();
  return result;
}


async function main(): Promise<void> {
  const upstream = await spawnAndRead(['-e', UPSTREAM_SOURCE], /PORT (\d+)/);
  const upstreamPort = Number(upstream.value);
  let inProcess: ToxiproxyServer | undefined;
  let apiUrl: string;
  let proxyPid = process.pid;
  if (PROXY_MODE === 'child') {
    const bin = fileURLToPath(new URL('../bin/rebound.mjs', import.meta.url));
    const child = await spawnAndRead([bin, 'toxiproxy', '--port', '0'], /(http:\/\/127\.0\.0\.1:\d+)/);
    apiUrl = child.value;
    proxyPid = child.pid;
  } else {
    inProcess = await startToxiproxy({ port: 0 });
    apiUrl = inProcess.url;
  }
  const proxy = await new Toxiproxy(apiUrl).createProxy({ name: 'bench', listen: '127.0.0.1:0', upstream: `127.0.0.1:${upstreamPort}` });
  const proxyPort = Number(proxy.listen.split(':').pop());

  console.log(`proxy bench: ${ROUNDS} rounds of ${SECONDS}s each for direct, Rebound proxy and a bare pipe() proxy; ${CONNECTIONS} keep-alive connections, proxy ${PROXY_MODE === 'child' ? 'in its own child process' : 'in the load generator process'}, upstream in a child process`);
  const pipe = await spawnAndRead(['-e', BARE_PIPE_SOURCE, String(upstreamPort)], /PORT (\d+)/);
  const targets = { direct: upstreamPort, rebound: proxyPort, 'bare pipe()': Number(pipe.value) };
  // Whose CPU each run is charged to: the HTTP server for direct (for scale), else the proxy.
  const cpuOf: Record<string, number> = { direct: upstream.pid, rebound: proxyPid, 'bare pipe()': pipe.pid };
  const cpuPerRequest: Record<string, number[]> = { direct: [], rebound: [], 'bare pipe()': [] };

  // The three targets alternate within each round, so drift in the machine's load hits all alike.
  for (const port of Object.values(targets)) await load(`http://127.0.0.1:${port}/`, 1);
  const totals: Record<string, number> = { direct: 0, rebound: 0, 'bare pipe()': 0 };
  const roundRatios: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const rates: Record<string, number> = {};
    let failures = 0;
    for (const [name, port] of Object.entries(targets)) {
      const cpuBefore = cpuMs(cpuOf[name]!);
      const result = await load(`http://127.0.0.1:${port}/`, SECONDS);
      cpuPerRequest[name]!.push(((cpuMs(cpuOf[name]!) - cpuBefore) * 1000) / result.requests.total);
      rates[name] = result.requests.average;
      totals[name]! += result.requests.average;
      failures += result.errors + result.non2xx;
    }
    roundRatios.push(rates['rebound']! / rates['direct']!);
    console.log(
      `  round ${round}: direct ${rates['direct']!.toFixed(0)} req/s, rebound proxy ${rates['rebound']!.toFixed(0)} (${roundRatios.at(-1)!.toFixed(2)}×), bare pipe() ${rates['bare pipe()']!.toFixed(0)} (${(rates['bare pipe()']! / rates['direct']!).toFixed(2)}×)${failures ? `, ${failures} errors/non-2xx` : ''}`,
    );
  }
  const ratio = totals['rebound']! / totals['direct']!;
  console.log(`  throughput through the Rebound proxy / direct: ${ratio.toFixed(2)}× (median round ${percentile(roundRatios, 50).toFixed(2)}×)   real Toxiproxy 2.12 reference: ${REFERENCE.ratio}`);
  console.log(`  throughput through a bare Node pipe() proxy / direct: ${(totals['bare pipe()']! / totals['direct']!).toFixed(2)}×   (same machine, same moment)`);
  const cpu = (name: string): string => `${percentile(cpuPerRequest[name]!, 50).toFixed(1)} µs`;
  console.log(`  CPU per request (median round, less sensitive to other load): Rebound proxy ${cpu('rebound')}${PROXY_MODE === 'child' ? '' : ' (whole process, load generator included)'}, bare pipe() ${cpu('bare pipe()')}, the HTTP server itself ${cpu('direct')}`);

  const latencies = await sequentialLatencies(targets);
  const added = (name: string, p: number): number => percentile(latencies[name]!, p) - percentile(latencies['direct']!, p);
  console.log(`  single connection, ${latencies['direct']!.length} sequential requests per target (blocks alternate):`);
  for (const name of Object.keys(targets)) {
    console.log(`    ${name.padEnd(12)} p50 ${percentile(latencies[name]!, 50).toFixed(0)} µs, p99 ${percentile(latencies[name]!, 99).toFixed(0)} µs`);
  }
  console.log(`    added by the Rebound proxy: p50 ${added('rebound', 50).toFixed(0)} µs, p99 ${added('rebound', 99).toFixed(0)} µs   real Toxiproxy 2.12 reference: ~${REFERENCE.p50Us} µs at p50`);
  console.log(`    added by a bare pipe():     p50 ${added('bare pipe()', 50).toFixed(0)} µs, p99 ${added('bare pipe()', 99).toFixed(0)} µs`);

  await inProcess?.close();
}

try {
  await main();
} finally {
  for (const child of children) child.kill('SIGTERM');
}
