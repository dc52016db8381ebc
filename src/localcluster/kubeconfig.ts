import { stringify } from 'yaml';
import { writeFileAtomic } from '../util/atomic-write.ts';

export const CONTEXT_NAME = 'rebound-local';

/** A kubeconfig for the local plane: plain http needs insecure-skip-tls-verify for client-node. */
export function kubeconfigText(url: string, namespace = 'default'): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: CONTEXT_NAME, cluster: { server: url, 'insecure-skip-tls-verify': true } }],
    users: [{ name: CONTEXT_NAME, user: {} }],
    contexts: [{ name: CONTEXT_NAME, context: { cluster: CONTEXT_NAME, user: CONTEXT_NAME, namespace } }],
    'current-context': CONTEXT_NAME,
    preferences: {},
  });
}

export async function writeKubeconfig(path: string, url: string): Promise<void> {
  await writeFileAtomic(path, kubeconfigText(url));
}
