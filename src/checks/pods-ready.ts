/**
 * podsReady: after each pod kill of phase `after` (or from the start of the run when `after` is
 * absent, or from the start of `after` when it killed nothing), the number of Ready pods matching
 * the selector in the namespace must reach `count` within `within`.
 *
 * What it reads — the contract with the runner's pod watch. Events in `context.events` of kind
 * `pod-created`, `pod-ready`, `pod-not-ready` and `pod-deleted`, each with
 *   data.pod:       the pod name (string)
 *   data.namespace: its namespace (string)
 *   data.labels:    its labels as a selector-style string, `app=payments,tier=backend` (string)
 * The watch must start before the first fault and, at its start, emit one `pod-ready` per pod that
 * is already Ready (data.initial: true is welcome but not read). `pod-ready` adds the pod to the Ready
 * set; `pod-not-ready` and `pod-deleted` remove it. The pods a kill deleted (faults[].pods[].pod)
 * leave the set at their deletedMs even if the watch reports the deletion later.
 *
 * Without that initial state (no matching `pod-ready` at or before the start), pods that stayed
 * Ready are invisible: a kill is then judged from its records (below), and a count not reached is
 * inconclusive rather than failed.
 *
 * When no pod event of that namespace was recorded at all, it falls back to faults[].pods: each
 * killed pod's replacement must be Ready (replacementReadyMs) within `within` of its deletion —
 * which checks replacements, not the count.
 */
import { matchesLabels, parseLabelSelector, type LabelSelector } from '../localcluster/api/label-selector.ts';
import type { CheckResult, FaultResult } from '../result/result.ts';
import { Type, type Static } from '@sinclair/typebox';
import type { CheckSpec } from '../experiment/resolved.ts';
import { checkSelector } from '../experiment/resolve-context.ts';
import { Duration, Namespace, NonEmpty, PhaseName, strict } from '../experiment/schema-parts.ts';
import type { RunEvent } from '../timeline/events.ts';
import type { CheckKind } from './check-kind.ts';
import { formatDuration, formatSpecDuration } from '../format/duration.ts';

const PodsReadySchema = Type.Object(
  {
    selector: NonEmpty('Label selector.'),
    namespace: Type.Optional(Namespace()),
    count: Type.Integer({ minimum: 0, description: 'Ready pods expected.' }),
    within: Duration('Deadline, from each pod kill of `after` (or from run start).'),
    after: Type.Optional(PhaseName),
  },
  strict,
);
type PodsReadySpec = Extract<CheckSpec, { kind: 'podsReady' }>;

const POD_EVENTS = new Set(['pod-created', 'pod-ready', 'pod-not-ready', 'pod-deleted']);

interface Kill {
  readonly atMs: number;
  readonly pods: readonly string[];
}

