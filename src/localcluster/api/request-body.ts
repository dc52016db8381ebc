import type { IncomingMessage } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { ApiError, badRequest } from './api-error.ts';
import { decodeProtobufObject, PROTOBUF_MEDIA_TYPE, ProtobufDecodeError } from './protobuf/codec.ts';

const MAX_BODY = 16 * 1024 * 1024;

/** What the request body may be decoded as for the resource it is sent to. */
export interface BodyRules {
  /** Built-in kinds accept the protobuf encoding; custom resources only JSON and YAML. */
  readonly protobuf: boolean;
  readonly required: boolean;
}

export async function readBody(req: IncomingMessage, rules: BodyRules): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new ApiError(413, 'RequestEntityTooLarge', 'the request body is too large');
    chunks.push(chunk as Buffer);
  }
  const bytes = Buffer.concat(chunks);
  const mediaType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (mediaType === PROTOBUF_MEDIA_TYPE) {
    if (!rules.protobuf) {
      throw new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml`);
    }
    if (bytes.length === 0) {
      if (rules.required) throw badRequest('the request body is empty');
      return undefined;
    }
    try {
      return decodeProtobufObject(bytes);
    } catch (error) {
      if (error instanceof ProtobufDecodeError) throw error.unsupportedKind ? new ApiError(415, 'UnsupportedMediaType', error.message) : badRequest(error.message);
      throw error;
    }
  }
  const text = bytes.toString('utf8').trim();
  if (!text) {
    if (rules.required) throw badRequest('the request body is empty');
    return undefined;
  }
  if (mediaType === 'application/yaml' || mediaType === 'application/apply-patch+yaml') {
    try {
      return parseYaml(text);
    } catch (error) {
      throw badRequest(`the body of the request could not be decoded as YAML: ${(error as Error).message}`);
    }
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw badRequest(`the body of the request could not be decoded as JSON: ${(error as Error).message}`);
  }
}

/** True when the most preferred media type of `Accept` is the Kubernetes protobuf encoding. */
export function prefersProtobuf(accept: string | undefined): boolean {
  const first = rankMediaTypes(accept)[0];
  return first !== undefined && first.type === PROTOBUF_MEDIA_TYPE && !first.params.some((p) => p.startsWith('as='));
}

/** False only when `Accept` names media types and none of them is JSON (or a wildcard). */
export function acceptsJson(accept: string | undefined): boolean {
  const ranked = rankMediaTypes(accept);
  return ranked.length === 0 || ranked.some((entry) => ['application/json', 'application/*', '*/*', 'application/yaml'].includes(entry.type));
}

function rankMediaTypes(accept: string | undefined): Array<{ type: string; q: number; index: number; params: string[] }> {
  if (!accept) return [];
  return accept
    .split(',')
    .map((part, index) => {
      const [type, ...params] = part.split(';').map((s) => s.trim());
      const q = Number(params.find((p) => p.startsWith('q='))?.slice(2) ?? 1);
      return { type: (type ?? '').toLowerCase(), q: Number.isNaN(q) ? 0 : q, index, params };
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
}
