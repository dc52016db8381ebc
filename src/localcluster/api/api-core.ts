import { ApiError, alreadyExists, badRequest, conflict, invalid, methodNotAllowed, notFound, type FieldIssue } from './api-error.ts';
import { matchesFields, parseFieldSelector } from './field-selector.ts';
import { clone, type KubeObject } from './kube-object.ts';
import { matchesLabels, parseLabelSelector } from './label-selector.ts';
import { kubeTime, newUid, randomSuffix, stableStringify } from './names.ts';
import type { ObjectStore } from './object-store.ts';
import { applyPatch, patchTypeOf } from './patch.ts';
import { apiVersionOf, resourceKey, resourceTypeFromCrd, type ResourceRegistry, type ResourceType } from './resources.ts';
import { validateObject } from './validation/index.ts';
import { enforceFieldValidation, type FieldValidation } from './field-validation.ts';
import { validateMeshObject } from '../mesh/validation.ts';

export const NODE_NAME = 'rebound-local';

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
}

/** Options of a write request (create, update, patch). */
export interface WriteOptions {
  /** `dryRun=All`: everything but storing (no watch event, no side effects). */
  dryRun?: boolean;
  /** Unset for in-process writes: unknown fields are dropped silently. */
  fieldValidation?: FieldValidation;
  /** Filled with `Warning` header texts (fieldValidation=Warn). */
  warnings?: string[];
}

export interface DeleteOptions {
  dryRun?: boolean;
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  preconditions?: { uid?: string; resourceVersion?: string };
}

export interface DeleteResult {
  /** The object as it is after the call (deleted, or marked with deletionTimestamp). */
  readonly object: KubeObject;
  /** True when the object is gone from the store. */
  readonly gone: boolean;
}

export function qualifiedKind(type: ResourceType): string {
  return type.group ? `${type.kind}.${type.group}` : type.kind;
}

/**
 * The API semantics shared by the HTTP server and the in-process manifest loader: defaults,
 * validation, optimistic concurrency, generation, graceful pod deletion, garbage collection.
 */
export class ApiCore {
  constructor(
    readonly store: ObjectStore,
    readonly registry: ResourceRegistry,
  ) {
    this.store.create('namespaces', this.namespaceObject('default'));
    this.store.create('nodes', nodeObject());
  }

  key(type: ResourceType): string {
    return resourceKey(type.group, type.plural);
  }

  get(type: ResourceType, namespace: string | undefined, name: string): KubeObject {
    const object = this.store.get(this.key(type), type.namespaced ? namespace : undefined, name);
    if (!object) throw notFound(type.plural, name, type.group);
    return object;
  }

  /** Objects matching the selectors (throws 400 on a bad selector). */
  list(type: ResourceType, namespace: string | undefined, options: ListOptions = {}): KubeObject[] {
    const labels = parseLabelSelector(options.labelSelector ?? '');
    const fields = parseFieldSelector(options.fieldSelector ?? '', type.plural);
    return this.store
      .list(this.key(type), type.namespaced ? namespace : undefined)
      .filter((object) => matchesLabels(labels, object.metadata.labels) && matchesFields(fields, object))
      .sort((a, b) => compareKeys(a, b));
  }

  create(type: ResourceType, namespace: string | undefined, body: unknown, version = type.versions[0]!, options: WriteOptions = {}): KubeObject {
    const object = this.asObject(body, type);
    this.checkKind(type, object, version);
    this.checkFields(type, object, version, options);
    if (type.namespaced) {
      const ns = namespace ?? object.metadata.namespace ?? 'default';
      if (object.metadata.namespace && object.metadata.namespace !== ns) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      object.metadata.namespace = ns;
      const nsObject = this.store.get('namespaces', undefined, ns);
      if (!nsObject) throw notFound('namespaces', ns);
      if (nsObject.metadata.deletionTimestamp) throw new ApiError(403, 'Forbidden', `${type.plural} "${object.metadata.name ?? object.metadata.generateName}" is forbidden: unable to create new content in namespace ${ns} because it is being terminated`);
    } else delete object.metadata.namespace;
    if (!object.metadata.name) {
      if (!object.metadata.generateName) {
        throw invalid(qualifiedKind(type), type.kind, '', [{ field: 'metadata.name', type: 'FieldValueRequired', detail: 'name or generateName is required' }], type.group);
      }
      object.metadata.name = this.generateName(type, object.metadata.namespace, object.metadata.generateName);
    }
    const name = object.metadata.name;
    object.apiVersion = apiVersionOf(type.group, version);
    object.kind = type.kind;
    applyDefaults(type, object);
    this.validate(type, object);
    if (this.store.get(this.key(type), object.metadata.namespace, name)) throw alreadyExists(type.plural, name, type.group);
    const meta = object.metadata;
    meta.uid = newUid();
    meta.creationTimestamp = kubeTime();
    delete meta.resourceVersion;
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    if (hasGeneration(type)) meta.generation = 1;
    else delete meta.generation;
    if (options.dryRun) return object;
    if (type.plural === 'customresourcedefinitions') this.registerCrd(object);
    return this.store.create(this.key(type), object);
  }