export const podsReadyCheck: CheckKind<Static<typeof PodsReadySchema>, PodsReadySpec> = {
  key: 'podsReady',
  schema: PodsReadySchema,
  // Judged from the pod watch's events: the watch lists, then watches, the namespace's pods.
  kubernetesPermissions: (spec) => [{ namespace: spec.namespace, apiGroup: '', resource: 'pods', verbs: ['list', 'watch'], reason: `podsReady: watch pods ${spec.selector} become Ready` }],
  resolve(env, path, spec) {
    if (!env.target.kubernetes) env.ctx.error(path, 'podsReady needs target.kubernetes', 'key');
    checkSelector(env.ctx, [...path, 'selector'], spec.selector);
    const after = spec.after === undefined ? undefined : env.findPhase([...path, 'after'], spec.after);
    const withinMs = env.ctx.ms(spec.within);
    if (withinMs === undefined || (spec.after !== undefined && !after)) return undefined;
    return {
      kind: 'podsReady',
      namespace: spec.namespace ?? env.target.kubernetes?.namespace ?? 'default',
      selector: spec.selector,
      count: spec.count,
      withinMs,
      ...(after ? { after: after.name } : {}),
    };
  },
  defaultName: (spec) => `${spec.count} pods ${spec.selector} ready within ${formatSpecDuration(spec.withinMs)}${spec.after ? ` after ${spec.after}` : ''}`,
  // Timing is what it measures: a late harness can make it fail.
  explainedBySlowHarness: () => true,
  evaluate(check, context): CheckResult {
    const { spec } = check;
    const base = { name: check.name, kind: spec.kind, strict: check.strict };
    const expected = { count: spec.count, withinMs: spec.withinMs, selector: spec.selector, namespace: spec.namespace };
    let selector: LabelSelector;
    try {
      selector = parseLabelSelector(spec.selector);
    } catch (error) {
      return { ...base, verdict: 'error', reason: `invalid selector ${spec.selector}: ${(error as Error).message}`, observed: {}, expected };
    }
    const afterPhase = spec.after === undefined ? undefined : context.phases.find((p) => p.name === spec.after);
    if (spec.after !== undefined && !afterPhase) return { ...base, verdict: 'inconclusive', reason: `phase "${spec.after}" did not run`, observed: { readyMs: null }, expected };
    const killFaults = context.faults.filter((f) => f.kind === 'pod-kill' && spec.after !== undefined && f.phase === spec.after);
    const kills = killsOf(killFaults);
    const starts: Kill[] = kills.length > 0 ? kills : [{ atMs: afterPhase?.startMs ?? 0, pods: [] }];
    const podEvents = context.events.filter((e) => POD_EVENTS.has(e.kind) && e.data?.namespace === spec.namespace);
    if (podEvents.length === 0) return fallbackToFaultRecords(check, base, expected, killFaults);

    const observationEnd = Math.max(context.loadEndMs, ...context.events.map((e) => e.atMs));
    const events = podEvents.filter((e) => matchesLabels(selector, parseLabels(e.data?.labels))).sort((a, b) => a.atMs - b.atMs);
    // Without the watch's initial Ready pods the count is unknowable; kills can still be timed from their records.
    const knowsInitialState = events.some((e) => e.kind === 'pod-ready' && e.atMs <= starts[0]!.atMs);
    if (!knowsInitialState && killFaults.some((f) => (f.pods ?? []).length > 0)) return fallbackToFaultRecords(check, base, expected, killFaults);
    let worstMs = 0;
    let worstStart = starts[0]!;
    for (const start of starts) {
      const reached = timeToReach(events, start, spec.count);
      const deadline = start.atMs + spec.withinMs;
      if (reached === undefined || reached > deadline) {
        const readyNow = readyAt(events, start, deadline).size;
        if (reached === undefined && observationEnd < deadline) {
          return {
            ...base,
            verdict: 'inconclusive',
            reason: `${readyNow} of ${spec.count} pods ${spec.selector} Ready when observation ended ${formatDuration(observationEnd - start.atMs)} after ${describeStart(start, spec.after)}, before the ${formatDuration(spec.withinMs)} deadline`,
            observed: { readyMs: null, ready: readyNow },
            expected,
            markers: { startMs: start.atMs },
          };
        }
        if (!knowsInitialState) {
          return {
            ...base,
            verdict: 'inconclusive',
            reason: `${readyNow} of ${spec.count} pods ${spec.selector} seen Ready, but the pod watch reported no Ready pods at ${describeStart(start, spec.after)}, so pods that stayed Ready may be missing from the count`,
            observed: { readyMs: null, ready: readyNow },
            expected,
            markers: { startMs: start.atMs },
          };
        }
        return {
          ...base,
          verdict: 'failed',
          reason:
            reached === undefined
              ? `only ${readyNow} of ${spec.count} pods ${spec.selector} in ${spec.namespace} Ready ${formatDuration(spec.withinMs)} after ${describeStart(start, spec.after)}, and never ${spec.count}`
              : `${spec.count} pods ${spec.selector} Ready ${formatDuration(reached - start.atMs, { against: [spec.withinMs] })} after ${describeStart(start, spec.after)} > ${formatDuration(spec.withinMs)}`,
          observed: { readyMs: reached === undefined ? 'never' : reached - start.atMs, ready: readyNow },
          expected,
          markers: { startMs: start.atMs, ...(reached !== undefined ? { readyAtMs: reached } : {}) },
        };
      }
      if (reached - start.atMs >= worstMs) {
        worstMs = reached - start.atMs;
        worstStart = start;
      }
    }
    return {
      ...base,
      verdict: 'passed',
      reason: `${spec.count} pods ${spec.selector} Ready ${formatDuration(worstMs, { against: [spec.withinMs] })} after ${describeStart(worstStart, spec.after)} ≤ ${formatDuration(spec.withinMs)}${starts.length > 1 ? ` (worst of ${starts.length} kills)` : ''}`,
      observed: { readyMs: worstMs, kills: kills.length },
      expected,
      markers: { startMs: worstStart.atMs, readyAtMs: worstStart.atMs + worstMs },
    };
  },
};

