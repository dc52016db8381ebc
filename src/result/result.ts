/**
 * result.json: the single source of truth of one run. HTML, JUnit, Markdown and console
 * output are renders of it; `rebound report result.json` re-renders them.
 * The types are derived from the schema in result-schema.ts (serialised as result.schema.json),
 * so the two cannot drift. Bump RESULT_SCHEMA_VERSION on any incompatible change.
 */
import type { Static } from '@sinclair/typebox';
import type { ResultSchema } from './result-schema.ts';

export const RESULT_SCHEMA_VERSION = 1;

export const VERDICTS = ['passed', 'failed', 'inconclusive', 'aborted', 'error'] as const;
export type Verdict = (typeof VERDICTS)[number];

export const CHECK_VERDICTS = ['passed', 'failed', 'inconclusive', 'error'] as const;
export type CheckVerdict = (typeof CHECK_VERDICTS)[number];

/** A result is never modified once built: every property and array of it is read-only. */
type DeepReadonly<T> = T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;

export type Result = DeepReadonly<Static<ResultSchema>>;
export type ExperimentEcho = Result['experiment'];
export type EnvironmentInfo = Result['environment'];
export type LoadInfo = Result['load'];
export type PhaseResult = Result['phases'][number];
export type FaultResult = Result['faults'][number];
export type PodKillRecord = NonNullable<FaultResult['pods']>[number];
export type CheckResult = Result['checks'][number];
export type TimelineJson = Result['timeline'];
export type HarnessInfo = NonNullable<Result['harness']>;
export type HarnessDelayStats = HarnessInfo['sendLagMs'];
