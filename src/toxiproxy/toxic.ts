import { float32 } from './go-json.ts';
import type { Direction, ToxicType } from './toxics/toxic-type.ts';

/** A toxic as configured on a proxy. Immutable: an update replaces it. */
export interface Toxic {
  readonly name: string;
  readonly type: string;
  /** As the client sent it (matched case-insensitively). */
  readonly stream: string;
  readonly direction: Direction;
  /** Already rounded to float32, as Toxiproxy stores it. */
  readonly toxicity: number;
  readonly attributes: Readonly<Record<string, number>>;
  readonly kind: ToxicType;
}

/** Toxic JSON with Toxiproxy's field order: attributes (struct order), name, type, stream, toxicity. */
export function toxicJson(toxic: Toxic): Record<string, unknown> {
  const attributes: Record<string, number> = {};
  for (const spec of toxic.kind.attributes) attributes[spec.name] = toxic.attributes[spec.name] ?? 0;
  return { attributes, name: toxic.name, type: toxic.type, stream: toxic.stream, toxicity: float32(toxic.toxicity) };
}
