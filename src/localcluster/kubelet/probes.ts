import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { connect } from 'node:net';
import type { OrphanGuard } from './orphan-guard.ts';

export interface ProbeResult {
  readonly ok: boolean;
  /** Why it failed, in the words kubelet uses for Unhealthy events. */
  readonly message: string;
}

export interface ProbeTarget {
  /** Loopback port the probe's port resolves to (undefined when it cannot be resolved). */
  readonly port: number | undefined;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  /** Exec probe commands die with the plane too. */
  readonly orphanGuard?: OrphanGuard;
}

/** Runs one httpGet / tcpSocket / exec probe attempt with the probe's timeout. */
export function runProbe(probe: any, target: ProbeTarget): Promise<ProbeResult> {
  const timeoutMs = Math.max(50, Number(probe.timeoutSeconds ?? 1) * 1000);
  if (probe.httpGet) return httpProbe(probe.httpGet, target, timeoutMs);
  if (probe.tcpSocket) return tcpProbe(probe.tcpSocket, target, timeoutMs);
  if (probe.exec) return execProbe(probe.exec, target, timeoutMs);
  return Promise.resolve({ ok: false, message: 'unsupported probe handler (use httpGet, tcpSocket or exec)' });
}

function httpProbe(spec: any, target: ProbeTarget, timeoutMs: number): Promise<ProbeResult> {
  const host = spec.host || '127.0.0.1';
  const path = spec.path || '/';
  if (target.port === undefined) return Promise.resolve({ ok: false, message: `Get "http://${host}${path}": unknown port ${JSON.stringify(spec.port)}` });
  const url = `http://${host}:${target.port}${path}`;
  return new Promise((resolve) => {
    const headers: Record<string, string> = { 'User-Agent': 'kube-probe/1.32', Accept: '*/*', Connection: 'close' };
    for (const h of spec.httpHeaders ?? []) if (h?.name) headers[h.name] = String(h.value ?? '');
    const req = request({ host, port: target.port, path, method: 'GET', headers, agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      const code = res.statusCode ?? 0;
      resolve(code >= 200 && code < 400 ? { ok: true, message: '' } : { ok: false, message: `HTTP probe failed with statuscode: ${code}` });
    });
    req.on('timeout', () => {
      req.destroy();
      resolve({ ok: false, message: `Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)` });
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ ok: false, message: `Get "${url}": dial tcp ${host}:${target.port}: connect: ${errorText(error)}` }));
    req.end();
  });
}

function tcpProbe(spec: any, target: ProbeTarget, timeoutMs: number): Promise<ProbeResult> {
  const host = spec.host || '127.0.0.1';
  if (target.port === undefined) return Promise.resolve({ ok: false, message: `dial tcp: unknown port ${JSON.stringify(spec.port)}` });
  return new Promise((resolve) => {
    const socket = connect({ host, port: target.port! });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ ok: false, message: `dial tcp ${host}:${target.port}: i/o timeout` });
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ ok: true, message: '' });
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ ok: false, message: `dial tcp ${host}:${target.port}: connect: ${errorText(error)}` });
    });
  });
}

function execProbe(spec: any, target: ProbeTarget, timeoutMs: number): Promise<ProbeResult> {
  const command: string[] = spec.command ?? [];
  if (command.length === 0) return Promise.resolve({ ok: false, message: 'exec probe has no command' });
  const file = command[0] === 'node' ? process.execPath : command[0]!;
  return new Promise((resolve) => {
    let output = '';
    const child = spawn(file, command.slice(1), { cwd: target.cwd, env: { ...target.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    target.orphanGuard?.watch(child.pid);
    child.stdout?.on('data', (d) => (output = (output + d.toString()).slice(-2000)));
    child.stderr?.on('data', (d) => (output = (output + d.toString()).slice(-2000)));
    const timer = setTimeout(() => {
      killGroup(child.pid, 'SIGKILL');
      resolve({ ok: false, message: `command ${JSON.stringify(command.join(' '))} timed out` });
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ ok: false, message: `exec probe failed: ${error.message}` });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      killGroup(child.pid, 'SIGKILL');
      target.orphanGuard?.unwatch(child.pid);
      resolve(code === 0 ? { ok: true, message: '' } : { ok: false, message: output.trim() || `command exited with ${code}` });
    });
  });
}

function errorText(error: NodeJS.ErrnoException): string {
  if (error.code === 'ECONNREFUSED') return 'connection refused';
  if (error.code === 'ECONNRESET') return 'connection reset by peer';
  return error.message;
}

/** Signals a whole process group; a group that is already gone is fine. */
export function killGroup(pid: number | undefined, signal: NodeJS.Signals): boolean {
  if (!pid) return false;
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}
