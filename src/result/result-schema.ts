/**
 * result.json as a JSON Schema (draft 2020-12), built with TypeBox so that the TypeScript result
 * types (result.ts, `Static<…>`) are derived from it and cannot drift. The fault and check kind
 * enums are built from the registered kinds (src/plugins/registry.ts); result.schema.json is the
 * built-in kinds' schema serialised (see write-result-schema.ts; a test keeps them equal).
 *
 * Objects allow extra properties on purpose: a fault kind's extra result fields and newer minor
 * additions must validate. Incompatible changes bump RESULT_SCHEMA_VERSION.
 */
import { Type, type Static, type TSchema, type TUnsafe } from '@sinclair/typebox';
import type { AnyCheckKind } from '../checks/check-kind.ts';
import type { AnyFaultKind } from '../faults/fault-kind.ts';
import { FAILURE_KINDS, type FailureKind } from '../load/sample.ts';
import { IndexEntrySchema, MAX_HISTORY_ENTRIES } from '../history/index-entry.ts';
import { EVENT_KINDS } from '../timeline/events.ts';
import { CHECK_VERDICTS, RESULT_SCHEMA_VERSION, VERDICTS } from './result.ts';

const RESULT_SCHEMA_ID = 'https://rebound.dev/schema/result.schema.json';

// Helpers that keep the draft 2020-12 keywords TypeBox does not emit itself (`enum`, type arrays,
// `oneOf`, `prefixItems`, `additionalProperties` maps, `$ref` into `$defs`) while typing the value.

/** `{ enum: values }`; validation errors then list the allowed values. */
const Enum = <const T extends readonly string[]>(values: T) => Type.Unsafe<T[number]>({ enum: [...values] });

/** An object whose every value matches `value` (`additionalProperties`, no `patternProperties`). */
const MapOf = <T extends TSchema>(value: T, options: Record<string, unknown> = {}) =>
  Type.Unsafe<Record<string, Static<T>>>({ type: 'object', additionalProperties: value, ...options });

const OneOf = <T extends TSchema[]>(schemas: [...T]) => Type.Unsafe<Static<T[number]>>({ oneOf: schemas });

/** A shared part, listed under `$defs/<name>`; `ref()` points at it, typed as its schema. */
interface Definition<T extends TSchema> {
  readonly name: string;
  readonly schema: T;
  ref(description?: string): TUnsafe<Static<T>>;
}

const define = <T extends TSchema>(name: string, schema: T): Definition<T> => ({
  name,
  schema,
  ref: (description) => Type.Unsafe<Static<T>>({ $ref: `#/$defs/${name}`, ...(description ? { description } : {}) }),
});

const Ms = define('ms', Type.Number({ minimum: 0 }));
const Count = define('count', Type.Integer({ minimum: 0 }));
const ms = Ms.ref;
const count = Count.ref;

const FailureKinds = define(
  'failureKinds',
  Type.Unsafe<Partial<Record<FailureKind, number>>>({ type: 'object', propertyNames: { enum: [...FAILURE_KINDS] }, additionalProperties: count() }),
);
const Counts = define('counts', MapOf(count()));

const LatencySummary = Type.Object({ p50: ms(), p90: ms(), p95: ms(), p99: ms(), max: ms(), mean: ms() });
const Latency = define('latency', OneOf([Type.Null(), LatencySummary]));

const Phase = define('phase', Type.Object({
  name: Type.String(),
  startMs: ms('Run-clock offset.'),
  endMs: ms('Run-clock offset.'),
  startedAt: Type.String(),
  endedAt: Type.String(),
  total: count(),
  successes: count(),
  failures: count(),
  failuresByKind: FailureKinds.ref(),
  successRatio: Type.Unsafe<number | null>({ type: ['number', 'null'], minimum: 0, maximum: 1, description: 'Null when the phase had no samples.' }),
  latency: Latency.ref(),
  servedBy: Counts.ref(),
  failuresByCode: Type.Optional(Counts.ref('Failures by HTTP status or error code: `502`, `ECONNREFUSED`, `timeout`, `dropped`, `200 (success rule)`.')),
  failedWithoutServer: Type.Optional(count('Failures whose response named no server (no served-by header, or no response).')),
  faults: Type.Array(Type.String(), { description: 'Fault ids active during this phase.' }),
}));

