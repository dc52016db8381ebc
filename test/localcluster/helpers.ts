import { execFile, spawn } from 'node:child_process';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const HERE = dirname(fileURLToPath(import.meta.url));
export const ECHO_APP = join(HERE, 'apps', 'echo-server.mjs');
export const ECHO_MANIFEST = join(HERE, 'manifests', 'echo.yaml');

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real kubectl asynchronously (the plane under test lives in this process: never block the loop). */
export function kubectl(kubeconfig: string, args: string[], timeoutMs = 20_000): Promise<KubectlResult> {
  return new Promise((resolve) => {
    execFile('kubectl', ['--kubeconfig', kubeconfig, ...args], { encoding: 'utf8', timeout: timeoutMs }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as any).code === 'number' ? (error as any).code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** True while any process of the group is alive. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000, everyMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export async function tempDir(): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'rebound-lc-test-'));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}

/** A one-Deployment manifest running the echo app (fast probes via the local annotation). */
export function echoDeployment(options: { name: string; namespace: string; replicas?: number; env?: Record<string, string>; grace?: number; extra?: string; serviceAnnotations?: string }): string {
  const env = Object.entries(options.env ?? {}).map(([k, v]) => `            - { name: ${k}, value: ${JSON.stringify(v)} }`).join('\n');
  return `apiVersion: v1
kind: Namespace
metadata: { name: ${options.namespace} }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: ${options.name}, namespace: ${options.namespace} }
spec:
  replicas: ${options.replicas ?? 1}
  selector: { matchLabels: { app: ${options.name} } }
  template:
    metadata:
      labels: { app: ${options.name} }
      annotations: { rebound.dev/probe-period-ms: "50" }
    spec:
      terminationGracePeriodSeconds: ${options.grace ?? 2}
      containers:
        - name: app
          image: rebound/echo:dev
          command: [node, ${JSON.stringify(ECHO_APP)}]
          ports: [{ name: http, containerPort: 8080 }]
          readinessProbe: { httpGet: { path: /healthz, port: http }, periodSeconds: 1 }
${env ? `          env:\n${env}\n` : ''}${options.extra ?? ''}---
apiVersion: v1
kind: Service
metadata:
  name: ${options.name}
  namespace: ${options.namespace}
${options.serviceAnnotations ? `  annotations: ${options.serviceAnnotations}\n` : ''}spec:
  selector: { app: ${options.name} }
  ports: [{ name: http, port: 80, targetPort: http }]
`;
}

export async function writeManifest(dir: string, name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

/** Lists the pids of direct children of `pid` (Linux /proc). */
export async function childPids(pid: number): Promise<number[]> {
  return new Promise((resolve) => {
    const ps = spawn('ps', ['-o', 'pid=', '--ppid', String(pid)]);
    let out = '';
    ps.stdout.on('data', (d) => (out += d));
    ps.on('close', () => resolve(out.split('\n').map((l) => Number(l.trim())).filter((n) => n > 0)));
  });
}
