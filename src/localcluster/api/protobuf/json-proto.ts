import protobuf from 'protobufjs';
import { isInline, jsonFields, messageOf, opaqueFields, specialKind, typeName } from './registry.ts';

/**
 * Scalars Go declares as pointers: present on the wire only when set, so a zero is a value.
 * Every other zero scalar on the wire is Go's zero value, which its JSON (`omitempty`) omits.
 */
const POINTER_SCALARS = new Set([
  'apps.DeploymentSpec.replicas',
  'apps.DeploymentSpec.revisionHistoryLimit',
  'apps.DeploymentSpec.progressDeadlineSeconds',
  'apps.ReplicaSetSpec.replicas',
  'core.PodSpec.terminationGracePeriodSeconds',
  'core.PodSpec.activeDeadlineSeconds',
  'core.PodSpec.automountServiceAccountToken',
  'core.PodSpec.enableServiceLinks',
  'core.PodSpec.shareProcessNamespace',
  'core.PodSpec.setHostnameAsFQDN',
  'core.PodSpec.hostUsers',
  'core.PodSpec.priority',
  'core.ServiceAccount.automountServiceAccountToken',
  'core.ConfigMap.immutable',
  'core.Secret.immutable',
  'core.SecurityContext.privileged',
  'core.SecurityContext.runAsUser',
  'core.SecurityContext.runAsGroup',
  'core.SecurityContext.runAsNonRoot',
  'core.SecurityContext.readOnlyRootFilesystem',
  'core.SecurityContext.allowPrivilegeEscalation',
  'core.PodSecurityContext.runAsUser',
  'core.PodSecurityContext.runAsGroup',
  'core.PodSecurityContext.runAsNonRoot',
  'core.PodSecurityContext.fsGroup',
  'core.Probe.terminationGracePeriodSeconds',
  'core.Toleration.tolerationSeconds',
  'core.ServiceSpec.allocateLoadBalancerNodePorts',
  'core.ContainerStatus.started',
  'core.TopologySpreadConstraint.minDomains',
  'core.ClientIPConfig.timeoutSeconds',
  'core.ServiceAccountTokenProjection.expirationSeconds',
  'core.SecretVolumeSource.defaultMode',
  'core.ConfigMapVolumeSource.defaultMode',
  'core.DownwardAPIVolumeSource.defaultMode',
  'core.ProjectedVolumeSource.defaultMode',
  'core.KeyToPath.mode',
  'core.DownwardAPIVolumeFile.mode',
  'core.ConfigMapKeySelector.optional',
  'core.SecretKeySelector.optional',
  'core.ConfigMapEnvSource.optional',
  'core.SecretEnvSource.optional',
  'core.SecretVolumeSource.optional',
  'core.ConfigMapVolumeSource.optional',
  'core.SecretProjection.optional',
  'core.ConfigMapProjection.optional',
  'meta.ObjectMeta.deletionGracePeriodSeconds',
  'meta.OwnerReference.controller',
  'meta.OwnerReference.blockOwnerDeletion',
  'meta.ListMeta.remainingItemCount',
  'meta.DeleteOptions.gracePeriodSeconds',
  'meta.DeleteOptions.orphanDependents',
  'meta.StatusDetails.retryAfterSeconds',
]);

/** The JSON value cannot be written with the schema (an unmodelled field): answer in JSON instead. */
export class NotRepresentable extends Error {
  override readonly name = 'NotRepresentable';
}

// ---- protobuf → JSON ----

export function messageToJson(type: protobuf.Type, message: Record<string, unknown>): unknown {
  const special = specialKind(type);
  if (special) return specialToJson(special, message);
  const out: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    if (!Object.prototype.hasOwnProperty.call(message, field.name)) continue;
    const value = message[field.name];
    if (value === null || value === undefined) continue;
    if (isInline(type, field)) {
      Object.assign(out, messageToJson(field.resolvedType as protobuf.Type, value as Record<string, unknown>));
      continue;
    }
    const json = fieldToJson(type, field, value);
    if (json !== undefined) out[field.name] = json;
  }
  return out;
}

function fieldToJson(type: protobuf.Type, field: protobuf.Field, value: unknown): unknown {
  const message = messageOf(field);
  if (field.map) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return undefined;
    return Object.fromEntries(entries.map(([k, v]) => [k, message ? messageToJson(message, v as Record<string, unknown>) : scalarToJson(field.type, v)]));
  }
  if (field.repeated) {
    const items = value as unknown[];
    if (items.length === 0) return undefined;
    return items.map((v) => (message ? messageToJson(message, v as Record<string, unknown>) : scalarToJson(field.type, v)));
  }
  if (message) {
    const json = messageToJson(message, value as Record<string, unknown>);
    return json === null ? undefined : json;
  }
  const json = scalarToJson(field.type, value);
  if (isZero(json) && !POINTER_SCALARS.has(`${typeName(type)}.${field.name}`)) return undefined;
  return json;
}