  /** PUT: full replacement with optimistic concurrency on metadata.resourceVersion. */
  replace(type: ResourceType, namespace: string | undefined, name: string, body: unknown, version = type.versions[0]!, options: WriteOptions = {}): KubeObject {
    const object = this.asObject(body, type);
    this.checkKind(type, object, version);
    this.checkFields(type, object, version, options);
    if (object.metadata.name && object.metadata.name !== name) throw badRequest(`the name of the object (${object.metadata.name}) does not match the name on the URL (${name})`);
    const current = this.get(type, namespace, name);
    if (object.metadata.resourceVersion && object.metadata.resourceVersion !== current.metadata.resourceVersion) {
      throw conflict(type.plural, name, 'the object has been modified; please apply your changes to the latest version and try again', type.group);
    }
    return this.writeUpdate(type, current, object, version, 'main', options);
  }

  patch(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    contentType: string | undefined,
    patch: unknown,
    subresource: 'main' | 'status' = 'main',
    version = type.versions[0]!,
    options: WriteOptions = {},
  ): KubeObject {
    const current = this.get(type, namespace, name);
    const patchType = patchTypeOf(contentType, !type.custom);
    const patched = applyPatch(patchType, clone(current), patch) as KubeObject;
    const object = this.asObject(patched, type);
    if (subresource === 'main') this.checkFields(type, object, version, options);
    if (object.metadata.name !== name) throw badRequest('metadata.name cannot be changed by a patch');
    if (object.metadata.resourceVersion && object.metadata.resourceVersion !== current.metadata.resourceVersion) {
      throw conflict(type.plural, name, 'the object has been modified; please apply your changes to the latest version and try again', type.group);
    }
    return this.writeUpdate(type, current, object, version, subresource, options);
  }

  replaceStatus(type: ResourceType, namespace: string | undefined, name: string, body: unknown, version = type.versions[0]!, options: WriteOptions = {}): KubeObject {
    const object = this.asObject(body, type);
    const current = this.get(type, namespace, name);
    if (object.metadata.resourceVersion && object.metadata.resourceVersion !== current.metadata.resourceVersion) {
      throw conflict(type.plural, name, 'the object has been modified; please apply your changes to the latest version and try again', type.group);
    }
    return this.writeUpdate(type, current, object, version, 'status', options);
  }

  private writeUpdate(type: ResourceType, current: KubeObject, incoming: KubeObject, version: string, subresource: 'main' | 'status', options: WriteOptions): KubeObject {
    let next: KubeObject;
    if (subresource === 'status') {
      next = clone(current);
      next.status = incoming.status;
    } else {
      next = incoming;
      next.apiVersion = apiVersionOf(type.group, version);
      next.kind = type.kind;
      const meta = next.metadata;
      meta.name = current.metadata.name;
      meta.namespace = current.metadata.namespace;
      meta.uid = current.metadata.uid;
      meta.creationTimestamp = current.metadata.creationTimestamp;
      if (current.metadata.deletionTimestamp) {
        meta.deletionTimestamp = current.metadata.deletionTimestamp;
        meta.deletionGracePeriodSeconds = current.metadata.deletionGracePeriodSeconds;
      } else {
        delete meta.deletionTimestamp;
        delete meta.deletionGracePeriodSeconds;
      }
      // the main resource does not write status for types with a status subresource
      if (type.subresources.includes('status') || !type.custom) next.status = current.status;
      applyDefaults(type, next);
      this.validate(type, next, current);
      if (type.plural === 'pods') this.checkPodUpdate(current, next);
      if (hasGeneration(type)) {
        const changed = stableStringify(current.spec) !== stableStringify(next.spec);
        meta.generation = (current.metadata.generation ?? 1) + (changed ? 1 : 0);
      }
    }
    if (stableStringify({ ...next, metadata: { ...next.metadata, resourceVersion: undefined } }) === stableStringify({ ...current, metadata: { ...current.metadata, resourceVersion: undefined } })) {
      return current; // a no-op write does not bump resourceVersion, as on a real server
    }
    if (options.dryRun) return { ...next, metadata: { ...next.metadata, resourceVersion: current.metadata.resourceVersion } };
    if (type.plural === 'customresourcedefinitions' && subresource === 'main') this.registerCrd(next);
    return this.store.update(this.key(type), next);
  }

