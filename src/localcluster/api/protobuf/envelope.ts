import { lookupMessage } from './registry.ts';

/** `k8s\0`: the prefix of every Kubernetes protobuf body (apimachinery runtime/serializer/protobuf). */
export const PROTOBUF_MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);
export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';

export interface Envelope {
  readonly apiVersion: string;
  readonly kind: string;
  readonly raw: Uint8Array;
}

/** Unwraps magic + runtime.Unknown; throws a plain Error on anything else. */
export function decodeEnvelope(body: Buffer): Envelope {
  if (body.length < PROTOBUF_MAGIC.length || !body.subarray(0, PROTOBUF_MAGIC.length).equals(PROTOBUF_MAGIC)) {
    throw new Error('provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]');
  }
  const unknown = lookupMessage('runtime.Unknown').decode(body.subarray(PROTOBUF_MAGIC.length)) as unknown as {
    typeMeta?: { apiVersion?: string; kind?: string };
    raw?: Uint8Array;
  };
  return { apiVersion: unknown.typeMeta?.apiVersion ?? '', kind: unknown.typeMeta?.kind ?? '', raw: unknown.raw ?? new Uint8Array() };
}

export function encodeEnvelope(apiVersion: string, kind: string, raw: Uint8Array): Buffer {
  const type = lookupMessage('runtime.Unknown');
  const message = type.fromObject({ typeMeta: { apiVersion, kind }, raw, contentEncoding: '', contentType: '' });
  return Buffer.concat([PROTOBUF_MAGIC, type.encode(message).finish()]);
}