function scalarToJson(protoType: string, value: unknown): unknown {
  if (protoType === 'bytes') return Buffer.from(value as Uint8Array).toString('base64');
  if (protoType === 'int64' || protoType === 'uint64' || protoType === 'sint64') return Number(value);
  return value;
}

function isZero(value: unknown): boolean {
  return value === '' || value === 0 || value === false;
}

function specialToJson(kind: string, message: Record<string, any>): unknown {
  switch (kind) {
    case 'time':
    case 'microtime': {
      const seconds = Number(message.seconds ?? 0);
      const nanos = Number(message.nanos ?? 0);
      if (seconds === 0 && nanos === 0) return null;
      const iso = new Date(seconds * 1000).toISOString().slice(0, 19);
      if (kind === 'time') return `${iso}Z`;
      return `${iso}.${String(Math.floor(nanos / 1000)).padStart(6, '0')}Z`;
    }
    case 'intorstring':
      return Number(message.type ?? 0) === 1 ? (message.strVal ?? '') : (message.intVal ?? 0);
    case 'quantity':
      return message.string ?? '0';
    case 'fieldsv1': {
      const raw = message.Raw as Uint8Array | undefined;
      return raw && raw.length > 0 ? JSON.parse(Buffer.from(raw).toString('utf8')) : {};
    }
  }
  return null;
}

// ---- JSON → protobuf ----

/** A plain object protobufjs can encode as `type`; throws NotRepresentable for keys the schema lacks. */
export function jsonToMessage(type: protobuf.Type, json: unknown, path: string): Record<string, unknown> {
  const special = specialKind(type);
  if (special) return specialFromJson(special, json, path);
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new NotRepresentable(`${path}: expected an object`);
  const out: Record<string, unknown> = {};
  const fields = jsonFields(type);
  for (const [key, value] of Object.entries(json as Record<string, unknown>)) {
    if (value === null || value === undefined) continue;
    const entry = fields.get(key);
    if (!entry) {
      if (path === '' && (key === 'apiVersion' || key === 'kind')) continue;
      throw new NotRepresentable(`${path}${key}: not in the schema${opaqueFields(type).includes(key) ? ' (opaque volume source)' : ''}`);
    }
    let target = out;
    for (const inline of entry.via) target = (target[inline.name] ??= {}) as Record<string, unknown>;
    target[entry.field.name] = fieldFromJson(entry.field, value, `${path}${key}.`);
  }
  return out;
}

function fieldFromJson(field: protobuf.Field, value: unknown, path: string): unknown {
  const message = messageOf(field);
  const one = (v: unknown, p: string) => (message ? jsonToMessage(message, v, p) : scalarFromJson(field.type, v, p));
  if (field.map) {
    if (typeof value !== 'object' || Array.isArray(value)) throw new NotRepresentable(`${path}: expected a map`);
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, one(v, `${path}${k}.`)]));
  }
  if (field.repeated) {
    if (!Array.isArray(value)) throw new NotRepresentable(`${path}: expected a list`);
    return value.map((v, i) => one(v, `${path}[${i}].`));
  }
  return one(value, path);
}

function scalarFromJson(protoType: string, value: unknown, path: string): unknown {
  switch (protoType) {
    case 'string':
      if (typeof value !== 'string') throw new NotRepresentable(`${path}: expected a string`);
      return value;
    case 'bool':
      if (typeof value !== 'boolean') throw new NotRepresentable(`${path}: expected a boolean`);
      return value;
    case 'bytes':
      if (typeof value !== 'string') throw new NotRepresentable(`${path}: expected base64`);
      return Buffer.from(value, 'base64');
    default:
      if (typeof value !== 'number' || !Number.isInteger(value)) throw new NotRepresentable(`${path}: expected an integer`);
      return value;
  }
}

function specialFromJson(kind: string, json: unknown, path: string): Record<string, unknown> {
  switch (kind) {
    case 'time':
    case 'microtime': {
      const ms = typeof json === 'string' ? Date.parse(json) : NaN;
      if (Number.isNaN(ms)) throw new NotRepresentable(`${path}: not a time`);
      const micros = typeof json === 'string' ? /\.(\d{1,9})/.exec(json)?.[1] : undefined;
      const nanos = micros ? Number(micros.padEnd(9, '0')) : 0;
      return { seconds: Math.floor(ms / 1000), ...(nanos ? { nanos } : {}) };
    }
    case 'intorstring':
      if (typeof json === 'number') return { type: 0, intVal: json };
      if (typeof json === 'string') return { type: 1, strVal: json };
      throw new NotRepresentable(`${path}: expected an int or a string`);
    case 'quantity':
      if (typeof json !== 'string' && typeof json !== 'number') throw new NotRepresentable(`${path}: expected a quantity`);
      return { string: String(json) };
    case 'fieldsv1':
      return { Raw: Buffer.from(JSON.stringify(json)) };
  }
  throw new NotRepresentable(path);
}
