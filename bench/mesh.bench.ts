/**
 * CPU per request and added latency of the local plane's HTTP-aware mesh listener against
 * its plain TCP service listener, on the same backend pod.
 *
 *   npm run bench:mesh   (env: BENCH_SECONDS=3 BENCH_ROUNDS=5 BENCH_CONNECTIONS=20 BENCH_SEQUENTIAL=2000)
 *
 * The plane runs in a child process (started by this file with BENCH_MESH_ROLE=plane), so
 * its CPU time is its own; its backend pod is a third process. Two Services select that
 * pod: `plain` (no VirtualService/DestinationRule: TCP balancing) and `meshed` (a
 * DestinationRule and a VirtualService with a retry policy: the HTTP-aware proxy).
 * autocannon drives keep-alive load from this process. Results are printed as ratios;
 * nothing is asserted. Goal: the mesh listener costs at most 2× the plain one's CPU per request.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { cpuMs, percentile } from './measure.ts';

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  errors: number;
  non2xx: number;
}
type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 3);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 20);
const SEQUENTIAL_REQUESTS = Number(process.env['BENCH_SEQUENTIAL'] ?? 2000);
const NS = 'bench';

const BACKEND_SOURCE = `
const http = require('node:http');
const body = Buffer.from('ok');
const server = http.createServer((req, res) => {
  if (req.url === '/healthz') return res.end('ok');
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': body.length });
  res.end(body);
});
server.keepAliveTimeout = 60000;
server.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
`;

function manifest(): string {
  const service = (name: string) => `apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: ${NS} }
spec:
  selector: { app: backend }
  ports: [{ name: http, port: 80, targetPort: http }]
`;
  return [
    `apiVersion: v1\nkind: Namespace\nmetadata: { name: ${NS} }\n`,
    `apiVersion: apps/v1
kind: Deployment
metadata: { name: backend, namespace: ${NS} }
spec:
  replicas: 1
  selector: { matchLabels: { app: backend } }
  template:
    metadata:
      labels: { app: backend, version: v1 }
      annotations: { rebound.dev/probe-period-ms: "200" }
    spec:
      containers:
        - name: backend
          image: bench
          command: [node, -e, ${JSON.stringify(BACKEND_SOURCE)}]
          ports: [{ name: http, containerPort: 8080 }]
          readinessProbe: { httpGet: { path: /healthz, port: http }, periodSeconds: 1 }
`,
    service('plain'),
    service('meshed'),
    `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: meshed, namespace: ${NS} }
spec:
  host: meshed
  trafficPolicy: { loadBalancer: { simple: LEAST_REQUEST }, outlierDetection: { consecutive5xxErrors: 5 } }
`,
    `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: meshed, namespace: ${NS} }
spec:
  hosts: [meshed]
  http: [{ route: [{ destination: { host: meshed } }], retries: { attempts: 2, retryOn: 5xx } }]
`,
  ].join('---\n');
}

/** The child: a local plane with the bench manifest; prints its ports, runs until SIGTERM. */
async function runPlane(): Promise<void> {
  const { startLocalCluster } = await import('../src/localcluster/index.ts');
  const dir = await mkdtemp(join(tmpdir(), 'rebound-mesh-bench-'));
  const file = join(dir, 'bench.yaml');
  await writeFile(file, manifest());
  const cluster = await startLocalCluster({ manifests: file });
  const pods = (await (await fetch(`${cluster.url}/api/v1/namespaces/${NS}/pods`)).json()) as { items: Array<{ metadata: { annotations: Record<string, string> } }> };
  const ports = {
    direct: Number(pods.items[0]!.metadata.annotations['rebound.dev/local-port']),
    plain: cluster.serviceAddress(NS, 'plain', 80)!.localPort,
    meshed: cluster.serviceAddress(NS, 'meshed', 80)!.localPort,
  };
  const stop = async () => {
    await cluster.close();
    await rm(dir, { recursive: true, force: true });
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  console.log(`READY ${JSON.stringify({ ports, metrics: cluster.meshMetricsUrl })}`);
}

/** For scale: the least a Node HTTP proxy does (server, keep-alive http.request, pipe). */
const BARE_HTTP_PROXY_SOURCE = `
const http = require('node:http');
const upstream = Number(process.argv[1]);
const agent = new http.Agent({ keepAlive: true, maxFreeSockets: 64 });
const server = http.createServer((req, res) => {
  const up = http.request({ agent, host: '127.0.0.1', port: upstream, method: req.method, path: req.url, headers: req.headers }, (r) => {
    res.writeHead(r.statusCode, r.headers);
    r.pipe(res);
  });
  up.on('error', () => res.destroy());
  req.pipe(up);
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => console.log('PORT ' + server.address().port));
`;

const children: ChildProcess[] = [];

function spawnBareProxy(upstream: number): Promise<{ pid: number; port: number }> {
  const child = spawn(process.execPath, ['-e', BARE_HTTP_PROXY_SOURCE, String(upstream)], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk;
      const match = /PORT (\d+)/.exec(out);
      if (match) resolve({ pid: child.pid!, port: Number(match[1]) });
    });
    child.once('exit', (code) => reject(new Error(`the bare HTTP proxy exited with ${code}`)));
  });
}

function startPlane(): Promise<{ pid: number; ports: Record<'direct' | 'plain' | 'meshed', number>; metrics: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, BENCH_MESH_ROLE: 'plane' } });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk;
      const match = /READY (\{.*\})\n/.exec(out);
      if (match) resolve({ pid: child.pid!, ...JSON.parse(match[1]!) });
    });
    child.once('exit', (code) => reject(new Error(`the plane exited with ${code} before it was ready`)));
  });
}

