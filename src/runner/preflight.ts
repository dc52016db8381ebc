/**
 * Preflight: everything that can be known before the first fault. Problems stop the run with a
 * PreflightError (exit 4); the plan lists what each fault would touch (printed by --dry-run).
 */
import type { PodKillFault, ResolvedExperiment, ResolvedFault } from '../experiment/resolved.ts';
import { PreflightError, UsageError } from '../errors.ts';
import { killCount, pickPods, type PodKillInjector } from '../faults/pod-kill.ts';
import type { OpenTarget, ResolvedReference } from './target.ts';
import { connectableListen } from './addresses.ts';

export interface FaultPlan {
  readonly id: string;
  readonly phase: string;
  readonly kind: ResolvedFault['kind'];
  readonly target: string;
  readonly description: string;
  /** Toxiproxy faults: the proxy with its listen and upstream. */
  readonly proxy?: { readonly name: string; readonly listen: string; readonly upstream: string };
  /** Pod kills: the pods matching now, and how many one kill takes. */
  readonly pods?: { readonly matching: readonly string[]; readonly perKill: number; readonly kills: number; readonly wouldPick?: readonly string[] };
}

export interface RunPlan {
  readonly experiment: string;
  readonly toxiproxy?: { readonly url: string; readonly version: string; readonly embedded: boolean };
  readonly kubernetes?: { readonly context: string; readonly server: string; readonly version: string; readonly namespace: string; readonly local: boolean };
  readonly endpoints: Readonly<Record<string, string>>;
  /** How each endpoint and proxy upstream resolved. */
  readonly references?: readonly ResolvedReference[];
  readonly plannedDurationMs: number;
  readonly faults: readonly FaultPlan[];
  /** Dry run on an external Toxiproxy: proxies the run will create. */
  readonly proxiesToCreate?: readonly string[];
  /** Endpoints not probed because their proxy does not exist yet. */
  readonly endpointsNotProbed?: readonly string[];
}

export interface PreflightDeps {
  readonly describe: (fault: ResolvedFault) => { target: string; description: string };
  readonly podKill?: PodKillInjector;
  /** Probe an endpoint; resolves when any HTTP answer arrives. */
  readonly probe?: (url: string) => Promise<void>;
}

/** How many times a fault kills within its phase (1, or repeated every `everyMs`). */
export function killRounds(fault: PodKillFault, phaseDurationMs: number): number {
  if (!fault.everyMs) return 1;
  return 1 + Math.max(0, Math.ceil(phaseDurationMs / fault.everyMs) - 1);
}

