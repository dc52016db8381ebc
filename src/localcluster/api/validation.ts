import type { FieldIssue } from './api-error.ts';
import { isDns1123Label, isDns1123Subdomain } from './names.ts';
import type { KubeObject } from './kube-object.ts';
import { fromStructured, matchesLabels } from './label-selector.ts';
import type { ResourceType } from './resources.ts';

/** The 422 checks the real API server makes that matter for manifests run here. */
export function validateObject(type: ResourceType, object: KubeObject): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const name = object.metadata.name ?? '';
  if (type.plural === 'pods' || type.plural === 'services' || type.plural === 'namespaces') {
    if (!isDns1123Label(name)) issues.push({ field: 'metadata.name', type: 'FieldValueInvalid', value: name, detail: "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character" });
  } else if (!type.custom && !isDns1123Subdomain(name)) {
    issues.push({ field: 'metadata.name', type: 'FieldValueInvalid', value: name, detail: "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character" });
  }
  checkLabels(object.metadata.labels, 'metadata.labels', issues);
  switch (`${type.group}/${type.plural}`) {
    case '/pods':
      validatePodSpec(object.spec, 'spec', issues);
      break;
    case 'apps/deployments':
    case 'apps/replicasets':
      validateWorkload(object, issues);
      break;
    case '/services':
      validateService(object, issues);
      break;
  }
  return issues;
}

function checkLabels(labels: unknown, field: string, issues: FieldIssue[]): void {
  if (labels === undefined || labels === null) return;
  if (typeof labels !== 'object' || Array.isArray(labels)) {
    issues.push({ field, type: 'FieldValueInvalid', value: labels, detail: 'must be a map of string keys to string values' });
    return;
  }
  for (const [key, value] of Object.entries(labels as Record<string, unknown>)) {
    if (typeof value !== 'string' || value.length > 63 || !/^([a-zA-Z0-9]([-a-zA-Z0-9_.]*[a-zA-Z0-9])?)?$/.test(value)) {
      issues.push({ field: `${field}`, type: 'FieldValueInvalid', value, detail: `label "${key}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character` });
    }
  }
}

function validatePodSpec(spec: any, field: string, issues: FieldIssue[]): void {
  const containers = spec?.containers;
  if (!Array.isArray(containers) || containers.length === 0) {
    issues.push({ field: `${field}.containers`, type: 'FieldValueRequired', detail: '' });
    return;
  }
  const seen = new Set<string>();
  containers.forEach((container: any, i: number) => {
    const at = `${field}.containers[${i}]`;
    if (!container || typeof container !== 'object') {
      issues.push({ field: at, type: 'FieldValueInvalid', value: container, detail: 'must be an object' });
      return;
    }
    if (!container.name) issues.push({ field: `${at}.name`, type: 'FieldValueRequired', detail: '' });
    else if (!isDns1123Label(container.name)) issues.push({ field: `${at}.name`, type: 'FieldValueInvalid', value: container.name, detail: 'a lowercase RFC 1123 label must consist of lower case alphanumeric characters or \'-\'' });
    else if (seen.has(container.name)) issues.push({ field: `${at}.name`, type: 'FieldValueDuplicate', value: container.name, detail: '' });
    seen.add(container.name);
    if (!container.image) issues.push({ field: `${at}.image`, type: 'FieldValueRequired', detail: '' });
    for (const key of ['command', 'args'] as const) {
      if (container[key] !== undefined && (!Array.isArray(container[key]) || !container[key].every((x: unknown) => typeof x === 'string'))) {
        issues.push({ field: `${at}.${key}`, type: 'FieldValueInvalid', value: container[key], detail: 'must be a list of strings' });
      }
    }
    (Array.isArray(container.ports) ? container.ports : []).forEach((port: any, j: number) => {
      const p = Number(port?.containerPort);
      if (!Number.isInteger(p) || p < 1 || p > 65535) issues.push({ field: `${at}.ports[${j}].containerPort`, type: 'FieldValueInvalid', value: port?.containerPort, detail: 'must be between 1 and 65535, inclusive' });
    });
    (Array.isArray(container.env) ? container.env : []).forEach((env: any, j: number) => {
      if (!env?.name) issues.push({ field: `${at}.env[${j}].name`, type: 'FieldValueRequired', detail: '' });
    });
    for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe'] as const) {
      const value = container[probe];
      if (value && !value.httpGet && !value.tcpSocket && !value.exec && !value.grpc) issues.push({ field: `${at}.${probe}`, type: 'FieldValueRequired', detail: 'must specify a handler type' });
    }
  });
  if (spec.restartPolicy !== undefined && !['Always', 'OnFailure', 'Never'].includes(spec.restartPolicy)) {
    issues.push({ field: `${field}.restartPolicy`, type: 'FieldValueNotSupported', value: spec.restartPolicy, detail: 'supported values: "Always", "Never", "OnFailure"' });
  }
}

