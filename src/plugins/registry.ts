/**
 * The one list of fault kinds and check kinds. The experiment schema, the resolver, the runner,
 * preflight, the journal sweep and the result's kind enums are all built from it. Code outside
 * src/ (a test, a user's suite) adds a kind with registerFaultKind / registerCheckKind.
 */
import type { AnyCheckKind } from '../checks/check-kind.ts';
import { failureRatioCheck } from '../checks/failure-ratio.ts';
import { latencyCheck } from '../checks/latency.ts';
import { meshFailureRatioCheck, meshSuccessRatioCheck } from '../checks/mesh-ratio.ts';
import { podsReadyCheck } from '../checks/pods-ready.ts';
import { prometheusCheck } from '../checks/prometheus.ts';
import { successRatioCheck } from '../checks/success-ratio.ts';
import { timeToFailbackCheck } from '../checks/time-to-failback.ts';
import { timeToFailoverCheck } from '../checks/time-to-failover.ts';
import { timeToRecoverCheck } from '../checks/time-to-recover.ts';
import { trafficSplitCheck } from '../checks/traffic-split.ts';
import type { AnyFaultKind } from '../faults/fault-kind.ts';
import { httpFaultKind } from '../faults/http-fault-kind.ts';
import { podKillFaultKind } from '../faults/pod-kill-kind.ts';
import { toxiproxyFaultKind } from '../faults/toxiproxy-kind.ts';

export const BUILTIN_FAULT_KINDS: readonly AnyFaultKind[] = [toxiproxyFaultKind, podKillFaultKind, httpFaultKind];

export const BUILTIN_CHECK_KINDS: readonly AnyCheckKind[] = [
  successRatioCheck,
  failureRatioCheck,
  timeToFailoverCheck,
  timeToRecoverCheck,
  timeToFailbackCheck,
  latencyCheck,
  podsReadyCheck,
  trafficSplitCheck,
  prometheusCheck,
  meshSuccessRatioCheck,
  meshFailureRatioCheck,
];

const faults = new Map<string, AnyFaultKind>(BUILTIN_FAULT_KINDS.map((kind) => [kind.key, kind]));
const checks = new Map<string, AnyCheckKind>(BUILTIN_CHECK_KINDS.map((kind) => [kind.key, kind]));
let generation = 0;

/** Changes whenever a kind is added or removed (caches of derived schemas key on it). */
export function registryGeneration(): number {
  return generation;
}

export function faultKinds(): readonly AnyFaultKind[] {
  return [...faults.values()];
}

export function checkKinds(): readonly AnyCheckKind[] {
  return [...checks.values()];
}

/** The fault kind whose resolved faults or journal records carry this `kind`. */
export function faultKindOf(kind: string): AnyFaultKind | undefined {
  return faultKinds().find((candidate) => candidate.kinds.includes(kind));
}

export function checkKindOf(key: string): AnyCheckKind | undefined {
  return checks.get(key);
}

/**
 * Adds a fault kind (with `replace`, in place of the kind with the same key, e.g. to wrap a
 * built-in); returns the function that undoes it.
 */
export function registerFaultKind(kind: AnyFaultKind, options: { replace?: boolean } = {}): () => void {
  const previous = faults.get(kind.key);
  if (previous && !options.replace) throw new Error(`fault kind ${kind.key} is already registered`);
  const clash = kind.kinds.find((k) => faultKinds().some((other) => other.key !== kind.key && other.kinds.includes(k)));
  if (clash !== undefined) throw new Error(`fault kind ${kind.key}: kind ${clash} belongs to another fault kind`);
  faults.set(kind.key, kind);
  generation++;
  return () => {
    if (faults.get(kind.key) !== kind) return;
    if (previous) faults.set(kind.key, previous);
    else faults.delete(kind.key);
    generation++;
  };
}

/** Adds a check kind; returns the function that removes it again. */
export function registerCheckKind(kind: AnyCheckKind): () => void {
  if (checks.has(kind.key)) throw new Error(`check kind ${kind.key} is already registered`);
  checks.set(kind.key, kind);
  generation++;
  return () => {
    if (checks.get(kind.key) === kind && checks.delete(kind.key)) generation++;
  };
}
