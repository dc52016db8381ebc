import type { FieldIssue } from '../api-error.ts';
import type { KubeObject } from '../kube-object.ts';
import { resourceKey, type ResourceType } from '../resources.ts';
import { validateConfigMapData, validateSecretData } from './config-data.ts';
import { FieldErrors } from './field-errors.ts';
import { validateObjectMeta, type NameRule } from './metadata.ts';
import { isDns1035Label, isDns1123Label, isDns1123Subdomain } from './name-rules.ts';
import { validatePodSpec } from './pod-spec.ts';
import { validateServiceSpec } from './service.ts';
import { goLabelSelector, validateDeploymentSpec, validateReplicaSetSpec } from './workloads.ts';
import { stableStringify } from '../names.ts';

/**
 * What the API server checks before it stores an object: one entry per resource
 * (`plural.group`), run after defaulting on create and update. Further kinds (e.g. admission
 * rules for custom resources) join with `registerValidator`.
 */
export interface KindValidator {
  /** The rule for metadata.name (undefined: not checked, as for custom resources). */
  readonly name?: NameRule;
  readonly validate?: (object: KubeObject, errors: FieldErrors) => void;
  /** Rules that compare an update with the stored object (immutable fields). */
  readonly validateUpdate?: (object: KubeObject, old: KubeObject, errors: FieldErrors) => void;
}

const validators = new Map<string, KindValidator>();

export function registerValidator(group: string, plural: string, validator: KindValidator): void {
  validators.set(resourceKey(group, plural), validator);
}

registerValidator('', 'namespaces', { name: isDns1123Label });
registerValidator('', 'pods', { name: isDns1123Subdomain, validate: (pod, errors) => validatePodSpec(pod.spec, 'spec', errors) });
registerValidator('', 'services', { name: isDns1035Label, validate: (service, errors) => {
  validateServiceSpec(service.spec, errors);
  validateLocalPortAnnotation(service, errors);
} });
registerValidator('', 'endpoints', { name: isDns1123Subdomain });
registerValidator('', 'configmaps', { name: isDns1123Subdomain, validate: validateConfigMapData, validateUpdate: (next, old, errors) => validateImmutableData(next, old, ['data', 'binaryData'], errors) });
registerValidator('', 'secrets', {
  name: isDns1123Subdomain,
  validate: validateSecretData,
  validateUpdate: (next, old, errors) => {
    if ((next.type ?? 'Opaque') !== (old.type ?? 'Opaque')) errors.invalid('type', next.type, 'field is immutable');
    validateImmutableData(next, old, ['data'], errors);
  },
});
registerValidator('', 'serviceaccounts', { name: isDns1123Subdomain });
registerValidator('', 'events', {});
registerValidator('', 'nodes', { name: isDns1123Subdomain });
registerValidator('apps', 'deployments', { name: isDns1123Subdomain, validate: (deployment, errors) => validateDeploymentSpec(deployment.spec, errors), validateUpdate: validateSelectorUnchanged });
registerValidator('apps', 'replicasets', { name: isDns1123Subdomain, validate: (rs, errors) => validateReplicaSetSpec(rs.spec, errors), validateUpdate: validateSelectorUnchanged });
registerValidator('apiextensions.k8s.io', 'customresourcedefinitions', { name: isDns1123Subdomain });

/** Every problem the server would report for `object` (empty when it would store it); `old` on updates. */
export function validateObject(type: ResourceType, object: KubeObject, old?: KubeObject): FieldIssue[] {
  const errors = new FieldErrors();
  const validator = validators.get(resourceKey(type.group, type.plural));
  validateObjectMeta(object.metadata, validator?.name ?? (type.custom ? undefined : isDns1123Subdomain), errors);
  validator?.validate?.(object, errors);
  if (old) validator?.validateUpdate?.(object, old, errors);
  return errors.list;
}

/** apps/v1 selectors cannot change (ValidateDeploymentUpdate / ValidateReplicaSetUpdate). */
function validateSelectorUnchanged(next: KubeObject, old: KubeObject, errors: FieldErrors): void {
  if (stableStringify(next.spec?.selector) !== stableStringify(old.spec?.selector)) {
    errors.invalid('spec.selector', next.spec?.selector, 'field is immutable', goLabelSelector(next.spec?.selector ?? {}));
  }
}

/** ValidateConfigMapUpdate / ValidateSecretUpdate: `immutable: true` freezes the data. */
function validateImmutableData(next: KubeObject, old: KubeObject, fields: readonly string[], errors: FieldErrors): void {
  if (old.immutable !== true) return;
  if (next.immutable !== true) errors.forbidden('immutable', 'field is immutable when `immutable` is set');
  for (const field of fields) if (stableStringify(next[field] ?? {}) !== stableStringify(old[field] ?? {})) errors.forbidden(field, 'field is immutable when `immutable` is set');
}

/** The plane's own annotation: the loopback port a Service's first port listens on. */
function validateLocalPortAnnotation(service: KubeObject, errors: FieldErrors): void {
  const localPort = service.metadata.annotations?.['rebound.dev/local-port'];
  if (localPort === undefined) return;
  const n = Number(localPort);
  if (!/^\d+$/.test(String(localPort)) || n < 1 || n > 65535) {
    errors.invalid('metadata.annotations[rebound.dev/local-port]', localPort, 'must be a port number between 1 and 65535');
  }
}
