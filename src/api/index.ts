/**
 * Rebound as a library: run an experiment (a YAML file or a TypeScript value) and get its Result.
 * `rebound/mocha` and `rebound/chai` build on this entry. Documented in docs/api.md.
 */
export { runExperiment, ReportWriteError, type RunOptions } from './run.ts';
export { defineExperiment } from './define.ts';
export type { ExperimentInputOptions } from './experiment-input.ts';
export type { CheckEntry, CheckSpecs, Experiment, FaultEntry, FaultSpecs, Phase } from './experiment-types.ts';
export type { ExperimentSpec } from '../experiment/spec.ts';
export { GuardrailError, InfraError, PreflightError, ReboundError, UsageError, ValidationError, formatIssue, type InputIssue } from '../errors.ts';
export { RunInterruptedBeforeStart, type LiveProgress, type RunObserver, type StepEvent } from '../runner/run-experiment.ts';
export type { RunEvent } from '../timeline/events.ts';
export type { Sample } from '../load/sample.ts';
export { CHECK_VERDICTS, RESULT_SCHEMA_VERSION, VERDICTS, type CheckResult, type CheckVerdict, type FaultResult, type PhaseResult, type Result, type TimelineJson, type Verdict } from '../result/result.ts';
export { EXIT, exitCodeFor, type ExitCode } from '../result/exit-codes.ts';
export { validateResult, loadResult } from '../result/validate-result.ts';
export type { ReportFormat } from '../reporters/index.ts';
export { registerCheckKind, registerFaultKind } from '../plugins/registry.ts';
