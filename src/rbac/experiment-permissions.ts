/**
 * Everything one experiment calls through the Kubernetes API: the run's own calls (the pod watch
 * of the target namespace, reading the Services that `service/NAME:PORT` references name) and
 * what each fault and check kind declares (`kubernetesPermissions`, through the plugin registry).
 *
 * Not listed, because every authenticated identity already has them (the default
 * system:discovery and system:public-info-viewer ClusterRoleBindings): GET /version (the
 * reachability probe) and GET /apis (finding Istio's API version).
 */
import type { ResolvedExperiment } from '../experiment/resolved.ts';
import { checkKindOf, faultKindOf } from '../plugins/registry.ts';
import { serviceReferences } from '../runner/service-routes.ts';
import type { KubePermission } from './permission.ts';

export function experimentPermissions(experiment: ResolvedExperiment): KubePermission[] {
  const kubernetes = experiment.target.kubernetes;
  if (!kubernetes) return [];
  const permissions: KubePermission[] = [
    // run-steps.ts watchPods: the target namespace's pods are watched for the whole run.
    { namespace: kubernetes.namespace, apiGroup: '', resource: 'pods', verbs: ['list', 'watch'], reason: 'the run: record pod events (deleted, not ready, ready) in the target namespace' },
  ];
  const services = [...new Set(serviceReferences(experiment).map((ref) => ref.service))].sort();
  if (services.length > 0) {
    permissions.push({ namespace: kubernetes.namespace, apiGroup: '', resource: 'services', verbs: ['get'], resourceNames: services, reason: 'the run: resolve the service/NAME:PORT references (endpoints, proxy upstreams)' });
  }
  for (const phase of experiment.phases) {
    for (const fault of phase.faults) permissions.push(...(faultKindOf(fault.kind)?.kubernetesPermissions?.(fault) ?? []));
  }
  for (const check of experiment.checks) permissions.push(...(checkKindOf(check.spec.kind)?.kubernetesPermissions?.(check.spec) ?? []));
  return permissions;
}