const PodKill = Type.Object({
  pod: Type.String(),
  deletedMs: ms(),
  replacement: Type.Optional(Type.String()),
  replacementCreatedMs: Type.Optional(ms()),
  replacementReadyMs: Type.Optional(ms()),
});

/** `kind` is typed as a string: the enum is whatever is registered when the schema is built. */
const faultOf = (kinds: readonly string[]) =>
  define('fault', Type.Object({
    id: Type.String(),
    kind: Type.Unsafe<string>({ enum: [...kinds], description: "One of the registered fault kinds' `kinds` (src/plugins/registry.ts)." }),
    phase: Type.String(),
    target: Type.String({ description: 'What it touched: `proxy payments-primary`, `pods app=payments in shop`.' }),
    description: Type.String({ description: 'Human description: `latency 3000ms ±0 downstream on payments-primary`.' }),
    appliedAt: Type.Optional(Type.String()),
    appliedMs: Type.Optional(ms()),
    revertedAt: Type.Optional(Type.String()),
    revertedMs: Type.Optional(ms()),
    applyError: Type.Optional(Type.String({ description: 'Set when applying failed.' })),
    revertError: Type.Optional(Type.String({ description: "Set when reverting failed (the run's verdict is then `error`)." })),
    pods: Type.Optional(Type.Array(PodKill, { description: 'Pod kills: each pod killed and its replacement.' })),
  }));

const CheckValues = define(
  'checkValues',
  MapOf(OneOf([Type.Unsafe<number | string | null>({ type: ['number', 'string', 'null'] }), MapOf(Type.Number())])),
);

const checkOf = (kinds: readonly string[]) =>
  define('check', Type.Object({
    name: Type.String(),
    kind: Type.Unsafe<string>({ enum: [...kinds], description: "A registered check kind's key (src/plugins/registry.ts)." }),
    strict: Type.Boolean(),
    verdict: Enum(CHECK_VERDICTS),
    reason: Type.String({ description: 'One sentence a release manager can read: `99.6% ≥ 99% (n=4012)`.' }),
    observed: CheckValues.ref('Observed value(s); numbers in the units named by the key (…Ms, ratio 0–1).'),
    expected: CheckValues.ref(),
    n: Type.Optional(count('Sample count behind a ratio.')),
    interval: Type.Optional(
      Type.Unsafe<[number, number]>({
        type: 'array',
        prefixItems: [Type.Number(), Type.Number()],
        minItems: 2,
        maxItems: 2,
        description: '95 % Wilson score interval of a ratio.',
      }),
    ),
    markers: Type.Optional(MapOf(Type.Number(), { description: 'Run-clock instants worth drawing (e.g. failoverAtMs, recoveredAtMs).' })),
    rangeSeries: Type.Optional(
      Type.Array(
        Type.Object({
          labels: Type.String({ description: 'The series\' labels, `{name="value",…}` (`{}` for a scalar).' }),
          points: Type.Array(
            Type.Unsafe<[number, number | null]>({
              type: 'array',
              prefixItems: [{ type: 'number' }, { type: ['number', 'null'] }],
              minItems: 2,
              maxItems: 2,
              description: '[run-clock ms, value]; null where the query gave NaN.',
            }),
          ),
        }),
        { description: 'A query checked at every step (prometheus forAll): the series it judged over its window, the worst first (at most 5); a series of over 500 points is thinned to every k-th point, keeping every point out of bounds.' },
      ),
    ),
  }));

const Bucket = define('bucket', Type.Object(
  {
    index: count('It covers [index * bucketMs, (index + 1) * bucketMs) on the run clock.'),
    total: count(),
    successes: count(),
    failures: FailureKinds.ref('Only non-zero kinds are present.'),
    latency: Latency.ref('Null when the bucket has no samples.'),
    servedBy: Counts.ref(),
    failuresByCode: Type.Optional(Counts.ref('Failures by HTTP status or error code; present when the bucket has failures.')),
    failedWithoutServer: Type.Optional(count('Failures whose response named no server; present when non-zero.')),
  },
  { description: 'One fixed-width slice of the run.' },
));

const Event = define('event', Type.Object({
  kind: Enum(EVENT_KINDS),
  atMs: Type.Number({ description: 'Run-clock milliseconds.' }),
  at: Type.String({ description: 'ISO wall time, for display only.' }),
  message: Type.String(),
  phase: Type.Optional(Type.String({ description: 'Phase active at the time, when any.' })),
  faultId: Type.Optional(Type.String({ description: 'Fault id this event is about, when any.' })),
  data: Type.Optional(
    MapOf(Type.Unsafe<string | number | boolean | null>({ type: ['string', 'number', 'boolean', 'null'] }), {
      description: 'Small JSON-serialisable details (pod name, toxic, …).',
    }),
  ),
}));

