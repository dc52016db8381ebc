import { ReboundError } from '../errors.ts';

/**
 * An error answered over the HTTP API as `{"error":message,"status":status}`, exactly as
 * Toxiproxy 2.12 does (api.go: ApiError and the Err* values).
 */
export class ApiError extends ReboundError {
  override readonly name: string = 'ApiError';
  constructor(message: string, readonly status: number) {
    super(message);
  }

  /** Toxiproxy's joinError: `<base>: <detail>` with the base's status. */
  static join(base: ApiError, detail: string): ApiError {
    return new ApiError(`${base.message}: ${detail}`, base.status);
  }
}

export const API_ERRORS = {
  badRequestBody: new ApiError('bad request body', 400),
  missingField: new ApiError('missing required field', 400),
  proxyNotFound: new ApiError('proxy not found', 404),
  proxyAlreadyExists: new ApiError('proxy already exists', 409),
  invalidStream: new ApiError('stream was invalid, can be either upstream or downstream', 400),
  invalidToxicType: new ApiError('invalid toxic type', 400),
  toxicAlreadyExists: new ApiError('toxic already exists', 409),
  toxicNotFound: new ApiError('toxic not found', 404),
} as const;

/** A bad request body with Go's decoder message, e.g. `bad request body: EOF`. */
export function badRequestBody(detail: string): ApiError {
  return ApiError.join(API_ERRORS.badRequestBody, detail);
}
