/** checks: exactly one kind each, references to phases, windows inside phases, default names. */
import type { CheckSpec, ResolvedCheck, ResolvedPhase, ResolvedTarget, Scope } from './resolved.ts';
import { CHECK_KINDS } from './schema.ts';
import { formatDuration } from './duration.ts';
import { didYouMean } from './did-you-mean.ts';
import { checkSelector } from './resolve-phases.ts';
import { isMultiple, isRecord, list, type ResolveContext } from './resolve-context.ts';
import type { CheckEntrySpec } from './spec.ts';

const DEFAULT_MIN_SAMPLES = 20;
const SHARE_SUM_TOLERANCE = 0.001;

interface Env {
  readonly ctx: ResolveContext;
  readonly phases: readonly ResolvedPhase[];
  readonly target: ResolvedTarget;
  readonly servedBy: string | undefined;
}

export function resolveChecks(
  ctx: ResolveContext,
  specs: readonly CheckEntrySpec[] | undefined,
  phases: readonly ResolvedPhase[],
  target: ResolvedTarget,
  servedBy: string | undefined,
): ResolvedCheck[] {
  const env: Env = { ctx, phases, target, servedBy };
  const checks: ResolvedCheck[] = [];
  const explicitNames = new Map<string, number>();
  const usedNames = new Set<string>();
  const pending: { check: ResolvedCheck; explicit: boolean }[] = [];
  list(specs).forEach((entry, index) =>
    ctx.guard(() => {
      const path = ['checks', index];
      const kinds = CHECK_KINDS.filter((kind) => entry[kind] !== undefined);
      if (kinds.length === 0) return void ctx.error(path, `a check needs one of: ${CHECK_KINDS.join(', ')}`);
      if (kinds.length > 1) return void ctx.error([...path, kinds[1]!], `a check has exactly one kind; "${kinds[0]}" and "${kinds[1]}" go in separate list items`, 'key');
      const spec = resolveSpec(env, [...path, kinds[0]!], kinds[0]!, entry);
      if (!spec) return;
      if (typeof entry.name === 'string') {
        const earlier = explicitNames.get(entry.name);
        if (earlier !== undefined) ctx.error([...path, 'name'], `duplicate check name "${entry.name}" (also checks[${earlier}])`);
        else explicitNames.set(entry.name, index);
      }
      const check: ResolvedCheck = { name: entry.name ?? defaultName(spec), strict: entry.strict ?? true, minSamples: entry.minSamples ?? DEFAULT_MIN_SAMPLES, spec };
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

function resolveSpec(env: Env, path: (string | number)[], kind: (typeof CHECK_KINDS)[number], entry: CheckEntrySpec): CheckSpec | undefined {
  const { ctx } = env;
  switch (kind) {
    case 'successRatio': {
      const s = entry.successRatio!;
      const scope = resolveScope(env, path, s);
      return scope && { kind, scope, min: s.min };
    }
    case 'failureRatio': {
      const s = entry.failureRatio!;
      const scope = resolveScope(env, path, s);
      return scope && { kind, scope, max: s.max };
    }
    case 'latency': {
      const s = entry.latency!;
      const scope = resolveScope(env, path, s);
      const maxMs = ctx.ms(s.max);
      return scope && maxMs !== undefined ? { kind, scope, percentile: s.percentile, maxMs } : undefined;
    }
    case 'trafficSplit': {
      const s = entry.trafficSplit!;
      const scope = resolveScope(env, path, s);
      if (!env.servedBy) ctx.error(path, 'trafficSplit needs load.servedBy (the response header that names the serving instance)', 'key');
      if (isRecord(s.expect)) {
        const sum = Object.values(s.expect).reduce<number>((acc, v) => acc + (typeof v === 'number' ? v : 0), 0);
        if (Object.keys(s.expect).length === 0) ctx.error([...path, 'expect'], 'expect needs at least one served-by name and its share');
        else if (Math.abs(sum - 1) > SHARE_SUM_TOLERANCE) ctx.error([...path, 'expect'], `expected shares must sum to 1, got ${round(sum)}`);
      }
      return scope && { kind, scope, expect: { ...s.expect }, tolerance: s.tolerance };
    }
    case 'timeToFailover': {
      const s = entry.timeToFailover!;
      const phase = findPhase(env, [...path, 'phase'], s.phase);
      const windowMs = ctx.bucketDuration([...path, 'window'], s.window, 'window');
      if (phase && windowMs !== undefined && phase.durationMs > 0 && windowMs > phase.durationMs) {
        ctx.error([...path, 'window'], `window ${formatDuration(windowMs)} is longer than phase "${phase.name}" (${formatDuration(phase.durationMs)})`);
      }
      const maxMs = ctx.ms(s.max);
      return phase && windowMs !== undefined && maxMs !== undefined ? { kind, phase: phase.name, windowMs, threshold: s.threshold, maxMs } : undefined;
    }
    case 'timeToRecover': {
      const s = entry.timeToRecover!;
      const phase = findPhase(env, [...path, 'after'], s.after);
      const windowMs = ctx.bucketDuration([...path, 'window'], s.window, 'window');
      if (phase) {
        const observedMs = totalMs(env.phases) - (phase.startMs + phase.durationMs);
        if (observedMs <= 0) ctx.error([...path, 'after'], `"${phase.name}" is the last phase, so nothing is observed after it; add a recovery phase`);
        else if (windowMs !== undefined && windowMs > observedMs) {
          ctx.error([...path, 'window'], `window ${formatDuration(windowMs)} is longer than what follows "${phase.name}" (${formatDuration(observedMs)})`);
        }
      }
      const maxMs = ctx.ms(s.max);
      return phase && windowMs !== undefined && maxMs !== undefined ? { kind, after: phase.name, windowMs, threshold: s.threshold, maxMs } : undefined;
    }
    case 'podsReady': {
      const s = entry.podsReady!;
      if (!env.target.kubernetes) ctx.error(path, 'podsReady needs target.kubernetes', 'key');
      checkSelector(ctx, [...path, 'selector'], s.selector);
      const after = s.after === undefined ? undefined : findPhase(env, [...path, 'after'], s.after);
      const withinMs = ctx.ms(s.within);
      if (withinMs === undefined || (s.after !== undefined && !after)) return undefined;
      return {
        kind,
        namespace: s.namespace ?? env.target.kubernetes?.namespace ?? 'default',
        selector: s.selector,
        count: s.count,
        withinMs,
        ...(after ? { after: after.name } : {}),
      };
    }
  }
}

function resolveScope(env: Env, path: (string | number)[], spec: { phase: string; from?: string; to?: string }): Scope | undefined {
  const { ctx } = env;
  const phase = findPhase(env, [...path, 'phase'], spec.phase);
  const fromMs = spec.from === undefined ? undefined : ctx.ms(spec.from);
  const toMs = spec.to === undefined ? undefined : ctx.ms(spec.to);
  for (const [key, ms] of [['from', fromMs], ['to', toMs]] as const) {
    if (ms === undefined) continue;
    if (!isMultiple(ms, ctx.bucketMs)) ctx.error([...path, key], `${key} ${formatDuration(ms)} must be a multiple of bucket (${formatDuration(ctx.bucketMs)})`);
    if (phase && phase.durationMs > 0 && ms > phase.durationMs) ctx.error([...path, key], `${key} ${formatDuration(ms)} is past the end of phase "${phase.name}" (${formatDuration(phase.durationMs)})`);
  }
  if (fromMs !== undefined && fromMs >= (toMs ?? phase?.durationMs ?? Infinity)) {
    ctx.error([...path, 'from'], `from ${formatDuration(fromMs)} must be before ${toMs !== undefined ? `to ${formatDuration(toMs)}` : `the end of phase "${phase?.name}"`}`);
  }
  if (!phase) return undefined;
  return { phase: phase.name, ...(fromMs !== undefined ? { fromMs } : {}), ...(toMs !== undefined ? { toMs } : {}) };
}

function findPhase(env: Env, path: (string | number)[], name: unknown): ResolvedPhase | undefined {
  if (typeof name !== 'string') return undefined;
  const phase = env.phases.find((p) => p.name === name);
  if (!phase) {
    const names = env.phases.map((p) => p.name);
    env.ctx.error(path, `no phase named "${name}"${didYouMean(name, names)}; phases: ${names.join(', ')}`);
  }
  return phase;
}

function totalMs(phases: readonly ResolvedPhase[]): number {
  return phases.reduce((sum, p) => sum + p.durationMs, 0);
}

function defaultName(spec: CheckSpec): string {
  const pct = (ratio: number) => `${round(ratio * 100)}%`;
  const scope = (s: Scope) => {
    const window = s.fromMs !== undefined || s.toMs !== undefined ? ` [${formatDuration(s.fromMs ?? 0)}, ${s.toMs !== undefined ? formatDuration(s.toMs) : 'end'})` : '';
    return `in ${s.phase}${window}`;
  };
  switch (spec.kind) {
    case 'successRatio':
      return `success ratio ≥ ${pct(spec.min)} ${scope(spec.scope)}`;
    case 'failureRatio':
      return `failure ratio ≤ ${pct(spec.max)} ${scope(spec.scope)}`;
    case 'latency':
      return `${spec.percentile === 100 ? 'max' : `p${spec.percentile}`} latency ≤ ${formatDuration(spec.maxMs)} ${scope(spec.scope)}`;
    case 'trafficSplit':
      return `traffic split ${scope(spec.scope)}`;
    case 'timeToFailover':
      return `fails over within ${formatDuration(spec.maxMs)} in ${spec.phase}`;
    case 'timeToRecover':
      return `recovers within ${formatDuration(spec.maxMs)} after ${spec.after}`;
    case 'podsReady':
      return `${spec.count} pods ${spec.selector} ready within ${formatDuration(spec.withinMs)}${spec.after ? ` after ${spec.after}` : ''}`;
  }
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