const ExperimentEcho = Type.Object({
  name: Type.String(),
  description: Type.Optional(Type.String()),
  labels: MapOf(Type.String()),
  file: Type.String({ description: 'Path as given on the command line.' }),
  source: Type.String({ description: 'The YAML as written, secrets redacted.' }),
});

const Environment = Type.Object({
  node: Type.String(),
  platform: Type.String(),
  hostname: Type.Optional(Type.String()),
  toxiproxy: Type.Optional(Type.Object({ url: Type.String(), version: Type.Optional(Type.String()), embedded: Type.Boolean() })),
  kubernetes: Type.Optional(
    Type.Object({
      local: Type.Boolean(),
      context: Type.Optional(Type.String()),
      server: Type.Optional(Type.String()),
      version: Type.Optional(Type.String()),
      namespace: Type.String(),
    }),
  ),
});

const Load = Type.Object({
  driver: Type.String(),
  driverVersion: Type.Optional(Type.String()),
  targetRate: Type.String({ description: 'Human description of the rate profile, e.g. `200/s`.' }),
  scheduled: count(),
  total: count(),
  dropped: count(),
  achievedRatePerSecond: Type.Number({ minimum: 0 }),
  timeoutMs: ms(),
  servedByHeader: Type.Optional(Type.String()),
  extra: Type.Optional(Type.Unsafe<Record<string, unknown>>({ type: 'object', description: 'Driver extras, e.g. k6 thresholds.' })),
});

const WindowLatency = Type.Union([
  Type.Object({ n: count(), p50: Type.Number(), p95: Type.Number(), p99: Type.Number(), max: Type.Number() }),
  Type.Null(),
]);

const Timeline = Type.Object({
  bucketMs: Type.Number({ exclusiveMinimum: 0 }),
  buckets: Type.Array(Bucket.ref()),
  latencyWindows: Type.Optional(
    Type.Object(
      {
        minSamples: Type.Number({ minimum: 1 }),
        windows: Type.Array(Type.Object({ fromMs: ms(), toMs: ms(), success: WindowLatency, failure: WindowLatency })),
      },
      {
        description:
          'Latency (ms, from the scheduled time) of successful and of failed requests apart, over consecutive windows each grown until it holds minSamples successful samples (at most 10 s wide, at most 1200 windows). Dropped requests have no latency.',
      },
    ),
  ),
});

const FailureLog = Type.Object(
  {
    limit: count('At most this many distinct code + message pairs are listed; later distinct ones are only counted in `unlisted`.'),
    unlisted: count('Failures whose code + message was not among the listed ones.'),
    entries: Type.Array(
      Type.Object({
        kind: Enum(FAILURE_KINDS),
        code: Type.String({ description: 'HTTP status or error code, as in failuresByCode.' }),
        message: Type.String({ description: "The error message or the HTTP status text ('' when none), redacted." }),
        count: count(),
        firstMs: Type.Number({ description: 'Run-clock ms when a failure of this entry was first seen (the request ended).' }),
        lastMs: Type.Number({ description: 'Run-clock ms when one was last seen.' }),
        firstAt: Type.String({ description: 'ISO wall time of firstMs.' }),
        lastAt: Type.String({ description: 'ISO wall time of lastMs.' }),
        excerpt: Type.Optional(Type.String({ description: 'Start of the first failing response body of this entry (at most 200 characters), credentials redacted.' })),
      }),
      { description: 'In the order first seen.' },
    ),
  },
  { description: 'The first distinct ways requests failed (bounded), for the report\'s "why requests failed".' },
);

const HarnessDelay = define('harnessDelay', Type.Object({ p50: Type.Number(), p99: Type.Number(), max: Type.Number() }));

