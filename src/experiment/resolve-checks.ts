/** checks: exactly one kind each, references to phases, windows inside phases, default names. */
import type { CheckResolveEnv } from '../checks/check-kind.ts';
import { checkKinds } from '../plugins/registry.ts';
import type { ResolvedCheck, ResolvedPhase, ResolvedTarget, Scope } from './resolved.ts';
import { formatSpecDuration } from '../format/duration.ts';
import { didYouMean } from './did-you-mean.ts';
import { isMultiple, list, type ResolveContext } from './resolve-context.ts';
import type { FieldPath } from './yaml-source.ts';
import type { CheckEntrySpec } from './spec.ts';

const DEFAULT_MIN_SAMPLES = 20;

interface Env {
  readonly ctx: ResolveContext;
  readonly phases: readonly ResolvedPhase[];
}

export function resolveChecks(
  ctx: ResolveContext,
  specs: readonly CheckEntrySpec[] | undefined,
  phases: readonly ResolvedPhase[],
  target: ResolvedTarget,
  servedBy: string | undefined,
): ResolvedCheck[] {
  const env: CheckResolveEnv = {
    ctx,
    phases,
    target,
    servedBy,
    findPhase: (path, name) => findPhase({ ctx, phases }, path, name),
    resolveScope: (path, spec) => resolveScope({ ctx, phases }, path, spec),
  };
  const kinds = checkKinds();
  const checks: ResolvedCheck[] = [];
  const explicitNames = new Map<string, number>();
  const usedNames = new Set<string>();
  const pending: { check: ResolvedCheck; explicit: boolean }[] = [];
  list(specs).forEach((entry, index) =>
    ctx.guard(() => {
      const path = ['checks', index];
      const present = kinds.filter((kind) => entry[kind.key] !== undefined);
      if (present.length === 0) return void ctx.error(path, `a check needs one of: ${kinds.map((kind) => kind.key).join(', ')}`);
      if (present.length > 1) return void ctx.error([...path, present[1]!.key], `a check has exactly one kind; "${present[0]!.key}" and "${present[1]!.key}" go in separate list items`, 'key');
      const kind = present[0]!;
      const spec = kind.resolve(env, [...path, kind.key], entry[kind.key]);
      if (!spec) return;
      if (typeof entry.name === 'string') {
        const earlier = explicitNames.get(entry.name);
        if (earlier !== undefined) ctx.error([...path, 'name'], `duplicate check name "${entry.name}" (also checks[${earlier}])`);
        else explicitNames.set(entry.name, index);
      }
      const check: ResolvedCheck = { name: entry.name ?? kind.defaultName(spec), strict: entry.strict ?? true, minSamples: entry.minSamples ?? DEFAULT_MIN_SAMPLES, spec };
      pending.push({ check, explicit: typeof entry.name === 'string' });
    }),
  );
  for (const { check, explicit } of pending) if (explicit) usedNames.add(check.name);
  for (const { check, explicit } of pending) {
    if (explicit) {
      checks.push(check);
      continue;
    }
    let name = check.name;
    for (let n = 2; usedNames.has(name); n++) name = `${check.name} #${n}`;
    usedNames.add(name);
    checks.push({ ...check, name });
  }
  return checks;
}

function resolveScope(env: Env, path: FieldPath, spec: { phase: string; from?: string; to?: string }): Scope | undefined {
  const { ctx } = env;
  const phase = findPhase(env, [...path, 'phase'], spec.phase);
  const fromMs = spec.from === undefined ? undefined : ctx.ms(spec.from);
  const toMs = spec.to === undefined ? undefined : ctx.ms(spec.to);
  for (const [key, ms] of [['from', fromMs], ['to', toMs]] as const) {
    if (ms === undefined) continue;
    if (!isMultiple(ms, ctx.bucketMs)) ctx.error([...path, key], `${key} ${formatSpecDuration(ms)} must be a multiple of bucket (${formatSpecDuration(ctx.bucketMs)})`);
    if (phase && phase.durationMs > 0 && ms > phase.durationMs) ctx.error([...path, key], `${key} ${formatSpecDuration(ms)} is past the end of phase "${phase.name}" (${formatSpecDuration(phase.durationMs)})`);
  }
  if (fromMs !== undefined && fromMs >= (toMs ?? phase?.durationMs ?? Infinity)) {
    ctx.error([...path, 'from'], `from ${formatSpecDuration(fromMs)} must be before ${toMs !== undefined ? `to ${formatSpecDuration(toMs)}` : `the end of phase "${phase?.name}"`}`);
  }
  if (!phase) return undefined;
  return { phase: phase.name, ...(fromMs !== undefined ? { fromMs } : {}), ...(toMs !== undefined ? { toMs } : {}) };
}

function findPhase(env: Env, path: FieldPath, name: unknown): ResolvedPhase | undefined {
  if (typeof name !== 'string') return undefined;
  const phase = env.phases.find((p) => p.name === name);
  if (!phase) {
    const names = env.phases.map((p) => p.name);
    env.ctx.error(path, `no phase named "${name}"${didYouMean(name, names)}; phases: ${names.join(', ')}`);
  }
  return phase;
}
