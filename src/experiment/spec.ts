/**
 * The experiment as the user writes it (YAML → JS), derived from the JSON Schema in schema.ts so
 * the two cannot drift. Validated and resolved into ResolvedExperiment (resolved.ts).
 */
import type { Static } from '@sinclair/typebox';
import type { ExperimentSchema } from './schema.ts';

export type ExperimentSpec = Static<typeof ExperimentSchema>;
export type TargetSpec = ExperimentSpec['target'];
export type LoadSpec = ExperimentSpec['load'];
export type RequestSpec = LoadSpec['requests'][number];
export type PhaseSpec = ExperimentSpec['phases'][number];
export type FaultSpec = NonNullable<PhaseSpec['faults']>[number];
export type CheckEntrySpec = NonNullable<ExperimentSpec['checks']>[number];
export type GuardrailsSpec = NonNullable<ExperimentSpec['guardrails']>;
export type ReportSpec = NonNullable<ExperimentSpec['report']>;