const Harness = Type.Object(
  {
    sendLagMs: HarnessDelay.ref('Load driver: sentMs − scheduledMs of sent requests.'),
    eventLoopDelayMs: HarnessDelay.ref("The runner process's event-loop delay (perf_hooks.monitorEventLoopDelay, resolution subtracted)."),
    phaseStartLateMs: Type.Object(
      { max: Type.Number(), byPhase: MapOf(Type.Number()) },
      { description: 'Actual − planned phase start.' },
    ),
    bounds: Type.Object(
      { sendLagP99Ms: Type.Number(), eventLoopDelayP99Ms: Type.Number(), phaseStartLateMs: Type.Number() },
      { description: 'The limits the run was held to.' },
    ),
    infrastructure: Type.Optional(
      Type.Array(Type.Object({ role: Type.String(), eventLoopDelayMs: HarnessDelay.ref() }), {
        description: 'Event-loop delay of the child processes hosting the embedded Toxiproxy / local control plane (informative).',
      }),
    ),
    windows: Type.Optional(
      Type.Object(
        {
          windowMs: Type.Number({ exclusiveMinimum: 0 }),
          sendLagMaxMs: Type.Array(Type.Number({ minimum: 0 })),
          eventLoopDelayMaxMs: Type.Array(Type.Number({ minimum: 0 })),
        },
        {
          description:
            'Where on the run clock the harness was late: entry i covers [i × windowMs, (i + 1) × windowMs) and holds the highest send lag (by scheduled time) and runner event-loop delay seen in it. At most 3600 entries: windowMs doubles on long runs.',
        },
      ),
    ),
    healthy: Type.Boolean(),
    warnings: Type.Array(Type.String(), { description: '`harness overloaded: …` for each bound exceeded, then informative warnings.' }),
  },
  {
    description:
      "The harness's self-check (added in schema version 1; optional so that older results still read): when `healthy` is false the measurements are not trustworthy and the verdict was made `inconclusive` (unless a strict check failed for a reason a slow harness cannot explain).",
  },
);

/** The result schema whose fault and check `kind` enums are these kinds'. */
export function resultSchemaOf(faultKinds: readonly Pick<AnyFaultKind, 'kinds'>[], checkKinds: readonly Pick<AnyCheckKind, 'key'>[]) {
  const Fault = faultOf(faultKinds.flatMap((kind) => kind.kinds));
  const Check = checkOf(checkKinds.map((kind) => kind.key));
  return Type.Object(
    {
      schemaVersion: Type.Literal(RESULT_SCHEMA_VERSION),
      rebound: Type.Object({ version: Type.String() }),
      experiment: ExperimentEcho,
      environment: Environment,
      startedAt: Type.String({ description: 'ISO wall time.' }),
      endedAt: Type.String({ description: 'ISO wall time.' }),
      durationMs: ms('On the monotonic run clock.'),
      verdict: Enum(VERDICTS),
      verdictReason: Type.String({ description: 'One sentence: why this verdict (the first failed strict check, the guardrail, the error).' }),
      error: Type.Optional(
        Type.Object(
          { kind: Type.String(), message: Type.String() },
          { description: 'Set when verdict is `error` (or a revert failed): what the harness could not do.' },
        ),
      ),
      interrupted: Type.Boolean({ description: 'True when the run was stopped by SIGINT/SIGTERM.' }),
      load: Load,
      phases: Type.Array(Phase.ref()),
      faults: Type.Array(Fault.ref()),
      checks: Type.Array(Check.ref()),
      timeline: Timeline,
      events: Type.Array(Event.ref()),
      harness: Type.Optional(Harness),
      failureLog: Type.Optional(FailureLog),
      history: Type.Optional(
        Type.Array(IndexEntrySchema, {
          maxItems: MAX_HISTORY_ENTRIES,
          description: "The experiment's previous runs from its results index (oldest first), for the report's trend panel; absent when the run kept no history.",
        }),
      ),
    },
    {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: RESULT_SCHEMA_ID,
      title: 'Rebound result.json',
      description:
        'One run of a Rebound experiment (src/result/result-schema.ts). Extra properties are allowed so that older readers accept newer minor additions; incompatible changes bump schemaVersion.',
      $defs: Object.fromEntries(
        [Ms, Count, FailureKinds, Counts, Latency, Phase, Fault, CheckValues, Check, Bucket, Event, HarnessDelay].map((part) => [part.name, part.schema]),
      ),
    },
  );
}

export type ResultSchema = ReturnType<typeof resultSchemaOf>;

/** The schema as plain JSON (TypeBox's symbol keys dropped), as written to result.schema.json. */
export function resultJsonSchema(schema: TSchema): Record<string, unknown> {
  return JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;
}