function killsOf(faults: readonly FaultResult[]): Kill[] {
  const byTime = new Map<number, string[]>();
  for (const fault of faults) for (const pod of fault.pods ?? []) byTime.set(pod.deletedMs, [...(byTime.get(pod.deletedMs) ?? []), pod.pod]);
  return [...byTime.entries()].sort((a, b) => a[0] - b[0]).map(([atMs, pods]) => ({ atMs, pods }));
}

/** Ready pods after every event up to `atMs`, without the pods the kill deleted. */
function readyAt(events: readonly RunEvent[], start: Kill, atMs: number): Set<string> {
  const ready = new Set<string>();
  const killed = new Set(start.pods);
  for (const event of events) {
    if (event.atMs > atMs) break;
    apply(ready, event, killed);
  }
  for (const pod of killed) ready.delete(pod);
  return ready;
}

/** First instant ≥ start when the Ready count is at least `count`; undefined if never. */
function timeToReach(events: readonly RunEvent[], start: Kill, count: number): number | undefined {
  const killed = new Set(start.pods);
  const ready = readyAt(events, start, start.atMs);
  if (ready.size >= count) return start.atMs;
  for (const event of events) {
    if (event.atMs <= start.atMs) continue;
    apply(ready, event, killed);
    if (ready.size >= count) return event.atMs;
  }
  return undefined;
}

function apply(ready: Set<string>, event: RunEvent, killed: ReadonlySet<string>): void {
  const pod = event.data?.pod;
  if (typeof pod !== 'string') return;
  if (event.kind === 'pod-ready' && !killed.has(pod)) ready.add(pod);
  else if (event.kind === 'pod-not-ready' || event.kind === 'pod-deleted') ready.delete(pod);
}

/** `app=payments,tier=backend` → { app: 'payments', tier: 'backend' }. */
export function parseLabels(text: unknown): Record<string, string> | undefined {
  if (typeof text !== 'string') return undefined;
  const labels: Record<string, string> = {};
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) labels[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return labels;
}

function describeStart(start: Kill, after: string | undefined): string {
  if (start.pods.length > 0) return `killing ${start.pods.join(', ')}`;
  return after ? `the start of ${after}` : 'the start of the run';
}

function fallbackToFaultRecords(
  check: { name: string; strict: boolean; spec: { kind: 'podsReady'; withinMs: number; selector: string; namespace: string } },
  base: Pick<CheckResult, 'name' | 'kind' | 'strict'>,
  expected: CheckResult['expected'],
  killFaults: readonly FaultResult[],
): CheckResult {
  const pods = killFaults.flatMap((f) => f.pods ?? []);
  if (pods.length === 0) {
    return { ...base, verdict: 'inconclusive', reason: `no pod events were recorded in namespace ${check.spec.namespace}, and no pod kill to measure from`, observed: { readyMs: null }, expected };
  }
  let worst = 0;
  for (const pod of pods) {
    if (pod.replacementReadyMs === undefined) {
      return { ...base, verdict: 'failed', reason: `the replacement of ${pod.pod} never became Ready`, observed: { readyMs: 'never' }, expected, markers: { startMs: pod.deletedMs } };
    }
    worst = Math.max(worst, pod.replacementReadyMs - pod.deletedMs);
  }
  const ok = worst <= check.spec.withinMs;
  return {
    ...base,
    verdict: ok ? 'passed' : 'failed',
    reason: `replacements Ready ${formatDuration(worst, { against: [check.spec.withinMs] })} after their kill ${ok ? '≤' : '>'} ${formatDuration(check.spec.withinMs)} (from fault records; no pod events)`,
    observed: { readyMs: worst },
    expected,
  };
}
