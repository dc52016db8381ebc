import type protobuf from 'protobufjs';
import { ApiError, badRequest } from './api-error.ts';
import type { KubeObject } from './kube-object.ts';
import { jsonFields, messageFor, messageOf, opaqueFields, specialKind } from './protobuf/registry.ts';

/** The `fieldValidation` query parameter: what the server does with fields its schema lacks. */
export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

/** Absent means Warn, the API server's default since 1.27 (kubectl itself asks for Strict). */
export function fieldValidationOf(value: string | null): FieldValidation {
  return value === 'Strict' || value === 'Ignore' ? value : 'Warn';
}

export const FIELD_VALIDATION_VALUES = ['', 'Ignore', 'Strict', 'Warn'];

const QUANTITY = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;

/** What decoding the JSON into the Go type finds: unknown fields, and values of the wrong type. */
interface DecodeFindings {
  readonly unknown: string[];
  /** The first type error, as encoding/json words it; decoding stops there on a real server. */
  typeError?: string;
}

/**
 * Removes the fields the built-in kind's schema does not know (as decoding into the Go type
 * does) and reports them in document order, with the first value of the wrong type.
 * Custom resources are left alone.
 */
export function decodeCheck(object: KubeObject): DecodeFindings {
  const findings: DecodeFindings = { unknown: [] };
  if (typeof object.apiVersion !== 'string' || typeof object.kind !== 'string') return findings;
  const type = messageFor(object.apiVersion, object.kind);
  if (!type) return findings;
  walk(type, object, '', '', findings, true);
  return findings;
}

export function pruneUnknownFields(object: KubeObject): string[] {
  return decodeCheck(object).unknown;
}

/** `path` is the strict-decoding path (with indexes), `goPath` encoding/json's (without). */
function walk(type: protobuf.Type, json: Record<string, unknown>, path: string, goPath: string, findings: DecodeFindings, top: boolean): void {
  const fields = jsonFields(type);
  const opaque = opaqueFields(type);
  for (const [key, value] of Object.entries(json)) {
    const entry = fields.get(key);
    if (!entry) {
      if ((top && (key === 'apiVersion' || key === 'kind')) || opaque.includes(key)) continue;
      findings.unknown.push(`${path}${key}`);
      delete json[key];
      continue;
    }
    if (value === null) continue;
    const field = entry.field;
    // encoding/json names the struct being decoded; embedded structs are part of it
    const owner = type.name;
    const mismatch = (goType: string) => {
      findings.typeError ??= `json: cannot unmarshal ${jsonKind(value)} into Go struct field ${owner}.${goPath}${key} of type ${goType}`;
    };
    const message = messageOf(field);
    if (field.map) {
      if (typeof value !== 'object' || Array.isArray(value)) mismatch(`map[string]${message ? mapValueGoType(message) : 'string'}`);
      else if (message && specialKind(message) === 'quantity') for (const v of Object.values(value)) checkQuantity(v, findings);
      continue;
    }
    if (field.repeated) {
      if (!Array.isArray(value)) {
        mismatch(`[]${message ? `v1.${message.name}` : goScalar(field.type)}`);
        continue;
      }
      value.forEach((item, i) => {
        if (message && !specialKind(message) && item && typeof item === 'object' && !Array.isArray(item)) {
          walk(message, item as Record<string, unknown>, `${path}${key}[${i}].`, `${goPath}${key}.`, findings, false);
        }
      });
      continue;
    }
    if (message) {
      const special = specialKind(message);
      if (special === 'quantity') checkQuantity(value, findings);
      else if (special === 'intorstring') {
        if (typeof value !== 'number' && typeof value !== 'string') mismatch('intstr.IntOrString');
      } else if (special === 'time' || special === 'microtime') {
        if (typeof value !== 'string') mismatch('v1.Time');
      } else if (!special) {
        if (typeof value !== 'object' || Array.isArray(value)) mismatch(`v1.${message.name}`);
        else walk(message, value as Record<string, unknown>, `${path}${key}.`, `${goPath}${key}.`, findings, false);
      }
      continue;
    }
    if (!scalarMatches(field.type, value)) mismatch(goScalar(field.type));
  }
}

function checkQuantity(value: unknown, findings: DecodeFindings): void {
  if (typeof value === 'number') return;
  if (typeof value !== 'string' || !QUANTITY.test(value)) findings.typeError ??= `quantities must match the regular expression '${QUANTITY.source}'`;
}

function scalarMatches(protoType: string, value: unknown): boolean {
  switch (protoType) {
    case 'string':
    case 'bytes':
      return typeof value === 'string';
    case 'bool':
      return typeof value === 'boolean';
    default:
      return typeof value === 'number' && Number.isInteger(value);
  }
}

function goScalar(protoType: string): string {
  return protoType === 'bytes' ? '[]uint8' : protoType;
}

function mapValueGoType(message: protobuf.Type): string {
  return specialKind(message) === 'quantity' ? 'resource.Quantity' : `v1.${message.name}`;
}

function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return 'object';
  if (typeof value === 'number') return Number.isInteger(value) ? 'number' : `number ${value}`;
  if (typeof value === 'boolean') return 'bool';
  return typeof value;
}

export function strictDecodingError(kind: string, version: string, unknown: readonly string[]): ApiError {
  const list = unknown.map((path) => `unknown field "${path}"`).join(', ');
  return badRequest(`${kind} in version "${version}" cannot be handled as a ${kind}: strict decoding error: ${list}`);
}

/**
 * Decodes as the server does: a value of the wrong type is a 400 whatever the mode; then
 * Strict refuses unknown fields, Warn collects warnings, Ignore drops them silently.
 */
export function enforceFieldValidation(object: KubeObject, mode: FieldValidation, version: string, warnings: string[]): void {
  const { unknown, typeError } = decodeCheck(object);
  const kind = String(object.kind);
  if (typeError) throw badRequest(`${kind} in version "${version}" cannot be handled as a ${kind}: ${typeError}`);
  if (unknown.length === 0) return;
  if (mode === 'Strict') throw strictDecodingError(kind, version, unknown);
  if (mode === 'Warn') for (const path of unknown) warnings.push(`unknown field "${path}"`);
}
