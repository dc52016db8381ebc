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
/** One key per fault kind; each kind's own schema types its value (src/faults/<kind>-kind.ts). */
export type FaultSpec = Readonly<Record<string, unknown>>;
/** The common fields, plus one key per check kind (src/checks/<kind>.ts types its value). */
export type CheckEntrySpec = { readonly name?: string; readonly strict?: boolean; readonly minSamples?: number } & Readonly<Record<string, unknown>>;
export type GuardrailsSpec = NonNullable<ExperimentSpec['guardrails']>;
export type ReportSpec = NonNullable<ExperimentSpec['report']>;
