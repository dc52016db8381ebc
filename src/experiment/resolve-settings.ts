/** guardrails and report settings. */
import type { ResolvedGuardrails, ResolvedReportSettings } from './resolved.ts';
import { formatSpecDuration } from '../format/duration.ts';
import { isRecord, list, type ResolveContext } from './resolve-context.ts';
import type { GuardrailsSpec, ReportSpec } from './spec.ts';

/** Headers never written anywhere, whatever the experiment says. */
export const ALWAYS_REDACTED_HEADERS = ['authorization', 'cookie', 'set-cookie', 'proxy-authorization'] as const;
const DEFAULT_FORMATS = ['html', 'json', 'junit'] as const;
const DEFAULT_MAX_PODS_KILLED = 1;
const DEADLINE_SLACK_MS = 60_000;

export function maxPodsKilledOf(spec: GuardrailsSpec | undefined): number {
  return isRecord(spec) && typeof spec.maxPodsKilled === 'number' ? spec.maxPodsKilled : DEFAULT_MAX_PODS_KILLED;
}

export function resolveGuardrails(ctx: ResolveContext, spec: GuardrailsSpec | undefined, plannedMs: number): ResolvedGuardrails {
  const guardrails = (isRecord(spec) ? spec : {}) as GuardrailsSpec;
  let abortIf: ResolvedGuardrails['abortIf'];
  const rule = guardrails.abortIf?.successRatio;
  if (isRecord(rule) && typeof rule.below === 'number') {
    const forMs = ctx.ms(rule.for);
    if (forMs !== undefined) {
      if (forMs <= 0) ctx.error(['guardrails', 'abortIf', 'successRatio', 'for'], '"for" must be longer than 0');
      abortIf = { successRatioBelow: rule.below, forMs };
    }
  }
  let maxRunMs = plannedMs + DEADLINE_SLACK_MS;
  const explicit = ctx.ms(guardrails.maxDuration);
  if (explicit !== undefined) {
    if (explicit < plannedMs) ctx.error(['guardrails', 'maxDuration'], `maxDuration ${formatSpecDuration(explicit)} is shorter than the phases (${formatSpecDuration(plannedMs)})`);
    maxRunMs = explicit;
  }
  return { ...(abortIf ? { abortIf } : {}), maxPodsKilled: maxPodsKilledOf(spec), maxRunMs };
}

export function resolveReport(ctx: ResolveContext, spec: ReportSpec | undefined): ResolvedReportSettings {
  const report = (isRecord(spec) ? spec : {}) as ReportSpec;
  const redact = new Set<string>(ALWAYS_REDACTED_HEADERS);
  for (const header of list(report.redactHeaders)) if (typeof header === 'string') redact.add(header.toLowerCase());
  const secrets = new Set<string>();
  for (const secret of list(report.secrets)) if (typeof secret === 'string') secrets.add(secret);
  for (const secret of ctx.secrets) secrets.add(secret);
  return {
    ...(typeof report.outDir === 'string' ? { outDir: ctx.path(report.outDir) } : {}),
    formats: Array.isArray(report.formats) ? [...report.formats] : [...DEFAULT_FORMATS],
    redactHeaders: [...redact],
    secrets: [...secrets],
  };
}