/** CPU time (user + system) a process has used, in ms (Linux /proc; clock ticks of 10 ms). */


/** One keep-alive connection per target, one request at a time: round trips in µs, blocks alternating. */
async function sequentialLatencies(ports: Record<string, number>): Promise<Record<string, number[]>> {
  const request = Buffer.from('GET / HTTP/1.1\r\nHost: bench\r\n\r\n');
  const open = (port: number): Promise<Socket> =>
    new Promise((resolve, reject) => {
      const s = connect({ port, host: '127.0.0.1', noDelay: true }, () => resolve(s));
      s.once('error', reject);
    });
  // a response ends with the 2-byte body "ok" after the head (both servers send Content-Length: 2)
  const once = (socket: Socket): Promise<number> =>
    new Promise((resolve) => {
      let text = '';
      const start = performance.now();
      const onData = (c: Buffer): void => {
        text += c.toString('latin1');
        const head = text.indexOf('\r\n\r\n');
        if (head >= 0 && text.length >= head + 6) {
          socket.off('data', onData);
          resolve((performance.now() - start) * 1000);
        }
      };
      socket.on('data', onData);
      socket.write(request);
    });
  const sockets = Object.fromEntries(await Promise.all(Object.entries(ports).map(async ([name, port]) => [name, await open(port)] as const)));
  const result: Record<string, number[]> = Object.fromEntries(Object.keys(ports).map((name) => [name, []]));
  for (let block = 0; block < 20; block++) {
    for (const [name, socket] of Object.entries(sockets)) {
      for (let i = 0; i < SEQUENTIAL_REQUESTS / 20; i++) result[name]!.push(await once(socket));
    }
  }
  for (const socket of Object.values(sockets)) socket.destroy();
  return result;
}

async function main(): Promise<void> {
  const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;
  const plane = await startPlane();
  const bare = await spawnBareProxy(plane.ports.direct);
  const targets = { plain: plane.ports.plain, meshed: plane.ports.meshed, 'bare http': bare.port };
  const cpuOf: Record<string, number> = { plain: plane.pid, meshed: plane.pid, 'bare http': bare.pid };
  console.log(`mesh bench: ${ROUNDS} rounds of ${SECONDS}s per listener, ${CONNECTIONS} keep-alive connections; the plane in its own child process, the backend pod in another; "bare http" is a minimal Node HTTP proxy in a third, for scale`);
  // warm-up: JIT and undici's wasm parser
  for (const port of Object.values(targets)) await autocannon({ url: `http://127.0.0.1:${port}/`, connections: CONNECTIONS, duration: 2 });
  const cpuPerRequest: Record<string, number[]> = { plain: [], meshed: [], 'bare http': [] };
  const rates: Record<string, number[]> = { plain: [], meshed: [], 'bare http': [] };
  for (let round = 1; round <= ROUNDS; round++) {
    const line: string[] = [];
    for (const [name, port] of Object.entries(targets)) {
      const before = cpuMs(cpuOf[name]!);
      const result = await autocannon({ url: `http://127.0.0.1:${port}/`, connections: CONNECTIONS, duration: SECONDS });
      const perRequest = ((cpuMs(cpuOf[name]!) - before) * 1000) / result.requests.total;
      cpuPerRequest[name]!.push(perRequest);
      rates[name]!.push(result.requests.average);
      line.push(`${name} ${result.requests.average.toFixed(0)} req/s, ${perRequest.toFixed(1)} µs CPU/request${result.errors + result.non2xx ? `, ${result.errors + result.non2xx} errors/non-2xx` : ''}`);
    }
    console.log(`  round ${round}: ${line.join('; ')}`);
  }
  const cpu = (name: string) => percentile(cpuPerRequest[name]!, 50);
  console.log(`  CPU per request of the plane (median round): plain TCP ${cpu('plain').toFixed(1)} µs, mesh ${cpu('meshed').toFixed(1)} µs → ratio ${(cpu('meshed') / cpu('plain')).toFixed(2)}× (goal ≤ 2×)`);
  console.log(`  for scale: a minimal Node HTTP proxy ${cpu('bare http').toFixed(1)} µs (${(cpu('bare http') / cpu('plain')).toFixed(2)}× plain); mesh / minimal HTTP proxy ${(cpu('meshed') / cpu('bare http')).toFixed(2)}×`);
  console.log(`  throughput (median round): mesh / plain ${(percentile(rates['meshed']!, 50) / percentile(rates['plain']!, 50)).toFixed(2)}×`);

  const latencies = await sequentialLatencies({ ...plane.ports, 'bare http': bare.port });
  const p50 = (name: string) => percentile(latencies[name]!, 50);
  const added = (name: string) => p50(name) - p50('direct');
  console.log(`  single connection, ${latencies['direct']!.length} sequential requests per target (blocks alternate):`);
  for (const name of Object.keys(latencies)) console.log(`    ${name.padEnd(9)} p50 ${p50(name).toFixed(0)} µs, p99 ${percentile(latencies[name]!, 99).toFixed(0)} µs`);
  console.log(`  added p50 over the pod: plain TCP ${added('plain').toFixed(0)} µs, mesh ${added('meshed').toFixed(0)} µs → ratio ${(added('meshed') / Math.max(1, added('plain'))).toFixed(2)}×; minimal HTTP proxy ${added('bare http').toFixed(0)} µs`);
}

if (process.env['BENCH_MESH_ROLE'] === 'plane') {
  await runPlane();
} else {
  try {
    await main();
  } finally {
    for (const child of children) child.kill('SIGTERM');
  }
}
