import type { KubeObject } from '../api/kube-object.ts';

/** Variables from the parent environment that a local "container" needs to find programs. */
const INHERITED = ['PATH', 'HOME', 'TMPDIR', 'TEMP', 'TMP', 'LANG', 'LC_ALL', 'TZ', 'SYSTEMROOT', 'USER', 'SHELL'];

export interface EnvSources {
  readonly pod: KubeObject;
  readonly localPort: number;
  /** Services of the pod's namespace that exist when the pod starts: name → local port of the first port (+ named ports). */
  readonly services: ReadonlyArray<{ name: string; ports: ReadonlyArray<{ name?: string; localPort: number; protocol?: string }> }>;
  readonly apiPort: number;
  readonly configMap: (namespace: string, name: string) => KubeObject | undefined;
  readonly secret: (namespace: string, name: string) => KubeObject | undefined;
}

/** Expands `$(VAR)` from `env` as Kubernetes does; `$$(VAR)` is an escaped literal, unknown vars stay as written. */
export function expandVars(text: string, env: Readonly<Record<string, string>>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (match, name: string | undefined) => {
    if (match === '$$') return '$';
    return name !== undefined && Object.prototype.hasOwnProperty.call(env, name) ? env[name]! : match;
  });
}

function serviceEnvName(name: string): string {
  return name.toUpperCase().replace(/-/g, '_');
}

function fieldRef(pod: KubeObject, path: string): string {
  const label = /^metadata\.labels\['(.+)'\]$/.exec(path);
  if (label) return pod.metadata.labels?.[label[1]!] ?? '';
  const annotation = /^metadata\.annotations\['(.+)'\]$/.exec(path);
  if (annotation) return pod.metadata.annotations?.[annotation[1]!] ?? '';
  switch (path) {
    case 'metadata.name':
      return pod.metadata.name ?? '';
    case 'metadata.namespace':
      return pod.metadata.namespace ?? '';
    case 'metadata.uid':
      return pod.metadata.uid ?? '';
    case 'spec.nodeName':
      return pod.spec?.nodeName ?? '';
    case 'spec.serviceAccountName':
      return pod.spec?.serviceAccountName ?? 'default';
    case 'status.podIP':
    case 'status.hostIP':
      return '127.0.0.1';
    default:
      throw new Error(`unsupported fieldRef fieldPath "${path}"`);
  }
}

function keyRef(source: KubeObject | undefined, key: string, kind: 'ConfigMap' | 'Secret', name: string, optional: boolean): string | undefined {
  if (!source) {
    if (optional) return undefined;
    throw new Error(`${kind.toLowerCase()} "${name}" not found`);
  }
  if (kind === 'Secret') {
    if (source.stringData?.[key] !== undefined) return String(source.stringData[key]);
    if (source.data?.[key] !== undefined) return Buffer.from(String(source.data[key]), 'base64').toString('utf8');
  } else if (source.data?.[key] !== undefined) return String(source.data[key]);
  if (optional) return undefined;
  throw new Error(`couldn't find key ${key} in ${kind} ${source.metadata.namespace}/${name}`);
}

/**
 * The environment of one container process, in Kubernetes order: service variables and the
 * pod basics first, then envFrom, then env (each entry may reference earlier ones with $(VAR)).
 * Throws a plain Error (CreateContainerConfigError) when a referenced ConfigMap/Secret is missing.
 */
export function containerEnvironment(container: any, sources: EnvSources): Record<string, string> {
  const { pod } = sources;
  const namespace = pod.metadata.namespace ?? 'default';
  const env: Record<string, string> = {};
  for (const name of INHERITED) if (process.env[name] !== undefined) env[name] = process.env[name]!;
  env.KUBERNETES_SERVICE_HOST = '127.0.0.1';
  env.KUBERNETES_SERVICE_PORT = String(sources.apiPort);
  for (const service of sources.services) {
    const prefix = serviceEnvName(service.name);
    const first = service.ports[0];
    if (!first) continue;
    env[`${prefix}_SERVICE_HOST`] = '127.0.0.1';
    env[`${prefix}_SERVICE_PORT`] = String(first.localPort);
    for (const port of service.ports) if (port.name) env[`${prefix}_SERVICE_PORT_${serviceEnvName(port.name)}`] = String(port.localPort);
    env[`${prefix}_PORT`] = `${(first.protocol ?? 'TCP').toLowerCase()}://127.0.0.1:${first.localPort}`;
  }
  env.PORT = String(sources.localPort);
  env.POD_NAME = pod.metadata.name ?? '';
  env.POD_NAMESPACE = namespace;
  env.POD_IP = '127.0.0.1';
  env.HOSTNAME = pod.metadata.name ?? '';
  for (const from of container.envFrom ?? []) {
    const prefix = from.prefix ?? '';
    const ref = from.configMapRef ?? from.secretRef;
    if (!ref?.name) continue;
    const source = from.configMapRef ? sources.configMap(namespace, ref.name) : sources.secret(namespace, ref.name);
    if (!source) {
      if (ref.optional) continue;
      throw new Error(`${from.configMapRef ? 'configmap' : 'secret'} "${ref.name}" not found`);
    }
    const data: Record<string, string> = from.configMapRef ? (source.data ?? {}) : Object.fromEntries(Object.entries(source.data ?? {}).map(([k, v]) => [k, Buffer.from(String(v), 'base64').toString('utf8')]));
    for (const [key, value] of Object.entries(data)) env[`${prefix}${key}`] = String(value);
  }
  for (const entry of container.env ?? []) {
    if (!entry?.name) continue;
    if (entry.valueFrom) {
      const from = entry.valueFrom;
      let value: string | undefined;
      if (from.fieldRef) value = fieldRef(pod, from.fieldRef.fieldPath);
      else if (from.configMapKeyRef) value = keyRef(sources.configMap(namespace, from.configMapKeyRef.name), from.configMapKeyRef.key, 'ConfigMap', from.configMapKeyRef.name, Boolean(from.configMapKeyRef.optional));
      else if (from.secretKeyRef) value = keyRef(sources.secret(namespace, from.secretKeyRef.name), from.secretKeyRef.key, 'Secret', from.secretKeyRef.name, Boolean(from.secretKeyRef.optional));
      else if (from.resourceFieldRef) value = '0';
      if (value !== undefined) env[entry.name] = value;
    } else env[entry.name] = expandVars(String(entry.value ?? ''), env);
  }
  return env;
}
