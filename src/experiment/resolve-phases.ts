/** phases and their faults: cumulative start offsets, fault ids, each fault resolved by its kind, the pod-kill bound. */
import { faultKinds } from '../plugins/registry.ts';
import type { ResolvedFault, ResolvedPhase, ResolvedTarget } from './resolved.ts';
import { list, type ResolveContext } from './resolve-context.ts';
import type { FieldPath } from './yaml-source.ts';
import type { FaultSpec, PhaseSpec } from './spec.ts';

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
          const faultPath = [...path, 'faults', faultIndex];
          const resolved = resolveFault(ctx, faultPath, fault as FaultSpec, { id: `${phase.name}/${faultIndex}`, phase: phase.name, index: faultIndex, phaseMs: durationMs, target });
          if (!resolved) return;
          faults.push(resolved.fault);
          const kills = resolved.kind.plannedPodKills?.(resolved.fault, durationMs) ?? 0;
          if (kills === 0) return;
          plannedKills += kills;
          if (plannedKills > maxPodsKilled) {
            ctx.error([...faultPath, resolved.kind.key], `the experiment would kill at least ${plannedKills} pods by here, over guardrails.maxPodsKilled (${maxPodsKilled})`, 'key');
          }
        }),
      );
      phases.push({ name: phase.name, startMs, durationMs, faults });
      startMs += durationMs;
    }),
  );
  return phases;
}

function resolveFault(ctx: ResolveContext, path: FieldPath, spec: FaultSpec, input: Parameters<ReturnType<typeof faultKinds>[number]['resolve']>[3]) {
  const kinds = faultKinds();
  const present = kinds.filter((kind) => spec[kind.key] !== undefined);
  const keys = kinds.map((kind) => `"${kind.key}"`).join(' or ');
  if (present.length === 0) return void ctx.error(path, `a fault needs one of ${keys}`);
  if (present.length > 1) return void ctx.error([...path, present[1]!.key], `a fault has exactly one of ${keys}; put the other in its own list item`, 'key');
  const kind = present[0]!;
  const fault = kind.resolve(ctx, [...path, kind.key], spec[kind.key], input);
  return fault && { kind, fault };
}
