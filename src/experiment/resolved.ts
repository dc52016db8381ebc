/**
 * The resolved experiment: what the runner uses after validation (src/experiment/ turns the
 * user's YAML spec into this). Durations are milliseconds, rates requests per second, paths
 * absolute. Frozen after resolution. The spec type the user writes lives in spec.ts.
 */
import type { CheckSpecBase } from '../checks/check-kind.ts';
import type { FaultBase } from '../faults/fault-kind.ts';

export interface ResolvedExperiment {
  readonly apiVersion: 'rebound.dev/v1';
  readonly name: string;
  readonly description?: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Absolute path of the YAML file. */
  readonly sourcePath: string;
  /** The YAML text as written, for the report's echo (reporters redact secrets). */
  readonly sourceText: string;
  readonly target: ResolvedTarget;
  readonly load: ResolvedLoad;
  readonly phases: readonly ResolvedPhase[];
  readonly checks: readonly ResolvedCheck[];
  readonly guardrails: ResolvedGuardrails;
  readonly report: ResolvedReportSettings;
  /** Timeline bucket width (default 100 ms). */
  readonly bucketMs: number;
  /** Where the run marks its phases and faults while it goes (src/metrics/grafana-annotations.ts). */
  readonly annotations?: { readonly grafana?: GrafanaAnnotationsTarget };
}

export interface GrafanaAnnotationsTarget {
  /** Base URL, no trailing slash. */
  readonly url: string;
  /** Bearer token (always a secret: in report.secrets). */
  readonly token?: string;
  readonly dashboardUID?: string;
  readonly tags: readonly string[];
}

// ---------- target ----------

export interface ResolvedTarget {
  readonly kubernetes?: KubernetesTarget;
  readonly toxiproxy?: ToxiproxyTarget;
  readonly prometheus?: PrometheusTarget;
  /** Named endpoints that request URLs refer to as {{endpoints.NAME}}. */
  readonly endpoints: Readonly<Record<string, EndpointRef>>;
}

export type KubernetesTarget =
  | {
      /** Start the embedded local control plane from these manifests (file or directory). */
      readonly mode: 'local';
      readonly manifests: string;
      readonly namespace: string;
    }
  | {
      /** A real cluster (or any API server) through a kubeconfig. */
      readonly mode: 'kubeconfig';
      /** Absolute path; undefined = KUBECONFIG env, then ~/.kube/config. Never localhost:8080. */
      readonly kubeconfig?: string;
      readonly context?: string;
      readonly namespace: string;
      /** Contexts the experiment allows without --yes. */
      readonly allowedContexts: readonly string[];
    };

export type ToxiproxyTarget =
  | { readonly mode: 'embedded'; readonly host: string; readonly port: number; readonly proxies: readonly ProxySpec[] }
  | { readonly mode: 'url'; readonly url: string; readonly proxies: readonly ProxySpec[] };

export type PrometheusTarget =
  /** A running Prometheus; headers may hold secrets (they are in report.secrets). */
  | { readonly mode: 'url'; readonly url: string; readonly headers: Readonly<Record<string, string>>; readonly scrapeIntervalMs?: number }
  /** The prometheus binary started on loopback by the run (src/prometheus/server.ts). */
  | { readonly mode: 'embedded'; readonly binary?: string; readonly scrapeIntervalMs: number };

export interface ProxySpec {
  readonly name: string;
  /** host:port to listen on (the Toxiproxy server binds it). */
  readonly listen: string;
  /** host:port, or a Service reference resolved at run time. */
  readonly upstream: AddressRef;
}

/**
 * `service/NAME:PORT`: the local plane's Service listener; with a kubeconfig target, read through the
 * Kubernetes API (src/runner/service-routes.ts): a `rebound.dev/local-ports` annotation → loopback,
 * else cluster DNS for proxy upstreams and a LoadBalancer ingress for endpoints.
 */
export type AddressRef =
  | { readonly kind: 'address'; readonly address: string }
  | { readonly kind: 'service'; readonly service: string; readonly port: number };

export type EndpointRef =
  | { readonly kind: 'url'; readonly url: string }
  | { readonly kind: 'service'; readonly service: string; readonly port: number; readonly scheme: 'http' | 'https' }
  | { readonly kind: 'proxy'; readonly proxy: string; readonly scheme: 'http' | 'https' };

// ---------- load ----------

export interface ResolvedLoad {
  readonly driver: 'builtin' | 'k6';
  /** Arrival-rate profile over the whole run (offsets from load start). */
  readonly rate: RateProfile;
  readonly timeoutMs: number;
  /** Cap on in-flight requests; requests over it are dropped and counted (never silently lost). */
  readonly maxInFlight: number;
  /** Keep-alive connections per origin (builtin driver). */
  readonly connections: number;
  readonly requests: readonly RequestTemplate[];
  readonly success: SuccessRule;
  /** Response header naming the serving instance, e.g. x-served-by. */
  readonly servedByHeader?: string;
  readonly k6?: K6Options;
}

