import type { KubeObject } from '../api/kube-object.ts';

/** Annotation the kubelet writes on each pod: the loopback port its first container port maps to. */
export const POD_LOCAL_PORT_ANNOTATION = 'rebound.dev/local-port';

export function podLocalPort(pod: KubeObject): number | undefined {
  const value = Number(pod.metadata.annotations?.[POD_LOCAL_PORT_ANNOTATION]);
  return Number.isInteger(value) && value > 0 ? value : undefined;
}

/** The first declared container port of the pod (the one that maps to the pod's loopback port). */
export function firstContainerPort(podSpec: any): { containerPort: number; name?: string } | undefined {
  for (const container of podSpec?.containers ?? []) {
    const port = container?.ports?.[0];
    if (port?.containerPort) return port;
  }
  return undefined;
}

/**
 * Resolves a probe port or Service targetPort (number or name) on a pod to a loopback port:
 * the pod's first container port (by number or name) → the pod's local port; another named
 * port → its containerPort; another number → itself (the app listens on it as-is).
 */
export function resolvePodPort(podSpec: any, localPort: number | undefined, port: number | string | undefined): number | undefined {
  const first = firstContainerPort(podSpec);
  if (port === undefined || port === null || port === '') return localPort;
  if (typeof port === 'string' && !/^\d+$/.test(port)) {
    if (first?.name === port) return localPort;
    for (const container of podSpec?.containers ?? []) for (const p of container?.ports ?? []) if (p?.name === port) return p.containerPort;
    return undefined;
  }
  const number = Number(port);
  if (first === undefined || first.containerPort === number) return localPort ?? number;
  return number;
}
