/** phases and their faults: cumulative start offsets, fault ids, toxic defaults, pod-kill rules. */
import type { PodKillFault, ResolvedFault, ResolvedPhase, ResolvedTarget, ToxicFault } from './resolved.ts';
import { parseLabelSelector } from '../localcluster/api/label-selector.ts';
import { formatDuration } from './duration.ts';
import { didYouMean } from './did-you-mean.ts';
import { isRecord, list, type ResolveContext } from './resolve-context.ts';
import type { FaultSpec, PhaseSpec } from './spec.ts';

/** Toxiproxy's attribute names per toxic type. */
export const TOXIC_ATTRIBUTES: Readonly<Record<ToxicFault['toxic']['type'], readonly string[]>> = {
  latency: ['latency', 'jitter'],
  bandwidth: ['rate'],
  slow_close: ['delay'],
  timeout: ['timeout'],
  reset_peer: ['timeout'],
  slicer: ['average_size', 'size_variation', 'delay'],
  limit_data: ['bytes'],
};

const TOXIC_ONLY_FIELDS = ['attributes', 'stream', 'toxicity', 'name'] as const;

export function resolvePhases(ctx: ResolveContext, specs: readonly PhaseSpec[] | undefined, target: ResolvedTarget, maxPodsKilled: number): ResolvedPhase[] {
  const phases: ResolvedPhase[] = [];
  const seen = new Map<string, number>();
  let startMs = 0;
  let plannedKills = 0;
  list(specs).forEach((phase, index) =>
    ctx.guard(() => {
      const path = ['phases', index];
      if (typeof phase.name !== 'string') return;
      const earlier = seen.get(phase.name);
      if (earlier !== undefined) ctx.error([...path, 'name'], `duplicate phase name "${phase.name}" (also phases[${earlier}])`);
      else seen.set(phase.name, index);
      const durationMs = ctx.bucketDuration([...path, 'duration'], phase.duration, 'phase duration') ?? 0;
      const faults: ResolvedFault[] = [];
      list(phase.faults).forEach((fault, faultIndex) =>
        ctx.guard(() => {
          const resolved = resolveFault(ctx, [...path, 'faults', faultIndex], fault, phase.name, faultIndex, durationMs, target);
          if (!resolved) return;
          faults.push(resolved);
          if (resolved.kind === 'pod-kill') {
            const repeats = resolved.everyMs ? Math.max(1, Math.ceil(durationMs / resolved.everyMs)) : 1;
            plannedKills += (resolved.count ?? 1) * repeats;
            if (plannedKills > maxPodsKilled) {
              ctx.error(
                [...path, 'faults', faultIndex, 'podKill'],
                `the experiment would kill at least ${plannedKills} pods by here, over guardrails.maxPodsKilled (${maxPodsKilled})`,
                'key',
              );
            }
          }
        }),
      );
      phases.push({ name: phase.name, startMs, durationMs, faults });
      startMs += durationMs;
    }),
  );
  return phases;
}

function resolveFault(
  ctx: ResolveContext,
  path: (string | number)[],
  spec: FaultSpec,
  phase: string,
  index: number,
  phaseMs: number,
  target: ResolvedTarget,
): ResolvedFault | undefined {
  const kinds = (['toxiproxy', 'podKill'] as const).filter((k) => spec[k] !== undefined);
  if (kinds.length === 0) return void ctx.error(path, 'a fault needs one of "toxiproxy" or "podKill"');
  if (kinds.length > 1) return void ctx.error([...path, 'podKill'], 'a fault has exactly one of "toxiproxy" or "podKill"; put the other in its own list item', 'key');
  const id = `${phase}/${index}`;
  if (spec.toxiproxy) return resolveToxiproxyFault(ctx, [...path, 'toxiproxy'], spec.toxiproxy, id, phase, index, target);
  return resolvePodKill(ctx, [...path, 'podKill'], spec.podKill!, id, phase, phaseMs, target);
}