function validateWorkload(object: KubeObject, issues: FieldIssue[]): void {
  const spec = object.spec;
  if (!spec || typeof spec !== 'object') {
    issues.push({ field: 'spec', type: 'FieldValueRequired', detail: '' });
    return;
  }
  if (spec.replicas !== undefined && (!Number.isInteger(spec.replicas) || spec.replicas < 0)) {
    issues.push({ field: 'spec.replicas', type: 'FieldValueInvalid', value: spec.replicas, detail: 'must be greater than or equal to 0' });
  }
  const selector = spec.selector;
  if (!selector || (!selector.matchLabels && !selector.matchExpressions)) {
    issues.push({ field: 'spec.selector', type: 'FieldValueRequired', detail: '' });
  } else {
    const labels = spec.template?.metadata?.labels ?? {};
    let matches = false;
    try {
      matches = matchesLabels(fromStructured(selector), labels);
    } catch {
      issues.push({ field: 'spec.selector', type: 'FieldValueInvalid', value: selector, detail: 'invalid label selector' });
    }
    if (Object.keys(selector.matchLabels ?? {}).length + (selector.matchExpressions?.length ?? 0) === 0) {
      issues.push({ field: 'spec.selector', type: 'FieldValueInvalid', value: selector, detail: 'empty selector is invalid for deployment' });
    } else if (!matches) {
      issues.push({ field: 'spec.template.metadata.labels', type: 'FieldValueInvalid', value: labels, detail: '`selector` does not match template `labels`' });
    }
  }
  if (!spec.template) issues.push({ field: 'spec.template', type: 'FieldValueRequired', detail: '' });
  else {
    checkLabels(spec.template.metadata?.labels, 'spec.template.metadata.labels', issues);
    validatePodSpec(spec.template.spec, 'spec.template.spec', issues);
    const policy = spec.template.spec?.restartPolicy;
    if (policy !== undefined && policy !== 'Always') issues.push({ field: 'spec.template.spec.restartPolicy', type: 'FieldValueNotSupported', value: policy, detail: 'supported values: "Always"' });
  }
}

function validateService(object: KubeObject, issues: FieldIssue[]): void {
  const ports = object.spec?.ports;
  const headless = object.spec?.clusterIP === 'None';
  if ((!Array.isArray(ports) || ports.length === 0) && !headless && object.spec?.type !== 'ExternalName') {
    issues.push({ field: 'spec.ports', type: 'FieldValueRequired', detail: '' });
    return;
  }
  (ports ?? []).forEach((port: any, i: number) => {
    const p = Number(port?.port);
    if (!Number.isInteger(p) || p < 1 || p > 65535) issues.push({ field: `spec.ports[${i}].port`, type: 'FieldValueInvalid', value: port?.port, detail: 'must be between 1 and 65535, inclusive' });
    if (ports.length > 1 && !port?.name) issues.push({ field: `spec.ports[${i}].name`, type: 'FieldValueRequired', detail: '' });
  });
  const localPort = object.metadata.annotations?.['rebound.dev/local-port'];
  if (localPort !== undefined) {
    const n = Number(localPort);
    if (!/^\d+$/.test(String(localPort)) || n < 1 || n > 65535) issues.push({ field: "metadata.annotations[rebound.dev/local-port]", type: 'FieldValueInvalid', value: localPort, detail: 'must be a port number between 1 and 65535' });
  }
}