export type RateProfile =
  | { readonly kind: 'constant'; readonly perSecond: number }
  /** Piecewise-linear: rate goes linearly from the previous target to `target` over `durationMs`. */
  | { readonly kind: 'ramp'; readonly startPerSecond: number; readonly stages: readonly { readonly durationMs: number; readonly target: number }[] };

export interface RequestTemplate {
  readonly name: string;
  readonly method: string;
  /** May contain {{endpoints.NAME}}; resolved by the runner before load starts. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly weight: number;
}

export interface SuccessRule {
  /** Inclusive status ranges counted as success; default [[200, 399]]. */
  readonly statuses: readonly (readonly [number, number])[];
  readonly header?: { readonly name: string; readonly pattern: string };
  /** Regular expression the body must match (reading the body costs; off by default). */
  readonly bodyPattern?: string;
}

export interface K6Options {
  /** A user's own k6 script; when absent a script is generated from this load spec. */
  readonly script?: string;
  /** Explicit k6 binary; default: K6_BIN, then PATH. */
  readonly binary?: string;
}

// ---------- phases and faults ----------

export interface ResolvedPhase {
  readonly name: string;
  /** Planned start offset from load start (sum of earlier durations). */
  readonly startMs: number;
  readonly durationMs: number;
  readonly faults: readonly ResolvedFault[];
}

/** A fault as its kind resolved it (src/faults/<kind>-kind.ts defines the fields beyond these). */
export type ResolvedFault = FaultBase;

// ---------- checks ----------

/** A slice of the run: a phase, optionally narrowed to [fromMs, toMs) offsets within it. */
export interface Scope {
  readonly phase: string;
  readonly fromMs?: number;
  readonly toMs?: number;
}

/** The specs of the built-in check kinds (src/checks/<kind>.ts). */
export type CheckSpec =
  | { readonly kind: 'successRatio'; readonly scope: Scope; readonly min: number }
  | { readonly kind: 'failureRatio'; readonly scope: Scope; readonly max: number }
  /** During the phase's faults: from phase start until every window of width windowMs stays ≥ threshold. */
  | { readonly kind: 'timeToFailover'; readonly phase: string; readonly windowMs: number; readonly threshold: number; readonly maxMs: number }
  /** After the faults of phase `after` are reverted (or its pods killed): same rule, until the run ends. */
  | { readonly kind: 'timeToRecover'; readonly after: string; readonly windowMs: number; readonly threshold: number; readonly maxMs: number }
  /** After the faults of phase `after` are reverted: until every window of served-by responses has ≥ share to the `to` instances. */
  | { readonly kind: 'timeToFailback'; readonly after: string; readonly to: readonly string[]; readonly windowMs: number; readonly share: number; readonly withinMs: number }
  | { readonly kind: 'latency'; readonly scope: Scope; readonly percentile: number; readonly maxMs: number }
  | { readonly kind: 'podsReady'; readonly namespace: string; readonly selector: string; readonly count: number; readonly withinMs: number; readonly after?: string }
  | { readonly kind: 'trafficSplit'; readonly scope: Scope; readonly expect: Readonly<Record<string, number>>; readonly tolerance: number };

/** The built-in check kinds' keys. */
export type BuiltinCheckKey = CheckSpec['kind'];

export interface ResolvedCheck<S extends CheckSpecBase = CheckSpecBase> {
  readonly name: string;
  /** Strict checks decide the exit code; advisory ones are reported only. */
  readonly strict: boolean;
  /** Below this many samples a ratio check is inconclusive, never passed. Default 20. */
  readonly minSamples: number;
  readonly spec: S;
}

// ---------- guardrails and report ----------

export interface ResolvedGuardrails {
  /** Abort when the success ratio stays below `below` for `forMs`. */
  readonly abortIf?: { readonly successRatioBelow: number; readonly forMs: number };
  /** Upper bound on pods killed over the whole run (default 1). */
  readonly maxPodsKilled: number;
  /** Hard deadline for the whole run (default: planned duration + 60 s). */
  readonly maxRunMs: number;
}

export interface ResolvedReportSettings {
  /** Absolute output directory; undefined = reports/<experiment>/<timestamp>/. */
  readonly outDir?: string;
  readonly formats: readonly ('html' | 'json' | 'junit' | 'markdown')[];
  /** Header names whose values are never written anywhere (lower-case). Always includes authorization, cookie. */
  readonly redactHeaders: readonly string[];
  /** Literal strings to redact from every output (values the experiment marks secret). */
  readonly secrets: readonly string[];
}
