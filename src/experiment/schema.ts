/**
 * The experiment format as a JSON Schema, built with TypeBox so that the TypeScript spec type
 * (spec.ts, `Static<typeof ExperimentSchema>`) is derived from it and cannot drift.
 * experiment.schema.json is this object serialised (see write-schema.ts; a test keeps them equal).
 *
 * Rules a JSON Schema cannot say well (mutual exclusions, references between fields, units) are
 * checked in resolve-*.ts. `patternErrorMessage` is the editor extension understood by
 * yaml-language-server; the loader uses it for its own messages too.
 */
import { Type, type TSchema } from '@sinclair/typebox';
import { DURATION_EXPECTED, DURATION_PATTERN, RATE_EXPECTED, RATE_PATTERN } from './duration.ts';

export const SCHEMA_ID = 'https://rebound.dev/schemas/experiment-v1.json';

const strict = { additionalProperties: false } as const;

const Duration = (description: string) =>
  Type.String({ pattern: DURATION_PATTERN, patternErrorMessage: DURATION_EXPECTED, description });
const Rate = (description: string) => Type.String({ pattern: RATE_PATTERN, patternErrorMessage: RATE_EXPECTED, description });
const Ratio = (description: string) => Type.Number({ minimum: 0, maximum: 1, description });
const NonEmpty = (description: string) => Type.String({ minLength: 1, description });
const StringMap = (description: string) => Type.Record(Type.String(), Type.String(), { description });

const DNS_LABEL = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
const HOST_PORT = '(?:\\[[0-9a-fA-F:.]+\\]|[A-Za-z0-9.-]+):\\d{1,5}';
const SERVICE_REF = 'service/[a-z0-9]([-a-z0-9]*[a-z0-9])?:\\d{1,5}';

const Metadata = Type.Object(
  {
    name: Type.String({
      pattern: DNS_LABEL,
      maxLength: 63,
      patternErrorMessage: "lower-case letters, digits and '-' (starting and ending with a letter or digit)",
      description: 'Experiment name; names the report directory.',
    }),
    description: Type.Optional(Type.String({ description: 'What the experiment shows, in a sentence or two.' })),
    labels: Type.Optional(StringMap('Free-form labels copied to the result.')),
  },
  strict,
);

const KubernetesTargetSpec = Type.Object(
  {
    local: Type.Optional(NonEmpty('Start the local control plane from these manifests (file or directory, relative to this file).')),
    namespace: Type.Optional(Type.String({ pattern: DNS_LABEL, maxLength: 63, patternErrorMessage: 'a Kubernetes namespace name', description: 'Default namespace for faults and checks (default: default).' })),
    kubeconfig: Type.Optional(NonEmpty('A kubeconfig for a real cluster (default: $KUBECONFIG, then ~/.kube/config). Not with local.')),
    context: Type.Optional(NonEmpty('Kubeconfig context to use (default: its current-context). Not with local.')),
    allowContexts: Type.Optional(Type.Array(NonEmpty('context name'), { description: 'Contexts this experiment may touch without --yes. Not with local.' })),
  },
  { ...strict, description: 'Where pods live: the local control plane or a real cluster.' },
);

const ProxyEntry = Type.Object(
  {
    name: Type.String({ pattern: '^[A-Za-z0-9_.-]+$', patternErrorMessage: "letters, digits, '.', '_' and '-'", description: 'Proxy name.' }),
    listen: Type.String({ pattern: `^${HOST_PORT}$`, patternErrorMessage: 'host:port, e.g. 127.0.0.1:21001', description: 'Address the proxy listens on.' }),
    upstream: Type.String({
      pattern: `^(?:${SERVICE_REF}|${HOST_PORT})$`,
      patternErrorMessage: 'host:port or service/NAME:PORT',
      description: 'Where the proxy forwards to: host:port or service/NAME:PORT.',
    }),
  },
  strict,
);

