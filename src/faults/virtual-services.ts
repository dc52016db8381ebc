/**
 * Istio VirtualServices through @kubernetes/client-node (CustomObjectsApi): read, create,
 * delete, and JSON patches (RFC 6902) whose `test` operations guard against concurrent edits —
 * a failed `test` is a 422 from the API server, never a silent overwrite.
 */
import { ApisApi, CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { InfraError } from '../errors.ts';
import type { KubeAccess } from './kube.ts';
import { describeKubeError } from './kube-errors.ts';

export { ConcurrentEditError, ISTIO_GROUP } from './virtual-service-names.ts';
import { ConcurrentEditError, ISTIO_GROUP } from './virtual-service-names.ts';
const PLURAL = 'virtualservices';
/** Versions that serve the same VirtualService schema, newest first. */
const VERSIONS = ['v1', 'v1beta1', 'v1alpha3'];

export interface HttpRule {
  readonly name?: string;
  readonly fault?: unknown;
  readonly [field: string]: unknown;
}

export interface VirtualService {
  readonly apiVersion: string;
  readonly kind: 'VirtualService';
  readonly metadata: { readonly name: string; readonly namespace: string; readonly resourceVersion?: string; readonly labels?: Readonly<Record<string, string>> };
  readonly spec: { readonly hosts?: readonly string[]; readonly http?: readonly HttpRule[]; readonly [field: string]: unknown };
}

export type JsonPatch = readonly ({ op: 'test' | 'add' | 'replace'; path: string; value: unknown } | { op: 'remove'; path: string })[];

/** The API server refused a patch whose `test` failed: someone else changed the object. */
export class VirtualServices {
  private readonly api: CustomObjectsApi;
  private version: Promise<string> | undefined;

  constructor(private readonly access: KubeAccess) {
    this.api = access.config.makeApiClient(CustomObjectsApi);
  }

  /** The API version the cluster prefers for networking.istio.io (Istio before 1.22 has no v1). */
  apiVersion(): Promise<string> {
    return (this.version ??= this.preferredVersion());
  }

  async read(namespace: string, name: string): Promise<VirtualService | undefined> {
    const version = await this.apiVersion();
    try {
      return (await this.api.getNamespacedCustomObject({ group: ISTIO_GROUP, version, namespace, plural: PLURAL, name })) as VirtualService;
    } catch (error) {
      if (codeOf(error) === 404) return undefined;
      throw this.error(`read VirtualService ${namespace}/${name}`, error);
    }
  }

  async list(namespace: string): Promise<VirtualService[]> {
    const version = await this.apiVersion();
    try {
      const list = (await this.api.listNamespacedCustomObject({ group: ISTIO_GROUP, version, namespace, plural: PLURAL })) as { items?: VirtualService[] };
      return list.items ?? [];
    } catch (error) {
      throw this.error(`list VirtualServices in ${namespace}`, error);
    }
  }

  async create(body: Omit<VirtualService, 'apiVersion'>): Promise<VirtualService> {
    const version = await this.apiVersion();
    const { namespace, name } = body.metadata;
    try {
      return (await this.api.createNamespacedCustomObject({ group: ISTIO_GROUP, version, namespace, plural: PLURAL, body: { apiVersion: `${ISTIO_GROUP}/${version}`, ...body } })) as VirtualService;
    } catch (error) {
      throw this.error(`create VirtualService ${namespace}/${name}`, error);
    }
  }

  /** Deletes it; false when it was already gone. */
  async delete(namespace: string, name: string): Promise<boolean> {
    const version = await this.apiVersion();
    try {
      await this.api.deleteNamespacedCustomObject({ group: ISTIO_GROUP, version, namespace, plural: PLURAL, name });
      return true;
    } catch (error) {
      if (codeOf(error) === 404) return false;
      throw this.error(`delete VirtualService ${namespace}/${name}`, error);
    }
  }

  /** Applies a JSON patch; a failed `test` (422, or 409 on a stale resourceVersion) is a ConcurrentEditError. */
  async patch(namespace: string, name: string, patch: JsonPatch): Promise<VirtualService> {
    const version = await this.apiVersion();
    try {
      return (await this.api.patchNamespacedCustomObject(
        { group: ISTIO_GROUP, version, namespace, plural: PLURAL, name, body: patch },
        setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
      )) as VirtualService;
    } catch (error) {
      const code = codeOf(error);
      if (code === 422 || code === 409) {
        throw new ConcurrentEditError(`VirtualService ${namespace}/${name} was changed by someone else since Rebound read it (${describeKubeError(error)}); nothing was overwritten`);
      }
      throw this.error(`patch VirtualService ${namespace}/${name}`, error);
    }
  }

  private async preferredVersion(): Promise<string> {
    try {
      const groups = await this.access.config.makeApiClient(ApisApi).getAPIVersions();
      const group = groups.groups.find((candidate) => candidate.name === ISTIO_GROUP);
      if (!group) throw new InfraError(`the cluster at ${this.access.server} serves no ${ISTIO_GROUP} API: is Istio installed?`);
      const served = new Set(group.versions.map((v) => v.version));
      return group.preferredVersion?.version ?? VERSIONS.find((v) => served.has(v)) ?? group.versions[0]!.version;
    } catch (error) {
      if (error instanceof InfraError) throw error;
      throw this.error('discover the networking.istio.io API', error);
    }
  }

  private error(what: string, error: unknown): InfraError {
    return new InfraError(`cannot ${what} on ${this.access.server} (context ${this.access.context}): ${describeKubeError(error)}`);
  }
}

function codeOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'number' ? code : undefined;
}
