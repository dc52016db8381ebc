import { decodeEnvelope, encodeEnvelope } from './envelope.ts';
import { jsonToMessage, messageToJson, NotRepresentable } from './json-proto.ts';
import { messageFor } from './registry.ts';

export { PROTOBUF_MEDIA_TYPE } from './envelope.ts';

/** Why a protobuf body was refused; the HTTP layer answers 400 or 415 with this text. */
export class ProtobufDecodeError extends Error {
  override readonly name = 'ProtobufDecodeError';
  constructor(
    message: string,
    readonly unsupportedKind = false,
  ) {
    super(message);
  }
}

/** A protobuf request body → the object's JSON form (apiVersion and kind from the envelope). */
export function decodeProtobufObject(body: Buffer): Record<string, unknown> {
  let envelope;
  try {
    envelope = decodeEnvelope(body);
  } catch (error) {
    throw new ProtobufDecodeError((error as Error).message);
  }
  const type = messageFor(envelope.apiVersion, envelope.kind);
  if (!type) throw new ProtobufDecodeError(`no kind "${envelope.kind}" is registered for version "${envelope.apiVersion}" in the protobuf encoding`, true);
  let json;
  try {
    json = messageToJson(type, type.decode(envelope.raw) as unknown as Record<string, unknown>) as Record<string, unknown>;
  } catch (error) {
    throw new ProtobufDecodeError(`unable to decode ${envelope.kind}: ${(error as Error).message}`);
  }
  return { apiVersion: envelope.apiVersion, kind: envelope.kind, ...json };
}

/** The protobuf form of a JSON object, or undefined when its kind or one of its fields has no protobuf form here. */
export function encodeProtobufObject(object: { apiVersion?: unknown; kind?: unknown; [field: string]: unknown }): Buffer | undefined {
  if (typeof object.apiVersion !== 'string' || typeof object.kind !== 'string') return undefined;
  const type = messageFor(object.apiVersion, object.kind);
  if (!type) return undefined;
  try {
    const message = type.fromObject(jsonToMessage(type, object, ''));
    return encodeEnvelope(object.apiVersion, object.kind, type.encode(message).finish());
  } catch (error) {
    if (error instanceof NotRepresentable) return undefined;
    throw error;
  }
}