const ToxiproxyTargetSpec = Type.Object(
  {
    embedded: Type.Optional(Type.Boolean({ description: 'Run the embedded Toxiproxy-compatible server (not with url).' })),
    listen: Type.Optional(Type.String({ pattern: `^${HOST_PORT}$`, patternErrorMessage: 'host:port, e.g. 127.0.0.1:8474', description: 'API address of the embedded server (default 127.0.0.1:0, an ephemeral port).' })),
    url: Type.Optional(Type.String({ pattern: '^https?://', patternErrorMessage: 'an http(s):// URL', description: 'URL of a running Toxiproxy API (not with embedded).' })),
    proxies: Type.Optional(Type.Array(ProxyEntry, { description: 'Proxies created if missing.' })),
  },
  { ...strict, description: 'The Toxiproxy to inject network faults through.' },
);

const Target = Type.Object(
  {
    kubernetes: Type.Optional(KubernetesTargetSpec),
    toxiproxy: Type.Optional(ToxiproxyTargetSpec),
    endpoints: Type.Optional(
      Type.Record(
        Type.String(),
        Type.String({
          pattern: `^(?:https?://\\S+|${SERVICE_REF}|proxy/[A-Za-z0-9_.-]+)$`,
          patternErrorMessage: 'http(s)://host:port, service/NAME:PORT or proxy/NAME',
        }),
        { description: 'Names that request URLs use as {{endpoints.NAME}}.' },
      ),
    ),
  },
  strict,
);

const RampSpec = Type.Object(
  {
    start: Type.Optional(Rate('Rate at load start (default 0/s).')),
    stages: Type.Array(
      Type.Object({ duration: Duration('How long this stage lasts.'), target: Rate('Rate reached at the end of the stage.') }, strict),
      { minItems: 1, description: 'Linear ramps, in order.' },
    ),
  },
  strict,
);

const RequestSpec = Type.Object(
  {
    name: Type.Optional(NonEmpty('Name in reports (default: METHOD path).')),
    method: Type.Optional(Type.String({ pattern: '^[A-Z]+$', patternErrorMessage: 'an upper-case HTTP method such as GET or POST', description: 'Default GET.' })),
    url: NonEmpty('{{endpoints.NAME}}/path, or an absolute http(s) URL. ${env:NAME} allowed.'),
    headers: Type.Optional(StringMap('Request headers. ${env:NAME} allowed (the value becomes a secret).')),
    body: Type.Optional(Type.String({ description: 'Request body. ${env:NAME} allowed.' })),
    weight: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'Relative weight in the mix (default 1).' })),
  },
  strict,
);

const StatusItem = Type.Union(
  [
    Type.Integer({ minimum: 100, maximum: 599 }),
    Type.String({ pattern: '^(?:[1-5]xx|\\d{3}(?:-\\d{3})?)$', patternErrorMessage: 'a status like 200, "2xx" or "200-299"' }),
  ],
  { patternErrorMessage: 'a status like 200, "2xx" or "200-299"' },
);

const SuccessSpec = Type.Object(
  {
    status: Type.Optional(Type.Array(StatusItem, { minItems: 1, description: 'Statuses counted as success (default 200-399).' })),
    header: Type.Optional(Type.Object({ name: NonEmpty('Response header name.'), pattern: Type.String({ description: 'Regular expression its value must match.' }) }, strict)),
    body: Type.Optional(Type.String({ description: 'Regular expression the body must match.' })),
  },
  strict,
);

const Load = Type.Object(
  {
    driver: Type.Optional(Type.Union([Type.Literal('builtin'), Type.Literal('k6')], { description: 'builtin (default) or k6.' })),
    rate: Type.Union([Rate('Constant arrival rate.'), RampSpec], { patternErrorMessage: `${RATE_EXPECTED}, or { start, stages: [{ duration, target }] }` }),
    timeout: Type.Optional(Duration('Per-request timeout (default 5s).')),
    maxInFlight: Type.Optional(Type.Integer({ minimum: 1, description: 'Cap on in-flight requests (default max(100, 2 × peak rate × timeout)).' })),
    connections: Type.Optional(Type.Integer({ minimum: 1, description: 'Keep-alive connections per origin (default 64).' })),
    requests: Type.Array(RequestSpec, { minItems: 1, description: 'Weighted request mix.' }),
    success: Type.Optional(SuccessSpec),
    servedBy: Type.Optional(NonEmpty('Response header naming the serving instance.')),
    k6: Type.Optional(Type.Object({ script: Type.Optional(NonEmpty('A k6 script (relative to this file).')), binary: Type.Optional(NonEmpty('k6 binary.')) }, strict)),
  },
  strict,
);

