/**
 * Preflight: everything that can be known before the first fault. Problems stop the run with a
 * PreflightError (exit 4); the plan lists what each fault would touch (printed by --dry-run).
 */
import type { ResolvedExperiment, ResolvedFault } from '../experiment/resolved.ts';
import { PreflightError } from '../errors.ts';
import type { FaultInjector } from '../faults/fault-kind.ts';
import { checkKindOf } from '../plugins/registry.ts';
import type { OpenTarget, ResolvedReference } from './target.ts';
import { connectableListen } from './addresses.ts';

export interface FaultPlan {
  readonly id: string;
  readonly phase: string;
  readonly kind: string;
  readonly target: string;
  readonly description: string;
  /** What it would touch now, one plan line each (proxies, pods matching, …). */
  readonly touches: readonly string[];
  /** The kind's details (e.g. `proxy`, `pods`). */
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface RunPlan {
  readonly experiment: string;
  readonly toxiproxy?: { readonly url: string; readonly version: string; readonly embedded: boolean };
  /** target.prometheus as opened; `scrapes`: what the embedded server scrapes. */
  readonly prometheus?: { readonly url: string; readonly version: string; readonly embedded: boolean; readonly scrapeIntervalMs: number; readonly scrapes: readonly string[] };
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
  readonly injectorFor: (fault: ResolvedFault) => FaultInjector;
  readonly signal: AbortSignal;
  /** Probe an endpoint; resolves when any HTTP answer arrives. */
  readonly probe?: (url: string) => Promise<void>;
}

export async function preflight(experiment: ResolvedExperiment, target: OpenTarget, deps: PreflightDeps): Promise<RunPlan> {
  const problems: string[] = [];
  const faults: FaultPlan[] = [];
  let plannedKills = 0;
  for (const phase of experiment.phases) {
    for (const fault of phase.faults) {
      const found = await deps.injectorFor(fault).preflight(fault, phase.durationMs);
      problems.push(...found.problems);
      if (found.problems.length > 0) continue;
      plannedKills += found.podKills ?? 0;
      faults.push({ id: fault.id, phase: phase.name, kind: fault.kind, ...deps.describe(fault), touches: found.touches, ...(found.details ? { details: found.details } : {}) });
    }
  }
  if (plannedKills > experiment.guardrails.maxPodsKilled) {
    problems.push(`the phases would kill up to ${plannedKills} pods but guardrails.maxPodsKilled is ${experiment.guardrails.maxPodsKilled}`);
  }
  for (const check of experiment.checks) {
    const found = (await checkKindOf(check.spec.kind)?.preflight?.(check, { target, signal: deps.signal })) ?? [];
    problems.push(...found.map((problem) => `check "${check.name}": ${problem}`));
  }
  const notYetListening = new Set(target.toxiproxy?.wouldCreate.map((planned) => connectableListen(planned.listen)) ?? []);
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
    ...(target.prometheus
      ? {
          prometheus: {
            url: target.prometheus.url,
            version: target.prometheus.version,
            embedded: target.prometheus.embedded,
            scrapeIntervalMs: target.prometheus.scrapeIntervalMs,
            scrapes: target.prometheus.scrapes,
          },
        }
      : {}),
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
    if ((error as Error).name === 'TimeoutError') throw new Error(`no answer within ${timeoutMs} ms`, { cause: error });
    throw new Error(cause?.code ?? cause?.message ?? (error as Error).message, { cause: error });
  }
}

export function formatPlan(plan: RunPlan): string {
  const lines: string[] = [`Plan for ${plan.experiment} (${(plan.plannedDurationMs / 1000).toFixed(1)} s):`];
  if (plan.toxiproxy) lines.push(`  Toxiproxy ${plan.toxiproxy.url} (${plan.toxiproxy.embedded ? 'embedded' : 'external'}, version ${plan.toxiproxy.version})`);
  if (plan.kubernetes) {
    const k = plan.kubernetes;
    lines.push(`  Kubernetes ${k.server} context ${k.context}${k.local ? ' (local control plane)' : ''}, version ${k.version}, namespace ${k.namespace}`);
  }
  if (plan.prometheus) {
    const p = plan.prometheus;
    lines.push(`  Prometheus ${p.url} (${p.embedded ? 'embedded' : 'external'}, version ${p.version}, scrape interval ${p.scrapeIntervalMs} ms)`);
    for (const scrape of p.scrapes) lines.push(`    scrapes ${scrape}`);
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
    for (const line of fault.touches) lines.push(`      ${line}`);
  }
  return `${lines.join('\n')}\n`;
}
