import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { main as loadMain } from '../../src/cli/load.ts';
import { closedPort, startTestServer, type TestServer } from './helpers/test-server.ts';

const BIN = fileURLToPath(new URL('../../bin/rebound.mjs', import.meta.url));

interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const children = new Set<ChildProcess>();

/** The command's main() in this process, with stdout/stderr captured (fast; the spawned cases cover the binary). */
async function loadInProcess(args: string[]): Promise<CliRun> {
  const out = process.stdout.write;
  const err = process.stderr.write;
  let stdout = '';
  let stderr = '';
  process.stdout.write = ((chunk: string | Uint8Array) => ((stdout += String(chunk)), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => ((stderr += String(chunk)), true)) as typeof process.stderr.write;
  try {
    const code = await loadMain(args);
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}

function rebound(args: string[], onSpawn?: (child: ChildProcess) => void): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk) => (stdout += chunk));
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      children.delete(child);
      resolve({ code, stdout, stderr });
    });
    onSpawn?.(child);
  });
}

describe('rebound load (CLI)', function () {
  this.timeout(30_000);
  let server: TestServer;
  before(async () => {
    let n = 0;
    server = await startTestServer((_req, res) => {
      res.setHeader('x-served-by', n++ % 2 ? 'b' : 'a');
      res.end('ok');
    });
  });
  after(async () => {
    for (const child of children) child.kill('SIGKILL');
    await server.close();
  });

  it('open model --json: one JSON object with requests, successes, rate, latency and failures', async () => {
    const run = await rebound(['load', `${server.url}/x`, '--rate', '200/s', '--duration', '1s', '--served-by', 'x-served-by', '--json']);
    expect(run.code, run.stderr).to.equal(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).to.have.length(1);
    const report = JSON.parse(lines[0]!);
    expect(report).to.include({ mode: 'open', targetRate: 200, requests: 200, successes: 200, successRatio: 1, dropped: 0, interrupted: false });
    expect(report.rate).to.be.closeTo(200, 2);
    expect(report.failures).to.deep.equal({});
    expect(report.servedBy).to.deep.equal({ a: 100, b: 100 });
    for (const key of ['p50', 'p90', 'p99', 'max']) {
      expect(report.latency[key]).to.be.a('number').and.at.least(0);
      expect(report.serviceTime[key]).to.be.a('number');
    }
    expect(report.latency.p50).to.be.at.most(report.latency.p99);
  });

  it('closed model without --rate, human output', async () => {
    const run = await loadInProcess([`${server.url}/`, '--duration', '500ms', '--connections', '4']);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.match(/closed model, max speed/);
    expect(run.stdout).to.match(/success\s+100\.00 %/);
    expect(run.stdout).to.match(/latency\s+p50 [\d.]+ ms/);
    expect(run.stdout).to.match(/rate\s+\d+\.\d\/s achieved/);
  });

  it('bad input: a clear message naming the problem, exit 2, no stack trace', async () => {
    const cases: [string[], RegExp][] = [
      [[], /missing <url>/],
      [['not a url', '--rate', '10'], /not a valid URL: 'not a url'/],
      [['ftp://127.0.0.1/', '--rate', '10'], /only http:\/\/ and https:\/\//],
      [[server.url, '--rate', '0'], /--rate must be greater than 0/],
      [[server.url, '--rate', '-5'], /--rate must be greater than 0, got '-5'/],
      [[server.url, '--rate', '5000000/s'], /max 1,000,000\/s/],
      [[server.url, '--rate', 'fast'], /--rate: expected requests per second/],
      [[server.url, '--rate', '10', '--duration', '10 parsecs'], /--duration: expected a duration like 10s/],
      [[server.url, '--rate', '10', '--timeout', '0s'], /--timeout must be greater than 0/],
      [[server.url, '--connections', '0'], /--connections must be between 1 and/],
      [[server.url, '--header', 'no-colon'], /--header: expected 'name: value'/],
      [[server.url, '--bogus'], /Unknown option '--bogus'/],
      [[server.url, 'http://other/'], /expected one <url>, got 2/],
    ];
    const before = server.received();
    for (const [args, message] of cases) {
      const run = await loadInProcess(args);
      expect(run.code, args.join(' ')).to.equal(2);
      expect(run.stderr, args.join(' ')).to.match(message);
      expect(run.stdout).to.equal('');
    }
    expect(server.received(), 'no traffic on bad input').to.equal(before);
    // Through the real binary: same message, exit code 2, no stack trace.
    const spawned = await rebound(['load', server.url, '--rate', '-5']);
    expect(spawned.code).to.equal(2);
    expect(spawned.stderr).to.match(/--rate must be greater than 0, got '-5'/);
    expect(spawned.stderr).to.not.match(/\n\s+at /);
  });

  it('an unreachable port: reports the failures, says every request was refused, exits 4', async () => {
    const port = await closedPort();
    const run = await rebound(['load', `http://127.0.0.1:${port}/`, '--rate', '50', '--duration', '400ms', '--json']);
    expect(run.code).to.equal(4);
    expect(run.stderr).to.match(new RegExp(`every request was refused: nothing is listening at 127\\.0\\.0\\.1:${port}`));
    const report = JSON.parse(run.stdout);
    expect(report).to.include({ requests: 20, successes: 0 });
    expect(report.failures).to.deep.equal({ connection_refused: 20 });
  });

  it('SIGINT: stops scheduling, drains, reports what it has, exits 130', async () => {
    const started = performance.now();
    const receivedBefore = server.received();
    const run = await rebound(['load', `${server.url}/`, '--rate', '100', '--duration', '60s', '--json'], (child) => {
      // Interrupt once requests are flowing (tsx start-up takes a moment).
      const poll = setInterval(() => {
        if (server.received() > receivedBefore) {
          clearInterval(poll);
          setTimeout(() => child.kill('SIGINT'), 300);
        }
      }, 20);
      child.on('close', () => clearInterval(poll));
    });
    expect(run.code, run.stderr).to.equal(130);
    const report = JSON.parse(run.stdout);
    expect(report.interrupted).to.equal(true);
    expect(report.requests).to.be.within(10, 200);
    expect(report.successes).to.equal(report.requests);
    expect(report.rate).to.be.closeTo(100, 15);
    expect(performance.now() - started).to.be.below(20_000);
  });
});
