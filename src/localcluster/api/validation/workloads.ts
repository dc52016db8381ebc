import { fromStructured, matchesLabels } from '../label-selector.ts';
import { FieldErrors, goStringMap, isInt, isObject } from './field-errors.ts';
import { validateLabels } from './metadata.ts';
import { isValidPercent } from './name-rules.ts';
import { validatePodTemplate } from './pod-spec.ts';

/** ValidateDeploymentSpec / ValidateReplicaSetSpec (pkg/apis/apps/validation/validation.go). */

const STRATEGY_TYPES = ['Recreate', 'RollingUpdate'];

export function validateDeploymentSpec(value: unknown, errors: FieldErrors): void {
  const spec = isObject(value) ? value : {};
  nonNegative(spec.replicas, 'spec.replicas', errors);
  validateSelectorAndTemplate(spec, errors);
  validateStrategy(spec.strategy, errors);
  nonNegative(spec.minReadySeconds, 'spec.minReadySeconds', errors);
  nonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit', errors);
  if (isInt(spec.progressDeadlineSeconds)) {
    nonNegative(spec.progressDeadlineSeconds, 'spec.progressDeadlineSeconds', errors);
    if (spec.progressDeadlineSeconds <= (spec.minReadySeconds ?? 0)) {
      errors.invalid('spec.progressDeadlineSeconds', spec.progressDeadlineSeconds, 'must be greater than minReadySeconds');
    }
  }
}

export function validateReplicaSetSpec(value: unknown, errors: FieldErrors): void {
  const spec = isObject(value) ? value : {};
  nonNegative(spec.replicas, 'spec.replicas', errors);
  nonNegative(spec.minReadySeconds, 'spec.minReadySeconds', errors);
  validateSelectorAndTemplate(spec, errors);
}

function nonNegative(value: unknown, path: string, errors: FieldErrors): void {
  if (value === undefined || value === null) return;
  if (!isInt(value) || value < 0) errors.invalid(path, value, 'must be greater than or equal to 0');
}

function validateSelectorAndTemplate(spec: Record<string, any>, errors: FieldErrors): void {
  const selector = spec.selector;
  // a missing selector selects nothing (labels.Nothing()), so the template cannot match it either
  let matches = false;
  let empty = false;
  if (!isObject(selector)) errors.required('spec.selector');
  else {
    validateLabelSelector(selector, errors);
    empty = Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions?.length ?? 0) === 0;
    if (empty) errors.invalid('spec.selector', selector, 'empty selector is invalid for deployment', goLabelSelector(selector));
    try {
      matches = matchesLabels(fromStructured(selector), isObject(spec.template) && isObject(spec.template.metadata) ? (spec.template.metadata.labels ?? {}) : {});
    } catch {
      matches = false;
    }
  }
  if (!empty && !matches) {
    const labels = isObject(spec.template) && isObject(spec.template.metadata) ? spec.template.metadata.labels : undefined;
    errors.invalid('spec.template.metadata.labels', labels, '`selector` does not match template `labels`', goStringMap(labels));
  }
  validatePodTemplate(spec.template, 'spec.template', errors);
}

const OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

function validateLabelSelector(selector: Record<string, any>, errors: FieldErrors): void {
  validateLabels(selector.matchLabels, 'spec.selector.matchLabels', errors);
  (Array.isArray(selector.matchExpressions) ? selector.matchExpressions : []).forEach((requirement: any, i: number) => {
    const at = `spec.selector.matchExpressions[${i}]`;
    const operator = requirement?.operator;
    const values = Array.isArray(requirement?.values) ? requirement.values : [];
    if (!OPERATORS.includes(operator)) errors.invalid(`${at}.operator`, operator, 'not a valid selector operator');
    else if ((operator === 'In' || operator === 'NotIn') && values.length === 0) errors.required(`${at}.values`, 'must be specified when `operator` is \'In\' or \'NotIn\'');
    else if ((operator === 'Exists' || operator === 'DoesNotExist') && values.length > 0) errors.forbidden(`${at}.values`, 'may not be specified when `operator` is \'Exists\' or \'DoesNotExist\'');
  });
}

function validateStrategy(strategy: unknown, errors: FieldErrors): void {
  if (!isObject(strategy)) return;
  const type = strategy.type;
  if (type !== undefined && !STRATEGY_TYPES.includes(type)) {
    errors.notSupported('spec.strategy.type', type, STRATEGY_TYPES);
    return;
  }
  if (type === 'Recreate' && strategy.rollingUpdate !== undefined && strategy.rollingUpdate !== null) {
    errors.forbidden('spec.strategy.rollingUpdate', "may not be specified when strategy `type` is 'Recreate'");
    return;
  }
  const rolling = strategy.rollingUpdate;
  if (!isObject(rolling)) return;
  const unavailable = rolling.maxUnavailable;
  const surge = rolling.maxSurge;
  positiveIntOrPercent(unavailable, 'spec.strategy.rollingUpdate.maxUnavailable', errors);
  positiveIntOrPercent(surge, 'spec.strategy.rollingUpdate.maxSurge', errors);
  if (isZero(unavailable) && isZero(surge)) {
    errors.invalid('spec.strategy.rollingUpdate.maxUnavailable', unavailable, 'may not be 0 when `maxSurge` is 0', goIntOrString(unavailable));
  }
  if (typeof unavailable === 'string' && isValidPercent(unavailable) && Number(unavailable.slice(0, -1)) > 100) {
    errors.invalid('spec.strategy.rollingUpdate.maxUnavailable', unavailable, 'must not be greater than 100%', goIntOrString(unavailable));
  }
}

function positiveIntOrPercent(value: unknown, path: string, errors: FieldErrors): void {
  if (value === undefined || value === null) return;
  if (typeof value === 'string') {
    if (!isValidPercent(value)) errors.invalid(path, value, "must be an integer or percentage (e.g '5%')", goIntOrString(value));
  } else if (!isInt(value) || value < 0) errors.invalid(path, value, 'must be greater than or equal to 0');
}

function isZero(value: unknown): boolean {
  return value === 0 || value === '0%';
}

/** `%#v` of an intstr.IntOrString (it has no value-receiver String method, so fmt prints the struct). */
function goIntOrString(value: unknown): string {
  if (typeof value === 'string') return `intstr.IntOrString{Type:1, IntVal:0, StrVal:${JSON.stringify(value)}}`;
  return `intstr.IntOrString{Type:0, IntVal:${Number(value)}, StrVal:""}`;
}

/** `%#v` of a metav1.LabelSelector, as the server prints it for an empty selector. */
export function goLabelSelector(selector: Record<string, any>): string {
  const labels = selector.matchLabels === undefined ? 'map[string]string(nil)' : goStringMap(selector.matchLabels);
  const expressions = Array.isArray(selector.matchExpressions) && selector.matchExpressions.length === 0 ? '[]v1.LabelSelectorRequirement{}' : '[]v1.LabelSelectorRequirement(nil)';
  return `v1.LabelSelector{MatchLabels:${labels}, MatchExpressions:${expressions}}`;
}
