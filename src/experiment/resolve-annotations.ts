/** annotations: where the run marks its phases and faults (Grafana). `${env:…}` values become secrets. */
import type { GrafanaAnnotationsTarget } from './resolved.ts';
import { isRecord, list, type ResolveContext } from './resolve-context.ts';
import type { ExperimentSpec } from './spec.ts';

export function resolveAnnotations(ctx: ResolveContext, spec: ExperimentSpec['annotations']): { grafana?: GrafanaAnnotationsTarget } | undefined {
  if (!isRecord(spec) || !isRecord(spec.grafana)) return undefined;
  const grafana = spec.grafana as NonNullable<NonNullable<ExperimentSpec['annotations']>['grafana']>;
  const base = ['annotations', 'grafana'];
  const url = ctx.substituteEnv([...base, 'url'], grafana.url).replace(/\/+$/, '');
  const token = grafana.token === undefined ? undefined : ctx.substituteEnv([...base, 'token'], grafana.token);
  // A token is a secret however it was written.
  if (token) ctx.secrets.add(token);
  return {
    grafana: {
      url,
      ...(token ? { token } : {}),
      ...(grafana.dashboardUID !== undefined ? { dashboardUID: grafana.dashboardUID } : {}),
      tags: [...list(grafana.tags)],
    },
  };
}
