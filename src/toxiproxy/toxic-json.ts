import { API_ERRORS, badRequestBody } from './api-error.ts';
import { goField, goFloat32, goInt, goJsonKind, goString, goValueTypeError, isPlainObject } from './go-json.ts';
import type { Toxic } from './toxic.ts';
import { toxicType } from './toxics/registry.ts';
import type { Direction, ToxicType } from './toxics/toxic-type.ts';

/**
 * Decoding toxic bodies with Toxiproxy's checks in Toxiproxy's order (toxic_collection.go):
 * body → stream → type → (duplicate name, checked by the caller) → attribute types.
 */

export interface ToxicHeader {
  readonly name: string;
  readonly type: string;
  readonly stream: string;
  readonly direction: Direction;
  readonly toxicity: number;
  readonly kind: ToxicType;
  readonly body: Record<string, unknown>;
}

export function parseDirection(stream: string): Direction | undefined {
  const lower = stream.toLowerCase();
  return lower === 'upstream' || lower === 'downstream' ? lower : undefined;
}

/** Everything but the attributes of a new toxic. Defaults: stream downstream, toxicity 1, name `<type>_<stream>`. */
export function decodeToxicHeader(body: unknown): ToxicHeader {
  if (!isPlainObject(body)) return goValueTypeError(body, 'toxics.ToxicWrapper');
  const name = goString(body, 'name', 'ToxicWrapper') ?? '';
  const type = goString(body, 'type', 'ToxicWrapper') ?? '';
  const stream = goString(body, 'stream', 'ToxicWrapper') ?? 'downstream';
  const toxicity = goFloat32(body, 'toxicity', 'ToxicWrapper') ?? 1;
  const attributes = goField(body, 'attributes');
  if (attributes !== undefined && !isPlainObject(attributes)) {
    throw badRequestBody(`json: cannot unmarshal ${goJsonKind(attributes)} into Go struct field ToxicWrapper.attributes of type toxics.NoopToxic`);
  }
  const direction = parseDirection(stream);
  if (!direction) throw API_ERRORS.invalidStream;
  const kind = toxicType(type);
  if (!kind) throw API_ERRORS.invalidToxicType;
  return { name: name === '' ? `${type}_${stream}` : name, type, stream, direction, toxicity, kind, body };
}

/** Attributes over `base`: unknown keys dropped, missing ones kept, wrong types a 400. */
export function decodeAttributes(kind: ToxicType, body: Record<string, unknown>, base: Readonly<Record<string, number>>): Record<string, number> {
  const result: Record<string, number> = {};
  for (const spec of kind.attributes) result[spec.name] = base[spec.name] ?? 0;
  const raw = goField(body, 'attributes');
  if (raw === undefined) return result;
  if (!isPlainObject(raw)) {
    throw badRequestBody(`json: cannot unmarshal ${goJsonKind(raw)} into Go struct field .attributes of type toxics.${kind.goStruct}`);
  }
  for (const spec of kind.attributes) {
    const value = goInt(raw, spec.name, `${kind.goStruct}.attributes`, spec.goType);
    if (value !== undefined) result[spec.name] = value;
  }
  return result;
}

export function newToxic(header: ToxicHeader): Toxic {
  const { name, type, stream, direction, toxicity, kind } = header;
  return { name, type, stream, direction, toxicity, kind, attributes: decodeAttributes(kind, header.body, {}) };
}

/** An update merges attributes and may change toxicity; name, type and stream stay. */
export function updatedToxic(toxic: Toxic, body: unknown): Toxic {
  if (!isPlainObject(body)) return goValueTypeError(body, 'struct { Attributes interface {} "json:\\"attributes\\""; Toxicity float32 "json:\\"toxicity\\"" }');
  const attributes = decodeAttributes(toxic.kind, body, toxic.attributes);
  const toxicity = goFloat32(body, 'toxicity', '') ?? toxic.toxicity;
  return { ...toxic, attributes, toxicity };
}