export async function preflight(experiment: ResolvedExperiment, target: OpenTarget, deps: PreflightDeps): Promise<RunPlan> {
  const problems: string[] = [];
  const faults: FaultPlan[] = [];
  const proxies = new Map<string, { name: string; listen: string; upstream: string; toxics: readonly { name: string }[] }>();
  if (target.toxiproxy) {
    for (const proxy of await target.toxiproxy.client.listProxies()) proxies.set(proxy.name, proxy);
    for (const planned of target.toxiproxy.wouldCreate) proxies.set(planned.name, { ...planned, toxics: [] });
  }
  const notYetListening = new Set(target.toxiproxy?.wouldCreate.map((planned) => connectableListen(planned.listen)) ?? []);
  let plannedKills = 0;

  for (const phase of experiment.phases) {
    for (const fault of phase.faults) {
      const { target: what, description } = deps.describe(fault);
      if (fault.kind === 'toxic' || fault.kind === 'proxy-down') {
        if (!target.toxiproxy) throw new UsageError(`phases.${phase.name}: fault ${fault.id} needs target.toxiproxy`);
        const proxy = proxies.get(fault.proxy);
        if (!proxy) {
          problems.push(`fault ${fault.id}: proxy ${fault.proxy} does not exist on ${target.toxiproxy.url} (known: ${[...proxies.keys()].join(', ') || 'none'})`);
          continue;
        }
        if (fault.kind === 'toxic' && proxy.toxics.some((toxic: { name: string }) => toxic.name === fault.toxic.name)) {
          problems.push(`fault ${fault.id}: proxy ${fault.proxy} already has a toxic named ${fault.toxic.name} (left by someone else? remove it, or run 'rebound cleanup')`);
        }
        faults.push({ id: fault.id, phase: phase.name, kind: fault.kind, target: what, description, proxy: { name: proxy.name, listen: proxy.listen, upstream: proxy.upstream } });
        continue;
      }
      if (!deps.podKill || !target.kube) throw new UsageError(`phases.${phase.name}: fault ${fault.id} (podKill) needs target.kubernetes`);
      const pods = await deps.podKill.candidates(fault);
      if (pods.length === 0) {
        problems.push(`fault ${fault.id}: no pod matches selector ${fault.selector} in namespace ${fault.namespace}`);
        continue;
      }
      const perKill = killCount(fault, pods.length);
      const kills = killRounds(fault, phase.durationMs);
      plannedKills += perKill * kills;
      faults.push({
        id: fault.id,
        phase: phase.name,
        kind: fault.kind,
        target: what,
        description,
        pods: {
          matching: pods.map((pod) => pod.metadata?.name ?? '?'),
          perKill,
          kills,
          ...(fault.pick === 'oldest' ? { wouldPick: pickPods(pods, perKill, 'oldest').map((pod) => pod.metadata?.name ?? '?') } : {}),
        },
      });
    }
  }
  if (plannedKills > experiment.guardrails.maxPodsKilled) {
    problems.push(`the phases would kill up to ${plannedKills} pods but guardrails.maxPodsKilled is ${experiment.guardrails.maxPodsKilled}`);
  }
  const probe = deps.probe ?? probeHttp;
  const skipped: string[] = [];
  for (const [name, url] of Object.entries(target.endpoints)) {
    if (notYetListening.has(hostOf(url))) {
      skipped.push(name);
      continue;
    }
    try {
      await probe(url);
    } catch (error) {
      problems.push(`endpoint ${name} (${url}) does not answer: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (problems.length > 0) throw new PreflightError(`preflight failed:\n  ${problems.join('\n  ')}`);

  const last = experiment.phases[experiment.phases.length - 1];
  return {
    experiment: experiment.name,
    ...(target.toxiproxy ? { toxiproxy: { url: target.toxiproxy.url, version: target.toxiproxy.version, embedded: target.toxiproxy.embedded } } : {}),
    ...(target.kube
      ? {
          kubernetes: {
            context: target.kube.access.context,
            server: target.kube.access.server,
            version: target.kube.version,
            namespace: target.kube.namespace,
            local: target.kube.access.local,
          },
        }
      : {}),
    endpoints: target.endpoints,
    ...(target.references.length > 0 ? { references: target.references } : {}),
    ...(target.toxiproxy?.wouldCreate.length ? { proxiesToCreate: target.toxiproxy.wouldCreate.map((p) => `${p.name} (listen ${p.listen} → upstream ${p.upstream})`) } : {}),
    ...(skipped.length > 0 ? { endpointsNotProbed: skipped } : {}),
    plannedDurationMs: last ? last.startMs + last.durationMs : 0,
    faults,
  };
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** Any HTTP answer (even 404 or 500) means the endpoint is there; only a transport failure fails. */
export async function probeHttp(url: string, timeoutMs = 3000): Promise<void> {
  try {
    const response = await fetch(url, { method: 'GET', signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
    await response.body?.cancel();
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    if ((error as Error).name === 'TimeoutError') throw new Error(`no answer within ${timeoutMs} ms`);
    throw new Error(cause?.code ?? cause?.message ?? (error as Error).message);
  }
}

export function formatPlan(plan: RunPlan): string {
  const lines: string[] = [`Plan for ${plan.experiment} (${(plan.plannedDurationMs / 1000).toFixed(1)} s):`];
  if (plan.toxiproxy) lines.push(`  Toxiproxy ${plan.toxiproxy.url} (${plan.toxiproxy.embedded ? 'embedded' : 'external'}, version ${plan.toxiproxy.version})`);
  if (plan.kubernetes) {
    const k = plan.kubernetes;
    lines.push(`  Kubernetes ${k.server} context ${k.context}${k.local ? ' (local control plane)' : ''}, version ${k.version}, namespace ${k.namespace}`);
  }
  for (const proxy of plan.proxiesToCreate ?? []) lines.push(`  would create proxy ${proxy}`);
  for (const [name, url] of Object.entries(plan.endpoints)) lines.push(`  endpoint ${name} → ${url}${plan.endpointsNotProbed?.includes(name) ? ' (not probed: its proxy is created at run time)' : ''}`);
  if (plan.references?.length) {
    lines.push('  references resolved:');
    for (const ref of plan.references) lines.push(`    ${ref.field}: ${ref.ref} → ${ref.address} (${ref.via})`);
  }
  if (plan.faults.length === 0) lines.push('  no faults');
  for (const fault of plan.faults) {
    lines.push(`  [${fault.phase}] ${fault.id}: ${fault.description}`);
    if (fault.proxy) lines.push(`      touches proxy ${fault.proxy.name} (listen ${fault.proxy.listen} → upstream ${fault.proxy.upstream})`);
    if (fault.pods) {
      lines.push(`      pods matching now: ${fault.pods.matching.join(', ')}`);
      lines.push(`      kills ${fault.pods.perKill} pod(s) ${fault.pods.kills === 1 ? 'once' : `${fault.pods.kills} times`}${fault.pods.wouldPick ? `; would pick ${fault.pods.wouldPick.join(', ')}` : ''}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
