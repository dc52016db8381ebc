import type { V1Pod } from '@kubernetes/client-node';

/** A pod's labels as `k=v` pairs in key order, comma-joined (the form pod events carry). */
export function labelString(labels: Readonly<Record<string, string>> | undefined): string {
  return Object.keys(labels ?? {})
    .sort()
    .map((key) => `${key}=${labels![key]}`)
    .join(',');
}

export function isPodReady(pod: V1Pod): boolean {
  return pod.status?.conditions?.some((condition) => condition.type === 'Ready' && condition.status === 'True') ?? false;
}
