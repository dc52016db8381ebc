import type { ResolvedExperiment } from '../experiment/resolved.ts';
import { UsageError } from '../errors.ts';

export interface TargetOverrides {
  /** Use this Toxiproxy instead of the experiment's (embedded → url). */
  readonly toxiproxyUrl?: string;
  /** Use a real cluster through this kubeconfig instead of the experiment's Kubernetes target. */
  readonly kubeconfig?: string;
  readonly context?: string;
}

/** Command-line flags replace the experiment's target (the experiment object stays frozen). */
export function applyTargetOverrides(experiment: ResolvedExperiment, overrides: TargetOverrides): ResolvedExperiment {
  let target = experiment.target;
  if (overrides.toxiproxyUrl !== undefined) {
    let url: URL;
    try {
      url = new URL(overrides.toxiproxyUrl);
    } catch {
      throw new UsageError(`--toxiproxy-url: '${overrides.toxiproxyUrl}' is not a URL (expected e.g. http://127.0.0.1:8474)`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--toxiproxy-url: '${overrides.toxiproxyUrl}' must be http(s)`);
    target = { ...target, toxiproxy: { mode: 'url', url: overrides.toxiproxyUrl.replace(/\/+$/, ''), proxies: experiment.target.toxiproxy?.proxies ?? [] } };
  }
  if (overrides.kubeconfig !== undefined || overrides.context !== undefined) {
    const current = experiment.target.kubernetes;
    target = {
      ...target,
      kubernetes: {
        mode: 'kubeconfig',
        kubeconfig: overrides.kubeconfig ?? (current?.mode === 'kubeconfig' ? current.kubeconfig : undefined),
        context: overrides.context ?? (current?.mode === 'kubeconfig' ? current.context : undefined),
        namespace: current?.namespace ?? 'default',
        allowedContexts: current?.mode === 'kubeconfig' ? current.allowedContexts : [],
      },
    };
  }
  return target === experiment.target ? experiment : Object.freeze({ ...experiment, target });
}
