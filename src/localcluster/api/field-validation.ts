import type protobuf from 'protobufjs';
import { ApiError, badRequest } from './api-error.ts';
import type { KubeObject } from './kube-object.ts';
import { jsonFields, messageFor, messageOf, opaqueFields, specialKind } from './protobuf/registry.ts';

/** The `fieldValidation` query parameter: what the server does with fields its schema lacks. */
export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

/** Absent means Warn, the API server's default since 1.27 (kubectl itself asks for Strict). */
export function parseFieldValidation(value: string | null): FieldValidation {
  if (value === null || value === '') return 'Warn';
  if (value === 'Strict' || value === 'Warn' || value === 'Ignore') return value;
  throw badRequest(`fieldValidation must be one of Ignore, Warn or Strict, not "${value}"`);
}

/**
 * Removes the fields the built-in kind's schema does not know (as decoding into the Go type
 * does) and returns their paths, in document order. Custom resources are left alone.
 */
export function pruneUnknownFields(object: KubeObject): string[] {
  if (typeof object.apiVersion !== 'string' || typeof object.kind !== 'string') return [];
  const type = messageFor(object.apiVersion, object.kind);
  if (!type) return [];
  const unknown: string[] = [];
  prune(type, object, '', unknown, true);
  return unknown;
}

function prune(type: protobuf.Type, json: Record<string, unknown>, path: string, unknown: string[], top: boolean): void {
  const fields = jsonFields(type);
  const opaque = opaqueFields(type);
  for (const [key, value] of Object.entries(json)) {
    const entry = fields.get(key);
    if (!entry) {
      if ((top && (key === 'apiVersion' || key === 'kind')) || opaque.includes(key)) continue;
      unknown.push(`${path}${key}`);
      delete json[key];
      continue;
    }
    const message = messageOf(entry.field);
    if (!message || specialKind(message) || entry.field.map || value === null || typeof value !== 'object') continue;
    if (entry.field.repeated) {
      if (!Array.isArray(value)) continue;
      value.forEach((item, i) => {
        if (item && typeof item === 'object' && !Array.isArray(item)) prune(message, item as Record<string, unknown>, `${path}${key}[${i}].`, unknown, false);
      });
    } else if (!Array.isArray(value)) prune(message, value as Record<string, unknown>, `${path}${key}.`, unknown, false);
  }
}

export function strictDecodingError(kind: string, version: string, unknown: readonly string[]): ApiError {
  const list = unknown.map((path) => `unknown field "${path}"`).join(', ');
  return badRequest(`${kind} in version "${version}" cannot be handled as a ${kind}: strict decoding error: ${list}`);
}

/** Applies the mode: Strict throws, Warn collects warnings, Ignore drops silently. */
export function enforceFieldValidation(object: KubeObject, mode: FieldValidation, version: string, warnings: string[]): void {
  const unknown = pruneUnknownFields(object);
  if (unknown.length === 0) return;
  if (mode === 'Strict') throw strictDecodingError(String(object.kind), version, unknown);
  if (mode === 'Warn') for (const path of unknown) warnings.push(`unknown field "${path}"`);
}
