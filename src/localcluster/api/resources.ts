/**
 * The resource types the local control plane serves: built-in core/apps types, a few
 * well-known custom resources (Istio, k6) and any CustomResourceDefinition applied at run time.
 */
export interface ResourceType {
  /** '' for the core group. */
  readonly group: string;
  /** Served versions; the first is the preferred (storage) version. */
  readonly versions: readonly string[];
  readonly plural: string;
  readonly singular: string;
  readonly kind: string;
  readonly listKind: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
  readonly categories: readonly string[];
  readonly verbs: readonly string[];
  readonly subresources: readonly string[];
  /** True for custom resources (generic storage, merge patch only). */
  readonly custom: boolean;
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function builtin(group: string, version: string, plural: string, kind: string, namespaced: boolean, extra: Partial<ResourceType> = {}): ResourceType {
  return {
    group,
    versions: [version],
    plural,
    singular: kind.toLowerCase(),
    kind,
    listKind: `${kind}List`,
    namespaced,
    shortNames: [],
    categories: [],
    verbs: ALL_VERBS,
    subresources: [],
    custom: false,
    ...extra,
  };
}

function preset(group: string, versions: string[], plural: string, kind: string, shortNames: string[] = []): ResourceType {
  return { ...builtin(group, versions[0]!, plural, kind, true, { shortNames, custom: true, subresources: ['status'] }), versions };
}

export const RBAC_GROUP = 'rbac.authorization.k8s.io';

export const BUILTIN_RESOURCES: readonly ResourceType[] = [
  builtin('', 'v1', 'namespaces', 'Namespace', false, { shortNames: ['ns'], verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], subresources: ['status'] }),
  builtin('', 'v1', 'nodes', 'Node', false, { shortNames: ['no'], subresources: ['status'] }),
  builtin('', 'v1', 'pods', 'Pod', true, { shortNames: ['po'], categories: ['all'], subresources: ['status', 'log'] }),
  builtin('', 'v1', 'services', 'Service', true, { shortNames: ['svc'], categories: ['all'], subresources: ['status'] }),
  builtin('', 'v1', 'endpoints', 'Endpoints', true, { shortNames: ['ep'] }),
  builtin('', 'v1', 'events', 'Event', true, { shortNames: ['ev'] }),
  builtin('', 'v1', 'configmaps', 'ConfigMap', true, { shortNames: ['cm'] }),
  builtin('', 'v1', 'secrets', 'Secret', true),
  builtin('', 'v1', 'serviceaccounts', 'ServiceAccount', true, { shortNames: ['sa'], subresources: ['token'] }),
  builtin('apps', 'v1', 'deployments', 'Deployment', true, { shortNames: ['deploy'], categories: ['all'], subresources: ['status', 'scale'] }),
  builtin('apps', 'v1', 'replicasets', 'ReplicaSet', true, { shortNames: ['rs'], categories: ['all'], subresources: ['status', 'scale'] }),
  builtin(RBAC_GROUP, 'v1', 'roles', 'Role', true),
  builtin(RBAC_GROUP, 'v1', 'rolebindings', 'RoleBinding', true),
  builtin(RBAC_GROUP, 'v1', 'clusterroles', 'ClusterRole', false),
  builtin(RBAC_GROUP, 'v1', 'clusterrolebindings', 'ClusterRoleBinding', false),
  builtin('apiextensions.k8s.io', 'v1', 'customresourcedefinitions', 'CustomResourceDefinition', false, { shortNames: ['crd', 'crds'], subresources: ['status'] }),
  preset('networking.istio.io', ['v1', 'v1beta1', 'v1alpha3'], 'virtualservices', 'VirtualService', ['vs']),
  preset('networking.istio.io', ['v1', 'v1beta1', 'v1alpha3'], 'destinationrules', 'DestinationRule', ['dr']),
  preset('k6.io', ['v1alpha1'], 'testruns', 'TestRun'),
];

export function resourceKey(group: string, plural: string): string {
  return group ? `${plural}.${group}` : plural;
}

export class ResourceRegistry {
  private readonly byKey = new Map<string, ResourceType>();

  constructor(types: readonly ResourceType[] = BUILTIN_RESOURCES) {
    for (const type of types) this.add(type);
  }

  add(type: ResourceType): void {
    this.byKey.set(resourceKey(type.group, type.plural), type);
  }

  remove(group: string, plural: string): void {
    const type = this.byKey.get(resourceKey(group, plural));
    if (type?.custom) this.byKey.delete(resourceKey(group, plural));
  }

  /** The type served at /api(s)/<group>/<version>/<plural>, if that version is served. */
  lookup(group: string, version: string, plural: string): ResourceType | undefined {
    const type = this.byKey.get(resourceKey(group, plural));
    return type && type.versions.includes(version) ? type : undefined;
  }

  byGroupKind(group: string, kind: string): ResourceType | undefined {
    for (const type of this.byKey.values()) if (type.group === group && type.kind === kind) return type;
    return undefined;
  }

  /** `apiVersion` + `kind` of a manifest → its type. */
  forApiVersionKind(apiVersion: string, kind: string): ResourceType | undefined {
    const [group, version] = splitApiVersion(apiVersion);
    const type = this.byGroupKind(group, kind);
    return type && type.versions.includes(version) ? type : undefined;
  }

  all(): ResourceType[] {
    return [...this.byKey.values()];
  }

  /** group → served versions (preferred first), core group excluded. */
  groups(): Map<string, string[]> {
    const groups = new Map<string, string[]>();
    for (const type of this.byKey.values()) {
      if (!type.group) continue;
      const versions = groups.get(type.group) ?? [];
      for (const version of type.versions) if (!versions.includes(version)) versions.push(version);
      groups.set(type.group, versions);
    }
    return groups;
  }
}

export function splitApiVersion(apiVersion: string): [group: string, version: string] {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? ['', apiVersion] : [apiVersion.slice(0, slash), apiVersion.slice(slash + 1)];
}

export function apiVersionOf(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

/** The type a CustomResourceDefinition object declares (served versions only). */
export function resourceTypeFromCrd(crd: KubeObjectLike): ResourceType | undefined {
  const spec = crd.spec as Record<string, any> | undefined;
  if (!spec?.group || !spec.names?.plural || !spec.names?.kind) return undefined;
  const versions = ((spec.versions ?? []) as Array<{ name?: string; served?: boolean; storage?: boolean }>)
    .filter((v) => v.name && v.served !== false)
    .sort((a, b) => Number(Boolean(b.storage)) - Number(Boolean(a.storage)))
    .map((v) => v.name!);
  if (versions.length === 0) return undefined;
  return {
    group: spec.group,
    versions,
    plural: spec.names.plural,
    singular: spec.names.singular ?? String(spec.names.kind).toLowerCase(),
    kind: spec.names.kind,
    listKind: spec.names.listKind ?? `${spec.names.kind}List`,
    namespaced: spec.scope !== 'Cluster',
    shortNames: spec.names.shortNames ?? [],
    categories: spec.names.categories ?? [],
    verbs: ALL_VERBS,
    subresources: [],
    custom: true,
  };
}

interface KubeObjectLike {
  spec?: unknown;
}
