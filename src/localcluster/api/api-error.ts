/**
 * Kubernetes `Status` failures. The API server answers every error with one of these; the
 * in-process manifest loader catches them and turns them into located ValidationErrors.
 */
export interface StatusCause {
  readonly reason?: string;
  readonly message: string;
  readonly field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface KubeStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, unknown>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
  }

  toStatus(): KubeStatus {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

/** `pods "x" not found`; `plural` is the resource (optionally `plural.group`). */
export function notFound(plural: string, name: string, group = ''): ApiError {
  const resource = group ? `${plural}.${group}` : plural;
  return new ApiError(404, 'NotFound', `${resource} "${name}" not found`, { name, ...(group ? { group } : {}), kind: plural });
}

export function alreadyExists(plural: string, name: string, group = ''): ApiError {
  const resource = group ? `${plural}.${group}` : plural;
  return new ApiError(409, 'AlreadyExists', `${resource} "${name}" already exists`, { name, ...(group ? { group } : {}), kind: plural });
}

export function conflict(plural: string, name: string, why: string, group = ''): ApiError {
  const resource = group ? `${plural}.${group}` : plural;
  return new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${resource} "${name}": ${why}`, { name, ...(group ? { group } : {}), kind: plural });
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

export function methodNotAllowed(message = 'the server does not allow this method on the requested resource'): ApiError {
  return new ApiError(405, 'MethodNotAllowed', message);
}

export function unsupportedMediaType(contentType: string): ApiError {
  return new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json (got ${contentType || 'none'})`);
}

export function expired(message: string): ApiError {
  return new ApiError(410, 'Expired', message);
}

/** One field problem for a 422 Invalid. `kind` is the Kind (`Deployment`), `qualifiedKind` e.g. `Deployment.apps`. */
export interface FieldIssue {
  readonly field: string;
  readonly type: 'FieldValueRequired' | 'FieldValueInvalid' | 'FieldValueNotSupported' | 'FieldValueDuplicate' | 'FieldValueForbidden' | 'FieldValueNotFound' | 'FieldValueTooLong' | 'FieldValueTooMany';
  readonly detail: string;
  readonly value?: unknown;
  /** The value as Go's `%#v` prints a struct or map (when it is not a plain string or number). */
  readonly valueText?: string;
}

const TYPE_TEXT: Record<FieldIssue['type'], string> = {
  FieldValueRequired: 'Required value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueForbidden: 'Forbidden',
  FieldValueNotFound: 'Not found',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
};

const PRINTS_VALUE = new Set<FieldIssue['type']>(['FieldValueInvalid', 'FieldValueNotSupported', 'FieldValueDuplicate', 'FieldValueNotFound']);

export function describeFieldIssue(issue: FieldIssue): string {
  const value = PRINTS_VALUE.has(issue.type) ? `: ${issue.valueText ?? JSON.stringify(issue.value ?? null)}` : '';
  return `${issue.field}: ${TYPE_TEXT[issue.type]}${value}${issue.detail ? `: ${issue.detail}` : ''}`;
}

export function invalid(qualifiedKind: string, kindName: string, name: string, issues: readonly FieldIssue[], group = ''): ApiError {
  const texts = issues.map(describeFieldIssue);
  const message = `${qualifiedKind} "${name}" is invalid: ${texts.length === 1 ? texts[0] : `[${texts.join(', ')}]`}`;
  return new ApiError(422, 'Invalid', message, {
    name,
    ...(group ? { group } : {}),
    kind: kindName,
    causes: issues.map((issue, i) => ({ reason: issue.type, message: texts[i]!.slice(issue.field.length + 2), field: issue.field })),
  });
}
