/**
 * Shorthands for the mesh's own view of a service's success: `meshSuccessRatio` and
 * `meshFailureRatio`, built on Istio's `istio_requests_total` (MESH.md §3): success = responses
 * whose code is not 5xx over all responses, failure = 5xx over all, counted over the window with
 * `increase(…[$__range])` at its end. Responses carrying the fault-injection flags (`FI`: abort
 * injected, `DI`: delay injected) are counted apart in `observed`. The selector is the one a real
 * Istio Prometheus and the local mesh share: `reporter` (default `source`: the client sidecar sees
 * injected aborts; the destination does not) and the service's FQDN
 * `destination_service="NAME.NAMESPACE.svc.cluster.local"`.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { ResolvedCheck, Scope } from '../experiment/resolved.ts';
import { DNS_LABEL, Namespace, NonEmpty, PhaseName, Ratio, strict, WindowFields } from '../experiment/schema-parts.ts';
import { unixSeconds } from '../prometheus/duration.ts';
import { substituteVariables } from '../prometheus/variables.ts';
import type { CheckResult } from '../result/result.ts';
import type { FieldPath } from '../experiment/yaml-source.ts';
import type { CheckContext, CheckKind, CheckResolveEnv } from './check-kind.ts';
import { formatPercent, formatThreshold } from '../format/percent.ts';
import { prepareWindow, preflightQueries, resolvePrometheusScope } from './prometheus.ts';
import { describeScope } from './scope.ts';
import { wilsonInterval } from './wilson.ts';

const Reporter = Type.Union([Type.Literal('source'), Type.Literal('destination')], {
  description: 'Which sidecar reports: source (default; sees injected aborts and retries as the client does) or destination (one sample per attempt).',
});
const common = {
  service: NonEmpty('The Kubernetes Service (NAME, or its FQDN NAME.NAMESPACE.svc.cluster.local).'),
  namespace: Type.Optional(Namespace('Its namespace (default: target.kubernetes.namespace, else default).')),
  phase: PhaseName,
  ...WindowFields,
  reporter: Type.Optional(Reporter),
};
const MeshSuccessSchema = Type.Object({ ...common, min: Ratio('Lowest acceptable success ratio (not 5xx / all).') }, strict);
const MeshFailureSchema = Type.Object({ ...common, max: Ratio('Highest acceptable failure ratio (5xx / all).') }, strict);

export interface MeshRatioSpec {
  readonly kind: 'meshSuccessRatio' | 'meshFailureRatio';
  /** destination_service, fully qualified. */
  readonly service: string;
  readonly reporter: 'source' | 'destination';
  readonly scope: Scope;
  readonly namespace: string;
  readonly bound: 'min' | 'max';
  readonly limit: number;
  readonly plannedRangeMs: number;
  readonly plannedPhaseMs: number;
}

/** The four instant queries a mesh ratio sends (with `$__range` still to fill in). */
export function meshQueries(spec: Pick<MeshRatioSpec, 'service' | 'reporter'>): { total: string; failures: string; injectedAborts: string; injectedDelays: string } {
  const selector = `reporter="${spec.reporter}",destination_service="${spec.service}"`;
  const count = (extra: string) => `sum(increase(istio_requests_total{${selector}${extra}}[$__range]))`;
  return {
    total: count(''),
    failures: count(',response_code=~"5.."'),
    injectedAborts: count(',response_flags=~"(.*,)?FI(,.*)?"'),
    injectedDelays: count(',response_flags=~"(.*,)?DI(,.*)?"'),
  };
}

function resolveMesh(env: CheckResolveEnv, path: FieldPath, spec: Static<typeof MeshSuccessSchema> | Static<typeof MeshFailureSchema>, kind: MeshRatioSpec['kind']): MeshRatioSpec | undefined {
  const namespace = spec.namespace ?? env.target.kubernetes?.namespace ?? 'default';
  const fqdn = spec.service.includes('.') ? spec.service : `${spec.service}.${namespace}.svc.cluster.local`;
  if (!spec.service.includes('.') && !new RegExp(DNS_LABEL).test(spec.service)) env.ctx.error([...path, 'service'], `"${spec.service}" is not a Service name (a DNS label) or an FQDN`);
  const window = resolvePrometheusScope(env, path, spec);
  if (!window) return undefined;
  const bound = 'min' in spec ? 'min' : 'max';
  return { kind, service: fqdn, reporter: spec.reporter ?? 'source', ...window, namespace, bound, limit: 'min' in spec ? spec.min : spec.max };
}

const label = (spec: MeshRatioSpec) => (spec.kind === 'meshSuccessRatio' ? 'mesh success ratio' : 'mesh failure ratio');

