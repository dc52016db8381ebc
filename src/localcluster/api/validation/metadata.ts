import { FieldErrors, isObject } from './field-errors.ts';
import { isQualifiedName, isValidLabelValue } from './name-rules.ts';

const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

export type NameRule = (name: string) => string[];

/** ValidateObjectMeta (apimachinery/pkg/api/validation/objectmeta.go): name, labels, annotations. */
export function validateObjectMeta(meta: Record<string, any>, nameRule: NameRule | undefined, errors: FieldErrors, path = 'metadata'): void {
  // generateName first (a prefix: a trailing '-' is allowed, MaskTrailingDash), then the name itself
  if (nameRule && typeof meta.generateName === 'string' && meta.generateName !== '') {
    const masked = meta.generateName.length > 1 && meta.generateName.endsWith('-') ? `${meta.generateName.slice(0, -1)}a` : meta.generateName;
    errors.invalidEach(`${path}.generateName`, meta.generateName, nameRule(masked));
  }
  if (nameRule && typeof meta.name === 'string' && meta.name !== '') errors.invalidEach(`${path}.name`, meta.name, nameRule(meta.name));
  validateLabels(meta.labels, `${path}.labels`, errors);
  validateAnnotations(meta.annotations, `${path}.annotations`, errors);
}

/** ValidateLabels (apimachinery/pkg/apis/meta/v1/validation): keys are qualified names, values label values. */
export function validateLabels(labels: unknown, path: string, errors: FieldErrors): void {
  if (!isObject(labels)) return;
  for (const [key, value] of Object.entries(labels)) {
    errors.invalidEach(path, key, isQualifiedName(key));
    errors.invalidEach(path, value, isValidLabelValue(String(value)));
  }
}

export function validateAnnotations(annotations: unknown, path: string, errors: FieldErrors): void {
  if (!isObject(annotations)) return;
  let size = 0;
  for (const [key, value] of Object.entries(annotations)) {
    errors.invalidEach(path, key, isQualifiedName(key.toLowerCase()));
    size += Buffer.byteLength(key) + Buffer.byteLength(String(value));
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) errors.tooLong(path, TOTAL_ANNOTATION_SIZE_LIMIT);
}
