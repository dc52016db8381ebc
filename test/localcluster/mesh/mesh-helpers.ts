import { request } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LocalCluster } from '../../../src/localcluster/index.ts';

export const MESH_BACKEND = join(dirname(fileURLToPath(import.meta.url)), 'apps', 'mesh-backend.mjs');

/** One Deployment of the mesh backend, labelled `app: <app>, version: <version>`. */
export function backendDeployment(options: { app: string; version: string; namespace: string; replicas?: number }): string {
  const name = `${options.app}-${options.version}`;
  return `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: ${options.namespace} }
spec:
  replicas: ${options.replicas ?? 1}
  selector: { matchLabels: { app: ${options.app}, version: ${options.version} } }
  template:
    metadata:
      labels: { app: ${options.app}, version: ${options.version} }
      annotations: { rebound.dev/probe-period-ms: "50" }
    spec:
      terminationGracePeriodSeconds: 1
      containers:
        - name: app
          image: rebound/mesh-backend:dev
          command: [node, ${JSON.stringify(MESH_BACKEND)}]
          ports: [{ name: http, containerPort: 8080 }]
          readinessProbe: { httpGet: { path: /healthz, port: http }, periodSeconds: 1 }
`;
}

export function serviceManifest(options: { app: string; namespace: string }): string {
  return `apiVersion: v1
kind: Service
metadata: { name: ${options.app}, namespace: ${options.namespace} }
spec:
  selector: { app: ${options.app} }
  ports: [{ name: http, port: 80, targetPort: http }]
`;
}

export function namespaceManifest(namespace: string): string {
  return `apiVersion: v1\nkind: Namespace\nmetadata: { name: ${namespace} }\n`;
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** Parsed JSON body when it is JSON. */
  json?: { pod: string; attempt: string | null; bodyLength: number };
}

/** One HTTP request over a fresh connection (no agent: each call is independent). */
export function call(port: number, path = '/', options: { method?: string; body?: string; headers?: Record<string, string>; timeoutMs?: number } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers ?? {}, agent: false, timeout: options.timeoutMs ?? 15_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => {
        let json: Reply['json'];
        try {
          json = JSON.parse(body.split('\n').at(-1) ?? '');
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, ...(json ? { json } : {}) });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`request to ${path} timed out`)));
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Sends `count` requests, `concurrency` at a time; returns them in order. */
export async function callMany(port: number, count: number, path = '/', concurrency = 8, options: Parameters<typeof call>[2] = {}): Promise<Reply[]> {
  const out: Reply[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      out[i] = await call(port, path, options);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return out;
}

export function servicePort(cluster: LocalCluster, namespace: string, name: string): number {
  const address = cluster.serviceAddress(namespace, name, 80);
  if (!address) throw new Error(`no listener for ${namespace}/${name}`);
  return address.localPort;
}

/** Pods of an app with their loopback ports, read through the API. */
export async function podPorts(cluster: LocalCluster, namespace: string, labelSelector: string): Promise<Array<{ name: string; port: number; version: string }>> {
  const res = await fetch(`${cluster.url}/api/v1/namespaces/${namespace}/pods?labelSelector=${encodeURIComponent(labelSelector)}`);
  const list = (await res.json()) as { items: Array<{ metadata: { name: string; labels: Record<string, string>; annotations: Record<string, string> } }> };
  return list.items.map((p) => ({ name: p.metadata.name, port: Number(p.metadata.annotations['rebound.dev/local-port']), version: p.metadata.labels.version ?? '' }));
}

/** Sets a pod's behaviour directly (bypassing the mesh). */
export async function setMode(port: number, mode: { status?: number; delayMs?: number; reset?: boolean; refuseForMs?: number }): Promise<void> {
  const reply = await call(port, '/__mode', { method: 'POST', body: JSON.stringify(mode) });
  if (reply.status !== 200) throw new Error(`setMode failed: ${reply.status}`);
}

/** Applies an object through the API server (create, or replace when it exists). */
export async function applyObject(cluster: LocalCluster, object: { apiVersion: string; kind: string; metadata: { name: string; namespace: string }; spec: unknown }): Promise<{ status: number; body: any }> {
  const plural = object.kind === 'VirtualService' ? 'virtualservices' : 'destinationrules';
  const base = `${cluster.url}/apis/${object.apiVersion}/namespaces/${object.metadata.namespace}/${plural}`;
  const existing = await fetch(`${base}/${object.metadata.name}`);
  const res = existing.status === 200
    ? await fetch(`${base}/${object.metadata.name}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...object, metadata: { ...object.metadata, resourceVersion: ((await existing.json()) as any).metadata.resourceVersion } }) })
    : await fetch(base, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(object) });
  return { status: res.status, body: await res.json() };
}

export async function deleteObject(cluster: LocalCluster, apiVersion: string, plural: string, namespace: string, name: string): Promise<void> {
  await fetch(`${cluster.url}/apis/${apiVersion}/namespaces/${namespace}/${plural}/${name}`, { method: 'DELETE' });
}

/** Counts of `key(reply)` over replies. */
export function tally<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1;
  return out;
}

/** Sum of istio_requests_total samples whose labels include every given pair. */
export async function requestsTotal(cluster: LocalCluster, labels: Record<string, string>): Promise<number> {
  const text = await (await fetch(cluster.meshMetricsUrl)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith('istio_requests_total{')) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}
