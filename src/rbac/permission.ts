/**
 * What an experiment needs to be allowed to do through the Kubernetes API, as fault and check
 * kinds declare it (their `kubernetesPermissions`): verbs on one resource, in a namespace (a Role)
 * or cluster-wide (a ClusterRole). `rebound rbac` turns these into RBAC objects (rbac-manifests.ts).
 */
export type KubeVerb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export interface KubePermission {
  /** Undefined: cluster-wide (a ClusterRole). */
  readonly namespace?: string;
  /** '' for the core group (pods, services), e.g. 'networking.istio.io'. */
  readonly apiGroup: string;
  /** Plural resource, with `/subresource` when it is one (e.g. `pods/log`). */
  readonly resource: string;
  readonly verbs: readonly KubeVerb[];
  /** Only these objects (never with list, watch or create: Kubernetes cannot narrow those by name). */
  readonly resourceNames?: readonly string[];
  /** Why it is needed: becomes a comment next to the rule. */
  readonly reason: string;
}

/** A rule of a Role or ClusterRole, as Kubernetes writes it (rbac.authorization.k8s.io/v1 PolicyRule). */
export interface PolicyRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
  readonly resourceNames?: readonly string[];
  readonly nonResourceURLs?: readonly string[];
}
