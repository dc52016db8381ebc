import type { FieldIssue } from '../api-error.ts';

/**
 * Builders for field.ErrorList entries (k8s.io/apimachinery/pkg/util/validation/field/errors.go).
 * A validator pushes onto one list so that every problem is reported at once, as the server does.
 */
export class FieldErrors {
  readonly list: FieldIssue[] = [];

  required(field: string, detail = ''): void {
    this.list.push({ field, type: 'FieldValueRequired', detail });
  }

  invalid(field: string, value: unknown, detail: string, valueText?: string): void {
    this.list.push({ field, type: 'FieldValueInvalid', value, detail, ...(valueText !== undefined ? { valueText } : {}) });
  }

  /** One Invalid per message, as the server does for `validation.Is*` results. */
  invalidEach(field: string, value: unknown, messages: readonly string[]): void {
    for (const message of messages) this.invalid(field, value, message);
  }

  notSupported(field: string, value: unknown, supported: readonly string[]): void {
    this.list.push({ field, type: 'FieldValueNotSupported', value, detail: `supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}` });
  }

  duplicate(field: string, value: unknown, valueText?: string): void {
    this.list.push({ field, type: 'FieldValueDuplicate', value, detail: '', ...(valueText !== undefined ? { valueText } : {}) });
  }

  forbidden(field: string, detail: string): void {
    this.list.push({ field, type: 'FieldValueForbidden', detail });
  }

  notFound(field: string, value: unknown): void {
    this.list.push({ field, type: 'FieldValueNotFound', value, detail: '' });
  }

  tooLong(field: string, maxBytes: number): void {
    this.list.push({ field, type: 'FieldValueTooLong', detail: `must have at most ${maxBytes} bytes` });
  }
}

/** Go's `%#v` of a map[string]string: keys sorted, `map[string]string{"a":"b", "c":"d"}`. */
export function goStringMap(value: unknown): string {
  if (value === undefined || value === null) return 'map[string]string(nil)';
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `map[string]string{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(String(v))}`).join(', ')}}`;
}

export function isObject(value: unknown): value is Record<string, any> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function isInt(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value);
}
