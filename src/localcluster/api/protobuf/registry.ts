import protobuf from 'protobufjs';
import { APPS_PROTO, AUTHENTICATION_PROTO, CORE_PROTO, META_PROTO, RBAC_PROTO, RUNTIME_PROTO } from './schema.ts';

/** Messages whose JSON form is not an object of their fields. */
export type SpecialKind = 'time' | 'microtime' | 'intorstring' | 'quantity' | 'fieldsv1';

const SPECIAL: Record<string, SpecialKind> = {
  'meta.Time': 'time',
  'meta.MicroTime': 'microtime',
  'runtime.IntOrString': 'intorstring',
  'runtime.Quantity': 'quantity',
  'meta.FieldsV1': 'fieldsv1',
};

/** Embedded Go structs: their fields appear in the JSON of the enclosing object. */
const INLINE_FIELDS = new Set([
  'core.ConfigMapKeySelector.localObjectReference',
  'core.SecretKeySelector.localObjectReference',
  'core.ConfigMapEnvSource.localObjectReference',
  'core.SecretEnvSource.localObjectReference',
  'core.ConfigMapVolumeSource.localObjectReference',
  'core.ConfigMapProjection.localObjectReference',
  'core.SecretProjection.localObjectReference',
  'core.Probe.handler',
  'core.Volume.volumeSource',
  'core.EphemeralContainer.ephemeralContainerCommon',
]);

/**
 * Volume sources the schema does not model (cloud and legacy drivers). They are valid JSON
 * fields: strict field validation accepts them, and objects carrying them are answered in JSON.
 */
export const OPAQUE_FIELDS: ReadonlyMap<string, readonly string[]> = new Map([
  [
    'core.VolumeSource',
    ['gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'iscsi', 'glusterfs', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'fc', 'azureFile', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'portworxVolume', 'scaleIO', 'storageos', 'ephemeral', 'image'],
  ],
  ['core.VolumeProjection', ['clusterTrustBundle']],
]);

const root = new protobuf.Root();
for (const source of [META_PROTO, RUNTIME_PROTO, CORE_PROTO, APPS_PROTO, RBAC_PROTO, AUTHENTICATION_PROTO]) protobuf.parse(source, root, { keepCase: true });
root.resolveAll();

/** `apiVersion/kind` → message. Lists share the item's package. */
const KIND_MESSAGES = new Map<string, string>();
for (const kind of ['Namespace', 'ConfigMap', 'Secret', 'ServiceAccount', 'Event', 'Endpoints', 'Service', 'Pod']) {
  KIND_MESSAGES.set(`v1/${kind}`, `core.${kind}`);
  KIND_MESSAGES.set(`v1/${kind}List`, `core.${kind}List`);
}
for (const kind of ['Deployment', 'ReplicaSet']) {
  KIND_MESSAGES.set(`apps/v1/${kind}`, `apps.${kind}`);
  KIND_MESSAGES.set(`apps/v1/${kind}List`, `apps.${kind}List`);
}
for (const kind of ['Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding']) {
  KIND_MESSAGES.set(`rbac.authorization.k8s.io/v1/${kind}`, `rbac.${kind}`);
  KIND_MESSAGES.set(`rbac.authorization.k8s.io/v1/${kind}List`, `rbac.${kind}List`);
}
KIND_MESSAGES.set('authentication.k8s.io/v1/TokenRequest', 'authentication.TokenRequest');
KIND_MESSAGES.set('v1/Status', 'meta.Status');
KIND_MESSAGES.set('meta.k8s.io/v1/Status', 'meta.Status');
KIND_MESSAGES.set('v1/DeleteOptions', 'meta.DeleteOptions');
KIND_MESSAGES.set('meta.k8s.io/v1/DeleteOptions', 'meta.DeleteOptions');

export function messageFor(apiVersion: string, kind: string): protobuf.Type | undefined {
  const name = KIND_MESSAGES.get(`${apiVersion}/${kind}`);
  return name ? root.lookupType(name) : undefined;
}

export function lookupMessage(name: string): protobuf.Type {
  return root.lookupType(name);
}

export function typeName(type: protobuf.Type): string {
  return type.fullName.replace(/^\./, '');
}

export function specialKind(type: protobuf.Type): SpecialKind | undefined {
  return SPECIAL[typeName(type)];
}

/** A JSON key of a message: the proto field, reached through `via` (inline fields) if embedded. */
export interface JsonField {
  readonly field: protobuf.Field;
  readonly via: readonly protobuf.Field[];
}

const jsonFieldCache = new Map<protobuf.Type, Map<string, JsonField>>();

export function jsonFields(type: protobuf.Type): Map<string, JsonField> {
  let fields = jsonFieldCache.get(type);
  if (fields) return fields;
  fields = new Map();
  const visit = (t: protobuf.Type, via: protobuf.Field[]) => {
    for (const field of t.fieldsArray) {
      if (isInline(t, field)) visit(field.resolvedType as protobuf.Type, [...via, field]);
      else fields!.set(field.name, { field, via });
    }
  };
  visit(type, []);
  jsonFieldCache.set(type, fields);
  return fields;
}

export function isInline(type: protobuf.Type, field: protobuf.Field): boolean {
  return INLINE_FIELDS.has(`${typeName(type)}.${field.name}`);
}

/** Unmodelled JSON keys of a message, its inline (embedded) messages' included. */
export function opaqueFields(type: protobuf.Type): readonly string[] {
  const own = OPAQUE_FIELDS.get(typeName(type)) ?? [];
  const inlined = type.fieldsArray.filter((field) => isInline(type, field)).flatMap((field) => opaqueFields(field.resolvedType as protobuf.Type));
  return inlined.length === 0 ? own : [...own, ...inlined];
}

/** The message type of a field whose value is a message (map values included), else undefined. */
export function messageOf(field: protobuf.Field): protobuf.Type | undefined {
  return field.resolvedType instanceof protobuf.Type ? field.resolvedType : undefined;
}