  /**
   * DELETE. Pods bound to the node terminate gracefully: deletionTimestamp is set (Ready goes
   * False in the same write) and the kubelet removes the object once its processes are gone.
   * Grace 0 removes the object at once and the kubelet kills the processes afterwards.
   */
  delete(type: ResourceType, namespace: string | undefined, name: string, options: DeleteOptions = {}): DeleteResult {
    const current = this.get(type, namespace, name);
    const pre = options.preconditions;
    if (pre?.uid && pre.uid !== current.metadata.uid) throw conflict(type.plural, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid}`, type.group);
    if (pre?.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion) throw conflict(type.plural, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion}`, type.group);
    if (options.gracePeriodSeconds !== undefined && (!Number.isInteger(options.gracePeriodSeconds) || options.gracePeriodSeconds < 0)) {
      throw invalid('DeleteOptions', 'DeleteOptions', '', [{ field: 'gracePeriodSeconds', type: 'FieldValueInvalid', value: options.gracePeriodSeconds, detail: 'must be greater than or equal to 0' }]);
    }
    if (options.dryRun) return this.deleteDryRun(type, current, options);
    if (type.plural === 'pods') return this.deletePod(current, options);
    if (type.plural === 'namespaces') return this.deleteNamespace(current);
    if (type.plural === 'customresourcedefinitions') {
      const crdType = resourceTypeFromCrd(current);
      if (crdType) {
        for (const object of this.store.list(this.key(crdType))) this.store.remove(this.key(crdType), object.metadata.namespace, object.metadata.name!);
        this.registry.remove(crdType.group, crdType.plural);
      }
    }
    const removed = this.store.remove(this.key(type), current.metadata.namespace, name)!;
    this.collectGarbage(removed, options.propagationPolicy ?? 'Background');
    return { object: removed, gone: true };
  }

  /** What DELETE would answer, with nothing changed: a graceful pod comes back marked, anything else as it is. */
  private deleteDryRun(type: ResourceType, current: KubeObject, options: DeleteOptions): DeleteResult {
    if (type.plural === 'pods') {
      const grace = options.gracePeriodSeconds ?? current.spec?.terminationGracePeriodSeconds ?? 30;
      if (grace > 0 && current.spec?.nodeName && current.status?.phase !== 'Succeeded' && current.status?.phase !== 'Failed') {
        const marked = clone(current);
        marked.metadata.deletionTimestamp ??= kubeTime(Date.now() + grace * 1000);
        marked.metadata.deletionGracePeriodSeconds = grace;
        return { object: marked, gone: false };
      }
    }
    if (type.plural === 'namespaces') {
      if (current.metadata.name === 'default' || current.metadata.name === 'kube-system') throw new ApiError(403, 'Forbidden', `namespaces "${current.metadata.name}" is forbidden: this namespace may not be deleted`);
      const marked = clone(current);
      marked.metadata.deletionTimestamp ??= kubeTime();
      marked.status = { ...(marked.status ?? {}), phase: 'Terminating' };
      return { object: marked, gone: false };
    }
    return { object: current, gone: true };
  }

  private deletePod(current: KubeObject, options: DeleteOptions): DeleteResult {
    const grace = options.gracePeriodSeconds ?? current.spec?.terminationGracePeriodSeconds ?? 30;
    const phase = current.status?.phase;
    const unbound = !current.spec?.nodeName;
    if (grace === 0 || unbound || phase === 'Succeeded' || phase === 'Failed') {
      const removed = this.store.remove('pods', current.metadata.namespace, current.metadata.name!)!;
      return { object: removed, gone: true };
    }
    const now = Date.now();
    if (current.metadata.deletionTimestamp) {
      const remaining = Date.parse(current.metadata.deletionTimestamp) - now;
      if (grace * 1000 >= remaining) return { object: current, gone: false };
    }
    const next = clone(current);
    next.metadata.deletionTimestamp = kubeTime(now + grace * 1000);
    next.metadata.deletionGracePeriodSeconds = grace;
    markPodNotReady(next, now);
    return { object: this.store.update('pods', next), gone: false };
  }

  private deleteNamespace(current: KubeObject): DeleteResult {
    const name = current.metadata.name!;
    if (name === 'default' || name === 'kube-system') throw new ApiError(403, 'Forbidden', `namespaces "${name}" is forbidden: this namespace may not be deleted`);
    let marked = current;
    if (!current.metadata.deletionTimestamp) {
      const next = clone(current);
      next.metadata.deletionTimestamp = kubeTime();
      next.metadata.deletionGracePeriodSeconds = 0;
      next.status = { ...(next.status ?? {}), phase: 'Terminating' };
      marked = this.store.update('namespaces', next);
    }
    for (const type of this.registry.all()) {
      if (!type.namespaced) continue;
      for (const object of this.store.list(this.key(type), name)) {
        if (type.plural === 'pods') {
          if (!object.metadata.deletionTimestamp) this.deletePod(object, {});
        } else this.store.remove(this.key(type), name, object.metadata.name!);
      }
    }
    this.finishNamespaceDeletion(name);
    return { object: this.store.get('namespaces', undefined, name) ?? marked, gone: !this.store.get('namespaces', undefined, name) };
  }

  /** Removes a terminating namespace once its last pod is gone (called by the cluster on pod deletes). */
  finishNamespaceDeletion(name: string): void {
    const ns = this.store.get('namespaces', undefined, name);
    if (!ns?.metadata.deletionTimestamp) return;
    if (this.store.list('pods', name).length > 0) return;
    this.store.remove('namespaces', undefined, name);
  }

  /** Background garbage collection: dependents whose every owner is gone are deleted (or orphaned). */
  private collectGarbage(owner: KubeObject, policy: 'Background' | 'Foreground' | 'Orphan'): void {
    const uid = owner.metadata.uid;
    const namespace = owner.metadata.namespace;
    setImmediate(() => {
      for (const type of this.registry.all()) {
        for (const dependent of this.store.list(this.key(type), type.namespaced ? namespace : undefined)) {
          const refs = dependent.metadata.ownerReferences ?? [];
          if (!refs.some((ref) => ref.uid === uid)) continue;
          if (policy === 'Orphan') {
            const next = clone(dependent);
            next.metadata.ownerReferences = refs.filter((ref) => ref.uid !== uid);
            if (next.metadata.ownerReferences.length === 0) delete next.metadata.ownerReferences;
            this.store.update(this.key(type), next);
            continue;
          }
          try {
            this.delete(type, dependent.metadata.namespace, dependent.metadata.name!, { propagationPolicy: 'Background' });
          } catch (error) {
            if (!(error instanceof ApiError && error.code === 404)) throw error;
          }
        }
      }
    });
  }

  namespaceObject(name: string): KubeObject {
    return {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name, uid: newUid(), creationTimestamp: kubeTime(), labels: { 'kubernetes.io/metadata.name': name } },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    };
  }

  private registerCrd(crd: KubeObject): void {
    const type = resourceTypeFromCrd(crd);
    if (!type) {
      throw invalid('CustomResourceDefinition.apiextensions.k8s.io', 'CustomResourceDefinition', crd.metadata.name ?? '', [
        { field: 'spec', type: 'FieldValueRequired', detail: 'group, names.plural, names.kind and at least one served version are required' },
      ], 'apiextensions.k8s.io');
    }
    if (crd.metadata.name !== `${type.plural}.${type.group}`) {
      throw invalid('CustomResourceDefinition.apiextensions.k8s.io', 'CustomResourceDefinition', crd.metadata.name ?? '', [
        { field: 'metadata.name', type: 'FieldValueInvalid', value: crd.metadata.name, detail: `must be spec.names.plural+"."+spec.group` },
      ], 'apiextensions.k8s.io');
    }
    this.registry.add(type);
    crd.status = {
      conditions: [
        { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found', lastTransitionTime: kubeTime() },
        { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted', lastTransitionTime: kubeTime() },
      ],
      acceptedNames: { plural: type.plural, singular: type.singular, kind: type.kind, listKind: type.listKind, shortNames: type.shortNames },
      storedVersions: [type.versions[0]],
    };
  }

  private generateName(type: ResourceType, namespace: string | undefined, prefix: string): string {
    for (let attempt = 0; attempt < 10; attempt++) {
      const name = `${prefix}${randomSuffix()}`;
      if (!this.store.get(this.key(type), namespace, name)) return name;
    }
    throw new ApiError(409, 'AlreadyExists', `could not generate a unique name for prefix "${prefix}"`);
  }

  private asObject(body: unknown, type: ResourceType): KubeObject {
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest(`the body of the request is not a ${type.kind} object`);
    const object = clone(body) as KubeObject;
    if (object.metadata === undefined || object.metadata === null) object.metadata = {};
    if (typeof object.metadata !== 'object' || Array.isArray(object.metadata)) throw badRequest('metadata must be an object');
    return object;
  }

  private checkKind(type: ResourceType, object: KubeObject, version: string): void {
    if (object.kind !== undefined && object.kind !== type.kind) {
      throw badRequest(`the API version in the data (${object.apiVersion}) does not match the expected API version (${apiVersionOf(type.group, version)}) or the kind ${object.kind} is not ${type.kind}`);
    }
  }

  /** Built-in kinds drop fields their schema lacks; fieldValidation decides whether that is an error. */
  private checkFields(type: ResourceType, object: KubeObject, version: string, options: WriteOptions): void {
    if (type.custom) return;
    const typed = { ...object, apiVersion: apiVersionOf(type.group, version), kind: type.kind };
    enforceFieldValidation(typed, options.fieldValidation ?? 'Ignore', version, options.warnings ?? []);
    for (const key of Object.keys(object)) if (!(key in typed)) delete object[key];
  }

  private validate(type: ResourceType, object: KubeObject, old?: KubeObject): void {
    const issues: FieldIssue[] = [...validateObject(type, object, old)];
    // admission for Istio resources: the local mesh refuses, by path, what it does not emulate
    if (type.group === 'networking.istio.io') issues.push(...validateMeshObject(type.kind, object, this.store.list(this.key(type))));
    if (issues.length > 0) throw invalid(qualifiedKind(type), type.kind, object.metadata.name ?? '', issues, type.group);
  }

  private checkPodUpdate(current: KubeObject, next: KubeObject): void {
    const strip = (spec: any) => {
      const copy = clone(spec ?? {});
      for (const c of copy.containers ?? []) delete c.image;
      delete copy.activeDeadlineSeconds;
      delete copy.tolerations;
      return stableStringify(copy);
    };
    if (strip(current.spec) !== strip(next.spec)) {
      throw invalid('Pod', 'Pod', current.metadata.name!, [{ field: 'spec', type: 'FieldValueForbidden', detail: 'pod updates may not change fields other than `spec.containers[*].image`, `spec.activeDeadlineSeconds` or `spec.tolerations`' }]);
    }
  }

  checkMethod(allowed: boolean): void {
    if (!allowed) throw methodNotAllowed();
  }
}

function compareKeys(a: KubeObject, b: KubeObject): number {
  const ka = `${a.metadata.namespace ?? ''}/${a.metadata.name}`;
  const kb = `${b.metadata.namespace ?? ''}/${b.metadata.name}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

function hasGeneration(type: ResourceType): boolean {
  return !['events', 'endpoints', 'configmaps', 'secrets', 'serviceaccounts', 'namespaces', 'nodes'].includes(type.plural);
}

/** Sets Ready and ContainersReady False (used when deletionTimestamp is set). */
export function markPodNotReady(pod: KubeObject, now = Date.now()): void {
  const status = (pod.status ??= {});
  for (const condition of status.conditions ?? []) {
    if ((condition.type === 'Ready' || condition.type === 'ContainersReady') && condition.status !== 'False') {
      condition.status = 'False';
      condition.lastTransitionTime = kubeTime(now);
      condition.reason = 'PodTerminating';
    }
  }
  for (const containerStatus of status.containerStatuses ?? []) containerStatus.ready = false;
}

function defaultPodSpec(spec: any): void {
  if (!spec || typeof spec !== 'object') return;
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.schedulerName ??= 'default-scheduler';
  spec.securityContext ??= {};
  for (const container of Array.isArray(spec.containers) ? spec.containers : []) {
    if (!container || typeof container !== 'object') continue;
    container.imagePullPolicy ??= String(container.image ?? '').endsWith(':latest') || !String(container.image ?? '').includes(':') ? 'Always' : 'IfNotPresent';
    container.terminationMessagePath ??= '/dev/termination-log';
    container.terminationMessagePolicy ??= 'File';
    container.resources ??= {};
    for (const port of Array.isArray(container.ports) ? container.ports : []) if (port && typeof port === 'object') port.protocol ??= 'TCP';
    for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
      const p = container[probe];
      if (!p || typeof p !== 'object') continue;
      p.periodSeconds ??= 10;
      p.timeoutSeconds ??= 1;
      p.successThreshold ??= 1;
      p.failureThreshold ??= 3;
      if (p.httpGet) {
        p.httpGet.path ??= '/';
        p.httpGet.scheme ??= 'HTTP';
      }
    }
  }
}

function applyDefaults(type: ResourceType, object: KubeObject): void {
  switch (`${type.group}/${type.plural}`) {
    case '/pods':
      object.spec ??= {};
      defaultPodSpec(object.spec);
      object.status ??= { phase: 'Pending', qosClass: 'BestEffort' };
      break;
    case 'apps/deployments':
      object.spec ??= {};
      object.spec.replicas ??= 1;
      object.spec.revisionHistoryLimit ??= 10;
      object.spec.progressDeadlineSeconds ??= 600;
      if (typeof object.spec.strategy !== 'object' || object.spec.strategy === null) object.spec.strategy = {};
      object.spec.strategy.type ??= 'RollingUpdate';
      if (object.spec.strategy.type === 'RollingUpdate') {
        object.spec.strategy.rollingUpdate ??= {};
        object.spec.strategy.rollingUpdate.maxUnavailable ??= '25%';
        object.spec.strategy.rollingUpdate.maxSurge ??= '25%';
      }
      defaultPodSpec(object.spec.template?.spec);
      object.status ??= {};
      break;
    case 'apps/replicasets':
      object.spec ??= {};
      object.spec.replicas ??= 1;
      defaultPodSpec(object.spec.template?.spec);
      object.status ??= { replicas: 0 };
      break;
    case '/services': {
      const spec = (object.spec ??= {});
      spec.type ??= 'ClusterIP';
      spec.sessionAffinity ??= 'None';
      // locally every Service is reached on loopback (see the rebound.dev/local-ports annotation)
      if (spec.clusterIP !== 'None') {
        spec.clusterIP = '127.0.0.1';
        spec.clusterIPs = ['127.0.0.1'];
      }
      spec.ipFamilies ??= ['IPv4'];
      spec.ipFamilyPolicy ??= 'SingleStack';
      spec.internalTrafficPolicy ??= 'Cluster';
      for (const port of Array.isArray(spec.ports) ? spec.ports : []) {
        if (!port || typeof port !== 'object') continue;
        port.protocol ??= 'TCP';
        port.targetPort ??= port.port;
      }
      object.status ??= { loadBalancer: {} };
      break;
    }
    case '/secrets':
      // stringData is write-only: merged into data (base64) on every write, as the server converts it
      if (object.stringData && typeof object.stringData === 'object') {
        object.data = { ...(object.data ?? {}) };
        for (const [key, value] of Object.entries(object.stringData as Record<string, unknown>)) object.data[key] = Buffer.from(String(value)).toString('base64');
      }
      delete object.stringData;
      object.type ??= 'Opaque';
      break;
    case '/namespaces':
      object.spec ??= { finalizers: ['kubernetes'] };
      object.status ??= { phase: 'Active' };
      object.metadata.labels = { ...(object.metadata.labels ?? {}), 'kubernetes.io/metadata.name': object.metadata.name ?? '' };
      break;
  }
}

function nodeObject(): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: NODE_NAME, uid: newUid(), creationTimestamp: kubeTime(), labels: { 'kubernetes.io/hostname': NODE_NAME, 'kubernetes.io/os': process.platform, 'node-role.kubernetes.io/control-plane': '' } },
    spec: {},
    status: {
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'rebound local kubelet is posting ready status', lastHeartbeatTime: kubeTime(), lastTransitionTime: kubeTime() }],
      addresses: [{ type: 'InternalIP', address: '127.0.0.1' }, { type: 'Hostname', address: NODE_NAME }],
      nodeInfo: { kubeletVersion: 'v1.32.0', kubeProxyVersion: 'v1.32.0', operatingSystem: process.platform, architecture: process.arch, containerRuntimeVersion: 'rebound-process://1', kernelVersion: '', osImage: 'local processes', machineID: '', systemUUID: '', bootID: '' },
    },
  };
}