export const TOXIC_TYPES = ['latency', 'bandwidth', 'slow_close', 'timeout', 'reset_peer', 'slicer', 'limit_data'] as const;

const ToxiproxyFaultSpec = Type.Object(
  {
    proxy: NonEmpty('A proxy from target.toxiproxy.proxies.'),
    down: Type.Optional(Type.Literal(true, { description: 'Disable the proxy for the phase (not with toxic).' })),
    toxic: Type.Optional(Type.Union(TOXIC_TYPES.map((t) => Type.Literal(t)), { description: 'Toxic type (not with down).' })),
    attributes: Type.Optional(Type.Record(Type.String(), Type.Number({ minimum: 0 }), { description: "Toxiproxy's attributes for the toxic type." })),
    stream: Type.Optional(Type.Union([Type.Literal('upstream'), Type.Literal('downstream')], { description: 'Default downstream.' })),
    toxicity: Type.Optional(Ratio('Probability the toxic applies to a connection (default 1).')),
    name: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.-]+$', patternErrorMessage: "letters, digits, '.', '_' and '-'", description: 'Toxic name (default rebound-<phase>-<index>).' })),
  },
  strict,
);

const PodKillSpec = Type.Object(
  {
    selector: NonEmpty('Label selector, e.g. app=payments-primary.'),
    namespace: Type.Optional(Type.String({ pattern: DNS_LABEL, patternErrorMessage: 'a Kubernetes namespace name', description: 'Default target.kubernetes.namespace.' })),
    count: Type.Optional(Type.Integer({ minimum: 1, description: 'Pods to kill (default 1; not with percent).' })),
    percent: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 100, description: 'Share of matching pods to kill, rounded up (not with count).' })),
    pick: Type.Optional(Type.Union([Type.Literal('random'), Type.Literal('oldest')], { description: 'Which pods: random (default) or oldest.' })),
    gracePeriod: Type.Optional(Duration("Grace period (default: the pod's own; 0s = forced).")),
    every: Type.Optional(Duration('Repeat the kill this often within the phase.')),
  },
  strict,
);

const Fault = Type.Object(
  { toxiproxy: Type.Optional(ToxiproxyFaultSpec), podKill: Type.Optional(PodKillSpec) },
  { ...strict, description: 'Exactly one of toxiproxy or podKill.' },
);

const Phase = Type.Object(
  {
    name: Type.String({ pattern: '^[A-Za-z0-9_-]+$', patternErrorMessage: "letters, digits, '_' and '-'", description: 'Unique phase name.' }),
    duration: Duration('Phase length (a multiple of bucket).'),
    faults: Type.Optional(Type.Array(Fault, { description: 'Applied at phase start, reverted at phase end.' })),
  },
  strict,
);

const PhaseName = NonEmpty('A phase name.');
const WindowFields = {
  from: Type.Optional(Duration('Window start, as an offset into the phase.')),
  to: Type.Optional(Duration('Window end, as an offset into the phase (default: phase end).')),
};

export const CHECK_KINDS = ['successRatio', 'failureRatio', 'timeToFailover', 'timeToRecover', 'latency', 'podsReady', 'trafficSplit'] as const;

