import type { ResourceRegistry, ResourceType } from './resources.ts';

export const SERVER_VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-rebound',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2025-01-01T00:00:00Z',
  goVersion: 'go1.23.0',
  compiler: 'gc',
  platform: `${process.platform}/${process.arch}`,
};

/**
 * The smallest OpenAPI v2 protobuf document `kubectl apply` accepts (swagger "2.0", info
 * Kubernetes v1.29.0): with it kubectl applies without `--validate=false`; a 404 or a JSON
 * document make it fail (the API subset is listed in the README).
 */
export const OPENAPI_V2_PROTOBUF = Buffer.from('0a03322e3012150a0a4b756265726e65746573120776312e32392e304200', 'hex');

export function apiVersions(): unknown {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }] };
}

function groupObject(name: string, versions: string[]): unknown {
  const list = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
  return { name, versions: list, preferredVersion: list[0] };
}

export function apiGroupList(registry: ResourceRegistry): unknown {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [...registry.groups()].map(([name, versions]) => groupObject(name, versions)),
  };
}

export function apiGroup(registry: ResourceRegistry, group: string): unknown | undefined {
  const versions = registry.groups().get(group);
  return versions ? { kind: 'APIGroup', apiVersion: 'v1', ...(groupObject(group, versions) as object) } : undefined;
}

function resourceEntries(type: ResourceType): unknown[] {
  const main = {
    name: type.plural,
    singularName: type.singular,
    namespaced: type.namespaced,
    kind: type.kind,
    verbs: type.verbs,
    ...(type.shortNames.length ? { shortNames: type.shortNames } : {}),
    ...(type.categories.length ? { categories: type.categories } : {}),
    storageVersionHash: '',
  };
  const subs = type.subresources.map((sub) => ({
    name: `${type.plural}/${sub}`,
    singularName: '',
    namespaced: type.namespaced,
    kind: sub === 'scale' ? 'Scale' : sub === 'log' ? 'Pod' : type.kind,
    ...(sub === 'scale' ? { group: 'autoscaling', version: 'v1' } : {}),
    verbs: sub === 'log' ? ['get'] : ['get', 'patch', 'update'],
  }));
  return [main, ...subs];
}

/** APIResourceList for one group/version, or undefined when nothing is served there. */
export function apiResourceList(registry: ResourceRegistry, group: string, version: string): unknown | undefined {
  const types = registry.all().filter((type) => type.group === group && type.versions.includes(version));
  if (types.length === 0) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources: types.flatMap(resourceEntries),
  };
}
