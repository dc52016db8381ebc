/** One pass from the user's spec (already parsed from YAML) to the ResolvedExperiment, collecting semantic issues. */
import type { ResolvedExperiment } from './resolved.ts';
import { ResolveContext, isRecord } from './resolve-context.ts';
import { resolveTarget } from './resolve-target.ts';
import { resolveAnnotations } from './resolve-annotations.ts';
import { resolveLoad } from './resolve-load.ts';
import { resolvePhases } from './resolve-phases.ts';
import { resolveChecks } from './resolve-checks.ts';
import { maxPodsKilledOf, resolveGuardrails, resolveReport } from './resolve-settings.ts';
import type { RawIssue } from './schema-validate.ts';
import type { CheckEntrySpec, ExperimentSpec } from './spec.ts';

export const DEFAULT_BUCKET_MS = 100;

export interface ResolveInput {
  readonly value: unknown;
  readonly sourcePath: string;
  readonly sourceText: string;
  readonly baseDir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly shapeIsSuspect: boolean;
}

export function resolveExperiment(input: ResolveInput): { experiment: ResolvedExperiment | undefined; issues: readonly RawIssue[] } {
  const spec = (isRecord(input.value) ? input.value : {}) as ExperimentSpec;
  const probe = new ResolveContext(input.baseDir, input.env, input.shapeIsSuspect, DEFAULT_BUCKET_MS);
  let bucketMs = probe.ms(spec.bucket) ?? DEFAULT_BUCKET_MS;
  if (!(bucketMs >= 1) || !Number.isInteger(bucketMs)) {
    probe.error(['bucket'], 'bucket must be a whole number of milliseconds, at least 1ms');
    bucketMs = DEFAULT_BUCKET_MS;
  }
  const ctx = new ResolveContext(input.baseDir, input.env, input.shapeIsSuspect, bucketMs);
  ctx.issues.push(...probe.issues);

  const target = ctx.section({ endpoints: {} }, () => resolveTarget(ctx, spec.target));
  const load = ctx.section(undefined, () => resolveLoad(ctx, spec.load, [...new Set([...Object.keys(target.endpoints), ...endpointNamesWithErrors(spec)])]));
  const phases = ctx.section([], () => resolvePhases(ctx, spec.phases, target, maxPodsKilledOf(spec.guardrails)));
  const plannedMs = phases.reduce((sum, p) => sum + p.durationMs, 0);
  const checks = ctx.section([], () => resolveChecks(ctx, spec.checks as readonly CheckEntrySpec[] | undefined, phases, target, load?.servedByHeader));
  const guardrails = ctx.section({ maxPodsKilled: 1, maxRunMs: plannedMs }, () => resolveGuardrails(ctx, spec.guardrails, plannedMs));
  const annotations = ctx.section(undefined, () => resolveAnnotations(ctx, spec.annotations));
  const report = ctx.section({ formats: [], redactHeaders: [], secrets: [] }, () => resolveReport(ctx, spec.report));
  // A load section too malformed to resolve has schema issues, so this experiment is never returned.
  if (!load) return { experiment: undefined, issues: ctx.issues };
  const metadata = isRecord(spec.metadata) ? spec.metadata : ({} as ExperimentSpec['metadata']);

  const experiment: ResolvedExperiment = {
    apiVersion: 'rebound.dev/v1',
    name: typeof metadata.name === 'string' ? metadata.name : '',
    ...(typeof metadata.description === 'string' ? { description: metadata.description } : {}),
    labels: isRecord(metadata.labels) ? { ...metadata.labels } : {},
    sourcePath: input.sourcePath,
    sourceText: input.sourceText,
    target,
    load,
    phases,
    checks,
    guardrails,
    report,
    bucketMs,
    ...(annotations ? { annotations } : {}),
  };
  return { experiment, issues: ctx.issues };
}

/** Endpoints whose value was rejected still exist by name: do not also report every URL that uses them. */
function endpointNamesWithErrors(spec: ExperimentSpec): string[] {
  return isRecord(spec.target) && isRecord(spec.target.endpoints) ? Object.keys(spec.target.endpoints) : [];
}
