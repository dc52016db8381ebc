import type { FailureKind, Sample } from './sample.ts';

/**
 * The Sample the built-in drivers emit: a class so that every sample has the same shape (one
 * hidden class on the hot path). Optional fields are present and undefined when not applicable.
 */
export class LoadSample implements Sample {
  constructor(
    readonly scheduledMs: number,
    readonly sentMs: number,
    readonly endMs: number,
    readonly ok: boolean,
    readonly status: number | undefined,
    readonly failure: FailureKind | undefined,
    readonly servedBy: string | undefined,
    readonly request: string | undefined,
    readonly errorCode: string | undefined = undefined,
    readonly errorMessage: string | undefined = undefined,
    readonly bodyExcerpt: string | undefined = undefined,
  ) {}
}
