import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const servicesDir = fileURLToPath(new URL('../../fixtures/shop/services/', import.meta.url));

export interface ShopProcess {
  readonly name: string;
  readonly port: number;
  readonly url: string;
  readonly child: ChildProcess;
  /** stdout + stderr so far. */
  output(): string;
  /** Resolves with the exit code (or the signal name) once the process has exited. */
  readonly exited: Promise<number | string>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves on exit. */
  stop(graceMs?: number): Promise<number | string>;
}

const running = new Set<ShopProcess>();

/**
 * Starts one shop service as a child process of this Node, on PORT=0 unless given, and
 * resolves once it logs its port. Every process started here is tracked for `stopAll`.
 */
export async function startShopService(
  service: 'checkout' | 'payments' | 'inventory',
  name: string,
  env: Record<string, string> = {},
  startTimeoutMs = 10_000,
): Promise<ShopProcess> {
  const child = spawn(process.execPath, [path.join(servicesDir, `${service}.mjs`)], {
    env: { PATH: process.env.PATH ?? '', PORT: '0', POD_NAME: name, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (text += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (text += d));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within ${startTimeoutMs} ms; output:\n${text}`)), startTimeoutMs);
    const onData = () => {
      const m = /listening on (\d+)/.exec(text);
      if (m) { clearTimeout(timer); child.stdout!.off('data', onData); resolve(Number(m[1])); }
    };
    child.stdout!.on('data', onData);
    void exited.then((code) => { clearTimeout(timer); reject(new Error(`${name} exited (${code}) before listening; output:\n${text}`)); });
  });
  const proc: ShopProcess = {
    name, port, url: `http://127.0.0.1:${port}`, child, exited,
    output: () => text,
    stop: async (graceMs = 5000) => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      running.delete(proc);
      return exited;
    },
  };
  running.add(proc);
  void exited.then(() => running.delete(proc));
  return proc;
}

/** Runs a service that is expected to exit by itself (e.g. on bad configuration). */
export function runShopServiceToExit(service: string, env: Record<string, string>, timeoutMs = 10_000): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(servicesDir, `${service}.mjs`)], { env: { PATH: process.env.PATH ?? '', PORT: '0', ...env } });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`${service} did not exit within ${timeoutMs} ms:\n${output}`)); }, timeoutMs);
    child.once('exit', (code) => { clearTimeout(timer); resolve({ code, output }); });
  });
}

export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((p) => p.stop(2000)));
}

export interface CheckoutAnswer {
  status: number;
  servedBy: string | null;
  payments: string | null;
  inventory: string | null;
  tries: string | null;
  body: string;
}

export async function postCheckout(base: string, signal = AbortSignal.timeout(5000)): Promise<CheckoutAnswer> {
  const res = await fetch(`${base}/checkout`, { method: 'POST', body: '{"sku":"apple","qty":1}', headers: { 'content-type': 'application/json' }, signal });
  return {
    status: res.status,
    servedBy: res.headers.get('x-served-by'),
    payments: res.headers.get('x-payments-served-by'),
    inventory: res.headers.get('x-inventory-served-by'),
    tries: res.headers.get('x-payments-tries'),
    body: await res.text(),
  };
}

export async function sequentially<T>(n: number, fn: () => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(await fn());
  return out;
}

export function countBy<T>(items: readonly T[], key: (t: T) => string | null): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) { const k = key(item) ?? '(none)'; counts[k] = (counts[k] ?? 0) + 1; }
  return counts;
}