const Check = Type.Object(
  {
    name: Type.Optional(NonEmpty('Check name (default derived from kind and phase).')),
    strict: Type.Optional(Type.Boolean({ description: 'Strict checks decide the exit code (default true).' })),
    minSamples: Type.Optional(Type.Integer({ minimum: 1, description: 'Fewer samples → inconclusive (default 20).' })),
    successRatio: Type.Optional(Type.Object({ phase: PhaseName, min: Ratio('Lowest acceptable success ratio.'), ...WindowFields }, strict)),
    failureRatio: Type.Optional(Type.Object({ phase: PhaseName, max: Ratio('Highest acceptable failure ratio.'), ...WindowFields }, strict)),
    timeToFailover: Type.Optional(
      Type.Object(
        { phase: PhaseName, window: Duration('Sliding window width.'), threshold: Ratio('Success ratio every window must reach.'), max: Duration('Longest acceptable time to fail over.') },
        strict,
      ),
    ),
    timeToRecover: Type.Optional(
      Type.Object(
        { after: PhaseName, window: Duration('Sliding window width.'), threshold: Ratio('Success ratio every window must reach.'), max: Duration('Longest acceptable time to recover.') },
        strict,
      ),
    ),
    latency: Type.Optional(
      Type.Object(
        {
          phase: PhaseName,
          percentile: Type.Number({
            exclusiveMinimum: 0,
            maximum: 100,
            patternErrorMessage: 'a percentile in (0, 100] such as 99 or 99.9',
            description: 'Any percentile in (0, 100], e.g. 50, 99, 99.9; 100 is the maximum.',
          }),
          max: Duration('Highest acceptable latency (from the scheduled time).'),
          ...WindowFields,
        },
        strict,
      ),
    ),
    podsReady: Type.Optional(
      Type.Object(
        {
          selector: NonEmpty('Label selector.'),
          namespace: Type.Optional(Type.String({ pattern: DNS_LABEL, patternErrorMessage: 'a Kubernetes namespace name' })),
          count: Type.Integer({ minimum: 0, description: 'Ready pods expected.' }),
          within: Duration('Deadline, from each pod kill of `after` (or from run start).'),
          after: Type.Optional(PhaseName),
        },
        strict,
      ),
    ),
    trafficSplit: Type.Optional(
      Type.Object(
        {
          phase: PhaseName,
          expect: Type.Record(Type.String(), Ratio('Expected share.'), { description: 'Served-by prefix → expected share (sums to 1).' }),
          tolerance: Ratio('Allowed absolute deviation per share.'),
          ...WindowFields,
        },
        strict,
      ),
    ),
  },
  { ...strict, description: 'Exactly one check kind key.' },
);

const Guardrails = Type.Object(
  {
    abortIf: Type.Optional(
      Type.Object(
        { successRatio: Type.Object({ below: Ratio('Abort when the success ratio stays below this…'), for: Duration('…for this long.') }, strict) },
        strict,
      ),
    ),
    maxPodsKilled: Type.Optional(Type.Integer({ minimum: 0, description: 'Most pods killed over the whole run (default 1).' })),
    maxDuration: Type.Optional(Duration('Hard deadline for the run (default: planned duration + 60s).')),
  },
  strict,
);

export const REPORT_FORMATS = ['html', 'json', 'junit', 'markdown'] as const;

const Report = Type.Object(
  {
    outDir: Type.Optional(NonEmpty('Output directory (relative to this file; default reports/<name>/<timestamp>/).')),
    formats: Type.Optional(Type.Array(Type.Union(REPORT_FORMATS.map((f) => Type.Literal(f))), { uniqueItems: true, description: 'Default [html, json, junit].' })),
    redactHeaders: Type.Optional(Type.Array(NonEmpty('header name'), { description: 'Header values never written (authorization, cookie, set-cookie, proxy-authorization always).' })),
    secrets: Type.Optional(Type.Array(NonEmpty('literal'), { description: 'Literal strings redacted from every output.' })),
  },
  strict,
);

export const ExperimentSchema = Type.Object(
  {
    apiVersion: Type.Literal('rebound.dev/v1'),
    kind: Type.Literal('Experiment'),
    metadata: Metadata,
    target: Target,
    load: Load,
    phases: Type.Array(Phase, { minItems: 1 }),
    checks: Type.Optional(Type.Array(Check)),
    guardrails: Type.Optional(Guardrails),
    report: Type.Optional(Report),
    bucket: Type.Optional(Duration('Timeline bucket width (default 100ms); phase durations must be multiples of it.')),
  },
  { ...strict, $id: SCHEMA_ID, title: 'Rebound experiment', description: 'A chaos experiment: target, load, phases with faults, checks.' },
);

/** The schema as plain JSON (TypeBox's symbol keys dropped), as written to experiment.schema.json. */
export function experimentJsonSchema(): Record<string, unknown> {
  return { $schema: 'http://json-schema.org/draft-07/schema#', ...(JSON.parse(JSON.stringify(ExperimentSchema as TSchema)) as Record<string, unknown>) };
}
