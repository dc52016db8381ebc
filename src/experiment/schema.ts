/**
 * The experiment format as a JSON Schema, built with TypeBox so that the TypeScript spec type
 * (spec.ts, `Static<typeof ExperimentSchema>`) is derived from it and cannot drift. The fault and
 * check entries are built from the registered kinds' own fragments (src/plugins/registry.ts).
 * experiment.schema.json is the built-in kinds' schema serialised (see write-schema.ts; a test
 * keeps them equal).
 *
 * Rules a JSON Schema cannot say well (mutual exclusions, references between fields, units) are
 * checked in resolve-*.ts. `patternErrorMessage` is the editor extension understood by
 * yaml-language-server; the loader uses it for its own messages too.
 */
import { Type, type TSchema } from '@sinclair/typebox';
import type { AnyCheckKind } from '../checks/check-kind.ts';
import type { AnyFaultKind } from '../faults/fault-kind.ts';
import { BUILTIN_CHECK_KINDS, BUILTIN_FAULT_KINDS, checkKinds, faultKinds, registryGeneration } from '../plugins/registry.ts';
import { RATE_EXPECTED } from './duration.ts';
import { DNS_LABEL, Duration, NonEmpty, Rate, Ratio, strict, StringMap } from './schema-parts.ts';

export const SCHEMA_ID = 'https://rebound.dev/schemas/experiment-v1.json';

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

const PrometheusTargetSpec = Type.Object(
  {
    url: Type.Optional(Type.String({ pattern: '^https?://', patternErrorMessage: 'an http(s):// URL', description: 'URL of a running Prometheus (not with embedded).' })),
    headers: Type.Optional(StringMap('HTTP headers sent with every API call (values may use ${env:NAME}; such values are secrets). Only with url.')),
    embedded: Type.Optional(Type.Boolean({ description: 'Start the prometheus binary on loopback, scraping the local plane\'s annotated pods, the mesh and Rebound itself (not with url).' })),
    binary: Type.Optional(NonEmpty('The prometheus binary for embedded (default: looked up on PATH).')),
    scrapeInterval: Type.Optional(Duration("Scrape interval: the embedded server's (default 1s); with url, the server's (default: read from its configuration).")),
  },
  { ...strict, description: 'The Prometheus that prometheus checks query.' },
);

const Target = Type.Object(
  {
    kubernetes: Type.Optional(KubernetesTargetSpec),
    toxiproxy: Type.Optional(ToxiproxyTargetSpec),
    prometheus: Type.Optional(PrometheusTargetSpec),
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

/** phases[].faults[]: exactly one key, one per registered fault kind. */
function faultSchema(kinds: readonly AnyFaultKind[]): TSchema {
  const properties: Record<string, TSchema> = {};
  for (const kind of kinds) properties[kind.key] = Type.Optional(kind.schema);
  return Type.Object(properties, { ...strict, description: `Exactly one of ${kinds.map((k) => k.key).join(', ')}.` });
}

const phaseSchema = (fault: TSchema) =>
  Type.Object(
    {
      name: Type.String({ pattern: '^[A-Za-z0-9_-]+$', patternErrorMessage: "letters, digits, '_' and '-'", description: 'Unique phase name.' }),
      duration: Duration('Phase length (a multiple of bucket).'),
      faults: Type.Optional(Type.Array(fault, { description: 'Applied at phase start, reverted at phase end.' })),
    },
    strict,
  );

/** checks[]: common fields plus exactly one key, one per registered check kind. */
function checkSchema(kinds: readonly AnyCheckKind[]): TSchema {
  const properties: Record<string, TSchema> = {
    name: Type.Optional(NonEmpty('Check name (default derived from kind and phase).')),
    strict: Type.Optional(Type.Boolean({ description: 'Strict checks decide the exit code (default true).' })),
    minSamples: Type.Optional(Type.Integer({ minimum: 1, description: 'Fewer samples → inconclusive (default 20).' })),
  };
  for (const kind of kinds) properties[kind.key] = Type.Optional(kind.schema);
  return Type.Object(properties, { ...strict, description: 'Exactly one check kind key.' });
}

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

const Annotations = Type.Object(
  {
    grafana: Type.Optional(
      Type.Object(
        {
          url: Type.String({ pattern: '^https?://', patternErrorMessage: 'an http(s):// URL', description: 'Grafana base URL (may use ${env:NAME}).' }),
          token: Type.Optional(NonEmpty('A Grafana service-account token, sent as a Bearer token; use ${env:NAME} (a secret, redacted everywhere).')),
          dashboardUID: Type.Optional(NonEmpty('Put the annotations on this dashboard (default: organization-wide annotations, shown by tag).')),
          tags: Type.Optional(Type.Array(NonEmpty('tag'), { description: 'Extra tags on every annotation (rebound and experiment:<name> are always there).' })),
        },
        { ...strict, description: 'Each phase and each fault (applied → reverted) becomes a region annotation in Grafana.' },
      ),
    ),
  },
  { ...strict, description: 'Where the run marks its phases and faults while it goes.' },
);

const experimentSchemaOf = (faults: readonly AnyFaultKind[], checks: readonly AnyCheckKind[]) =>
  Type.Object(
    {
      apiVersion: Type.Literal('rebound.dev/v1'),
      kind: Type.Literal('Experiment'),
      metadata: Metadata,
      target: Target,
      load: Load,
      phases: Type.Array(phaseSchema(faultSchema(faults)), { minItems: 1 }),
      checks: Type.Optional(Type.Array(checkSchema(checks))),
      guardrails: Type.Optional(Guardrails),
      report: Type.Optional(Report),
      annotations: Type.Optional(Annotations),
      bucket: Type.Optional(Duration('Timeline bucket width (default 100ms); phase durations must be multiples of it.')),
    },
    { ...strict, $id: SCHEMA_ID, title: 'Rebound experiment', description: 'A chaos experiment: target, load, phases with faults, checks.' },
  );

/** The schema with the built-in kinds: the shape spec.ts derives its types from. */
export const ExperimentSchema = experimentSchemaOf(BUILTIN_FAULT_KINDS, BUILTIN_CHECK_KINDS);

let current: { generation: number; schema: TSchema } | undefined;

/** The schema with every kind registered now. */
export function experimentSchema(): TSchema {
  if (current?.generation !== registryGeneration()) current = { generation: registryGeneration(), schema: experimentSchemaOf(faultKinds(), checkKinds()) };
  return current.schema;
}

/** The schema as plain JSON (TypeBox's symbol keys dropped), as written to experiment.schema.json. */
export function experimentJsonSchema(schema: TSchema = ExperimentSchema): Record<string, unknown> {
  return { $schema: 'http://json-schema.org/draft-07/schema#', ...(JSON.parse(JSON.stringify(schema)) as Record<string, unknown>) };
}
