/** TypeBox building blocks shared by the experiment schema and the fault and check kinds' fragments. */
import { Type } from '@sinclair/typebox';
import { DURATION_EXPECTED, DURATION_PATTERN, MAX_DURATION_MS, RATE_EXPECTED, RATE_PATTERN } from './duration.ts';

export const strict = { additionalProperties: false } as const;

export const DNS_LABEL = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';

/** `maxDurationMs` is a keyword of Rebound's validator (schema-validate.ts): timers cannot wait longer. */
export const Duration = (description: string) => Type.String({ pattern: DURATION_PATTERN, patternErrorMessage: DURATION_EXPECTED, maxDurationMs: MAX_DURATION_MS, description });
export const Rate = (description: string) => Type.String({ pattern: RATE_PATTERN, patternErrorMessage: RATE_EXPECTED, description });
export const Ratio = (description: string) => Type.Number({ minimum: 0, maximum: 1, description });
export const NonEmpty = (description: string) => Type.String({ minLength: 1, description });
export const StringMap = (description: string) => Type.Record(Type.String(), Type.String(), { description });
export const Namespace = (description?: string) =>
  Type.String({ pattern: DNS_LABEL, maxLength: 63, patternErrorMessage: 'a Kubernetes namespace name', ...(description ? { description } : {}) });

export const PhaseName = NonEmpty('A phase name.');
/** `from` / `to` narrowing a check to a window of its phase. */
export const WindowFields = {
  from: Type.Optional(Duration('Window start, as an offset into the phase.')),
  to: Type.Optional(Duration('Window end, as an offset into the phase (default: phase end).')),
};