function resolveToxiproxyFault(
  ctx: ResolveContext,
  path: (string | number)[],
  spec: NonNullable<FaultSpec['toxiproxy']>,
  id: string,
  phase: string,
  index: number,
  target: ResolvedTarget,
): ResolvedFault | undefined {
  if (!target.toxiproxy) ctx.error(path, 'toxiproxy faults need target.toxiproxy (embedded: true, or url)', 'key');
  const proxyNames = target.toxiproxy?.proxies.map((p) => p.name) ?? [];
  if (target.toxiproxy && !proxyNames.includes(spec.proxy)) {
    const known = proxyNames.length ? `; known: ${proxyNames.join(', ')}` : '; target.toxiproxy.proxies is empty';
    ctx.error([...path, 'proxy'], `no proxy named "${spec.proxy}" in target.toxiproxy.proxies${didYouMean(spec.proxy, proxyNames)}${known}`);
  }
  if (spec.down !== undefined && spec.toxic !== undefined) {
    return void ctx.error([...path, 'toxic'], 'use either "down: true" (take the proxy down) or "toxic" (add a toxic), not both', 'key');
  }
  if (spec.down === true) {
    for (const field of TOXIC_ONLY_FIELDS) {
      if (spec[field] !== undefined) ctx.error([...path, field], `"${field}" applies to toxics, not to "down: true"`, 'key');
    }
    return { kind: 'proxy-down', id, phase, proxy: spec.proxy };
  }
  if (spec.toxic === undefined) return void ctx.error(path, 'needs "down: true" or "toxic: TYPE" (latency, bandwidth, slow_close, timeout, reset_peer, slicer, limit_data)', 'key');
  const allowed = TOXIC_ATTRIBUTES[spec.toxic];
  const attributes: Record<string, number> = {};
  if (isRecord(spec.attributes)) {
    for (const [name, value] of Object.entries(spec.attributes)) {
      if (!allowed.includes(name)) ctx.error([...path, 'attributes', name], `"${name}" is not an attribute of the ${spec.toxic} toxic${didYouMean(name, allowed)}; it has: ${allowed.join(', ')}`, 'key');
      else if (typeof value === 'number') attributes[name] = value;
    }
  }
  return {
    kind: 'toxic',
    id,
    phase,
    proxy: spec.proxy,
    toxic: { type: spec.toxic, name: spec.name ?? `rebound-${phase}-${index}`, stream: spec.stream ?? 'downstream', toxicity: spec.toxicity ?? 1, attributes },
  };
}

function resolvePodKill(
  ctx: ResolveContext,
  path: (string | number)[],
  spec: NonNullable<FaultSpec['podKill']>,
  id: string,
  phase: string,
  phaseMs: number,
  target: ResolvedTarget,
): PodKillFault | undefined {
  if (!target.kubernetes) ctx.error(path, 'podKill faults need target.kubernetes (local manifests, or a kubeconfig)', 'key');
  checkSelector(ctx, [...path, 'selector'], spec.selector);
  if (spec.count !== undefined && spec.percent !== undefined) ctx.error([...path, 'percent'], 'use either "count" or "percent", not both', 'key');
  const graceMs = ctx.ms(spec.gracePeriod);
  if (graceMs !== undefined && !Number.isInteger(graceMs / 1000)) ctx.error([...path, 'gracePeriod'], 'gracePeriod must be whole seconds (Kubernetes counts it in seconds)');
  const everyMs = ctx.ms(spec.every);
  if (everyMs !== undefined) {
    if (everyMs <= 0) ctx.error([...path, 'every'], 'every must be longer than 0');
    else if (phaseMs > 0 && everyMs > phaseMs) ctx.error([...path, 'every'], `every ${formatDuration(everyMs)} is longer than the phase (${formatDuration(phaseMs)}); drop it for a single kill`);
  }
  return {
    kind: 'pod-kill',
    id,
    phase,
    namespace: spec.namespace ?? target.kubernetes?.namespace ?? 'default',
    selector: spec.selector,
    ...(spec.percent !== undefined ? { percent: spec.percent } : { count: spec.count ?? 1 }),
    pick: spec.pick ?? 'random',
    ...(graceMs !== undefined ? { gracePeriodSeconds: Math.round(graceMs / 1000) } : {}),
    ...(everyMs !== undefined && everyMs > 0 ? { everyMs } : {}),
  };
}

/** Reports a label selector that the API server would reject. */
export function checkSelector(ctx: ResolveContext, path: (string | number)[], selector: unknown): void {
  if (typeof selector !== 'string') return;
  try {
    parseLabelSelector(selector);
  } catch (error) {
    ctx.error(path, `invalid label selector ${JSON.stringify(selector)}: ${(error as Error).message}`);
  }
}
