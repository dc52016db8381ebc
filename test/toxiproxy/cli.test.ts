import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Toxiproxy } from 'toxiproxy-node-client';
import { startToxiproxy } from '../../src/toxiproxy/index.ts';
import { connectTo, listenPort, receiveUntilClose, roundTrip, startEchoServer } from './helpers.ts';

const BIN = fileURLToPath(new URL('../../bin/rebound.mjs', import.meta.url));

interface Run {
  readonly child: ChildProcess;
  readonly exit: Promise<{ code: number | null; stdout: string; stderr: string }>;
  stdout(): string;
}

function rebound(args: string[]): Run {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c));
  child.stderr!.on('data', (c: Buffer) => (stderr += c));
  const exit = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
  return { child, exit, stdout: () => stdout };
}

async function printedUrl(run: Run, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const match = /http:\/\/127\.0\.0\.1:\d+/.exec(run.stdout());
    if (match) return match[0];
    if (run.child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no URL printed; stdout so far: ${run.stdout()}`);
}

/** `rebound toxiproxy` as a user runs it: a real child process. */
describe('rebound toxiproxy (CLI)', function () {
  this.timeout(30_000);
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  });

  it('serves the API at the URL it prints and exits 0 on SIGTERM, closing live connections', async () => {
    const echo = await startEchoServer();
    try {
      const run = rebound(['toxiproxy', '--port', '0']);
      children.push(run.child);
      const url = await printedUrl(run);
      const client = new Toxiproxy(url);
      expect(await client.getVersion()).to.contain('2.12.0');
      const proxy = await client.createProxy({ name: 'echo', listen: '127.0.0.1:0', upstream: echo.address });
      const socket = await connectTo(listenPort(proxy.listen));
      await roundTrip(socket);
      const closed = receiveUntilClose(socket);
      run.child.kill('SIGTERM');
      const { code, stderr } = await run.exit;
      expect(stderr).to.equal('');
      expect(code).to.equal(0);
      expect((await closed).closedAfter).to.be.below(5000);
    } finally {
      await echo.close();
    }
  });

  it('exits 0 on SIGINT too', async () => {
    const run = rebound(['toxiproxy', '--port=0', '--host', '127.0.0.1']);
    children.push(run.child);
    await printedUrl(run);
    run.child.kill('SIGINT');
    expect((await run.exit).code).to.equal(0);
  });

  it('port in use: one clear line and exit 4, no stack trace', async () => {
    const busy = await startToxiproxy({ port: 0 });
    try {
      const { code, stderr, stdout } = await rebound(['toxiproxy', '--port', String(busy.port)]).exit;
      expect(code).to.equal(4);
      expect(stdout).to.equal('');
      expect(stderr.trim().split('\n')).to.have.length(1);
      expect(stderr).to.contain(`127.0.0.1:${busy.port}: address already in use`);
      expect(stderr).not.to.match(/\n\s+at /);
    } finally {
      await busy.close();
    }
  });

  it('--config creates the proxies before the API answers (toxiproxy-server -config), and they carry traffic', async () => {
    const echo = await startEchoServer();
    const dir = mkdtempSync(join(tmpdir(), 'rebound-tp-config-'));
    try {
      const config = join(dir, 'proxies.json');
      writeFileSync(config, JSON.stringify([{ name: 'echo', listen: '127.0.0.1:0', upstream: echo.address }, { name: 'spare', listen: '127.0.0.1:0', upstream: echo.address, enabled: false }]));
      const run = rebound(['toxiproxy', '--port', '0', '--config', config]);
      children.push(run.child);
      const client = new Toxiproxy(await printedUrl(run));
      const proxies = await client.getAll();
      expect(Object.keys(proxies).sort()).to.deep.equal(['echo', 'spare']);
      expect(proxies.spare!.enabled).to.equal(false);
      await roundTrip(await connectTo(listenPort(proxies.echo!.listen)));
      run.child.kill('SIGTERM');
      expect((await run.exit).code).to.equal(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await echo.close();
    }
  });

  it('--config that is missing, not JSON, or names a bad proxy: exit 2 naming the file and the entry; a taken listen address: exit 4', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rebound-tp-config-'));
    const busy = await startToxiproxy({ port: 0 });
    try {
      const missing = await rebound(['toxiproxy', '--port', '0', '--config', join(dir, 'nope.json')]).exit;
      expect(missing.code).to.equal(2);
      expect(missing.stderr).to.contain(`${join(dir, 'nope.json')}: cannot read the config: no such file`);
      writeFileSync(join(dir, 'bad.json'), '[{"name": "a",');
      const notJson = await rebound(['toxiproxy', '--port', '0', '--config', join(dir, 'bad.json')]).exit;
      expect(notJson.code).to.equal(2);
      expect(notJson.stderr).to.contain(`${join(dir, 'bad.json')}: not JSON`);
      writeFileSync(join(dir, 'noupstream.json'), JSON.stringify([{ name: 'a', listen: '127.0.0.1:0' }]));
      const noUpstream = await rebound(['toxiproxy', '--port', '0', '--config', join(dir, 'noupstream.json')]).exit;
      expect(noUpstream.code).to.equal(2);
      expect(noUpstream.stderr).to.contain(`${join(dir, 'noupstream.json')}: cannot create the configured proxies: missing required field: upstream at proxy 1`);
      writeFileSync(join(dir, 'taken.json'), JSON.stringify([{ name: 'a', listen: `127.0.0.1:${busy.port}`, upstream: '127.0.0.1:9' }]));
      const taken = await rebound(['toxiproxy', '--port', '0', '--config', join(dir, 'taken.json')]).exit;
      expect(taken.code).to.equal(4);
      expect(taken.stderr).to.contain('address already in use');
      for (const run of [missing, notJson, noUpstream, taken]) expect(run.stderr).not.to.match(/\n\s+at /);
    } finally {
      await busy.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('bad flags: exit 2 with a message naming the flag; --help exits 0', async () => {
    const unknown = await rebound(['toxiproxy', '--prot', '1']).exit;
    expect(unknown.code).to.equal(2);
    expect(unknown.stderr).to.contain("unknown option '--prot'");
    const badPort = await rebound(['toxiproxy', '--port', 'http']).exit;
    expect(badPort.code).to.equal(2);
    expect(badPort.stderr).to.contain("--port must be an integer from 0 to 65535, got 'http'");
    const help = await rebound(['toxiproxy', '-h']).exit;
    expect(help.code).to.equal(0);
    expect(help.stdout).to.contain('Usage: rebound toxiproxy');
  });
});