function mesh(kind: MeshRatioSpec['kind'], schema: typeof MeshSuccessSchema | typeof MeshFailureSchema): CheckKind<Static<typeof MeshSuccessSchema> | Static<typeof MeshFailureSchema>, MeshRatioSpec> {
  return {
    key: kind,
    schema,
    resolve: (env, path, spec) => resolveMesh(env, path, spec, kind),
    defaultName: (spec) => `${label(spec)} of ${spec.service.split('.')[0]} ${spec.bound === 'min' ? '≥' : '≤'} ${formatThreshold(spec.limit)} ${describeScope(spec.scope)} (reporter=${spec.reporter})`,
    preflight: (check, { target, signal }) => preflightQueries(Object.values(meshQueries(check.spec)), check.spec, target.prometheus, signal),
    evaluate: (check, context) => evaluateMesh(check, context),
  };
}

export const meshSuccessRatioCheck = mesh('meshSuccessRatio', MeshSuccessSchema);
export const meshFailureRatioCheck = mesh('meshFailureRatio', MeshFailureSchema);

async function evaluateMesh(check: ResolvedCheck<MeshRatioSpec>, context: CheckContext): Promise<CheckResult> {
  const { spec } = check;
  const base = { name: check.name, kind: spec.kind, strict: check.strict };
  const expected = { [spec.bound]: spec.limit, minSamples: check.minSamples, scope: describeScope(spec.scope), service: spec.service, reporter: spec.reporter };
  const prepared = await prepareWindow(check, context);
  if (!('window' in prepared)) return { ...prepared, expected };
  const { prometheus, window, waitedMs } = prepared;
  const time = unixSeconds(window.endMs);
  const templates = meshQueries(spec);
  const sent = Object.fromEntries(Object.entries(templates).map(([key, query]) => [key, substituteVariables(query, window)])) as typeof templates;
  const value = async (query: string) => {
    const samples = await prometheus.client.instant(query, time, context.signal);
    return samples.length === 0 || Number.isNaN(samples[0]!.value) ? undefined : samples[0]!.value;
  };
  const [total, failures, injectedAborts, injectedDelays] = [await value(sent.total), await value(sent.failures), await value(sent.injectedAborts), await value(sent.injectedDelays)];
  const markers = { fromMs: window.fromMs, toMs: window.toMs };
  const observedBase = {
    query: spec.kind === 'meshSuccessRatio' ? `1 - (${sent.failures}) / (${sent.total})` : `(${sent.failures}) / (${sent.total})`,
    queryTotal: sent.total,
    queryFailures: sent.failures,
    queryInjectedAborts: sent.injectedAborts,
    queryInjectedDelays: sent.injectedDelays,
    time,
    windowStart: new Date(window.startMs).toISOString(),
    windowEnd: new Date(window.endMs).toISOString(),
    waitedMs,
    resolutionMs: prometheus.scrapeIntervalMs,
  };
  const n = Math.round(total ?? 0);
  if (total === undefined || n < check.minSamples) {
    const why = total === undefined ? `the query returned no series: ${sent.total}` : `only ${n} request${n === 1 ? '' : 's'} counted (fewer than minSamples ${check.minSamples}): ${sent.total}`;
    return { ...base, verdict: 'inconclusive', reason: `${label(spec)} ${describeScope(spec.scope)}: ${why}`, observed: { ratio: null, total: total ?? null, ...observedBase }, expected, n, markers };
  }
  // A 5xx series that never appeared is no failure: 0, not unknown.
  const failed = Math.min(total, failures ?? 0);
  const ratio = spec.kind === 'meshSuccessRatio' ? (total - failed) / total : failed / total;
  const ok = spec.bound === 'min' ? ratio >= spec.limit : ratio <= spec.limit;
  const op = spec.bound === 'min' ? (ok ? '≥' : '<') : ok ? '≤' : '>';
  const hits = Math.round(spec.kind === 'meshSuccessRatio' ? total - failed : failed);
  const injected = (injectedAborts ?? 0) > 0 || (injectedDelays ?? 0) > 0 ? `; fault-injected: ${Math.round(injectedAborts ?? 0)} aborts (FI), ${Math.round(injectedDelays ?? 0)} delays (DI)` : '';
  return {
    ...base,
    verdict: ok ? 'passed' : 'failed',
    reason: `${label(spec)} ${formatPercent(ratio, { decimals: 2, against: [spec.limit] })} ${op} ${formatThreshold(spec.limit)} from istio_requests_total (reporter=${spec.reporter}, ≈${n} requests)${injected}`,
    observed: { ratio, total, failures: failed, injectedAborts: injectedAborts ?? 0, injectedDelays: injectedDelays ?? 0, ...observedBase },
    expected,
    n,
    interval: wilsonInterval(Math.min(n, Math.max(0, hits)), n),
    markers,
  };
}
