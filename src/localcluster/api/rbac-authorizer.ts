/**
 * Kubernetes RBAC for the local plane, for requests that carry a ServiceAccount's bearer token
 * (requests without one are the plane's own kubeconfig: allowed everything, as before).
 *
 * Semantics as the Kubernetes RBAC authorizer (pkg/apis/rbac/v1 evaluation helpers,
 * kubernetes.io/docs/reference/access-authn-authz/rbac/): a request is allowed when a rule of a
 * ClusterRole bound by a ClusterRoleBinding, or of a Role or ClusterRole bound by a RoleBinding in
 * the request's namespace, matches it. A rule matches when its verbs hold the verb (or `*`), its
 * apiGroups the group (or `*`), its resources the resource, `resource/subresource`, `*` or
 * `*\/subresource`, and its resourceNames are empty or hold the object's name (so list, watch,
 * create and deletecollection, which name no object, never match a rule with resourceNames).
 * Discovery (/api, /apis, /version, /healthz, /openapi) is allowed to every authenticated
 * identity, as the default system:discovery and system:public-info-viewer bindings do.
 */
import { randomBytes } from 'node:crypto';
import { ApiError } from './api-error.ts';
import type { KubeObject } from './kube-object.ts';

export interface UserInfo {
  readonly name: string;
  readonly groups: readonly string[];
}

/** A request to a resource, as Kubernetes' request-info describes it. */
export interface ResourceAttributes {
  readonly verb: string;
  readonly apiGroup: string;
  readonly resource: string;
  readonly subresource?: string;
  readonly namespace?: string;
  readonly name?: string;
}

export interface Rule {
  readonly apiGroups?: readonly string[];
  readonly resources?: readonly string[];
  readonly verbs?: readonly string[];
  readonly resourceNames?: readonly string[];
}

interface Subject {
  readonly kind?: string;
  readonly name?: string;
  readonly namespace?: string;
}

/** What the authorizer reads from the store: Roles, ClusterRoles and their bindings. */
export interface RbacObjects {
  roles(namespace: string): readonly KubeObject[];
  roleBindings(namespace: string): readonly KubeObject[];
  clusterRoles(): readonly KubeObject[];
  clusterRoleBindings(): readonly KubeObject[];
}

/** The verb of an HTTP request to a resource path. */
export function requestVerb(method: string, named: boolean, watch: boolean): string {
  switch (method) {
    case 'GET':
    case 'HEAD':
      return watch ? 'watch' : named ? 'get' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return named ? 'delete' : 'deletecollection';
    default:
      return method.toLowerCase();
  }
}

function resourceMatches(rule: Rule, request: ResourceAttributes): boolean {
  const combined = request.subresource ? `${request.resource}/${request.subresource}` : request.resource;
  return (rule.resources ?? []).some((resource) => resource === '*' || resource === combined || (request.subresource !== undefined && resource === `*/${request.subresource}`));
}

export function ruleAllows(rule: Rule, request: ResourceAttributes): boolean {
  const verbs = rule.verbs ?? [];
  if (!verbs.includes('*') && !verbs.includes(request.verb)) return false;
  const groups = rule.apiGroups ?? [];
  if (!groups.includes('*') && !groups.includes(request.apiGroup)) return false;
  if (!resourceMatches(rule, request)) return false;
  const names = rule.resourceNames ?? [];
  return names.length === 0 || (request.name !== undefined && names.includes(request.name));
}

function appliesTo(subject: Subject, user: UserInfo): boolean {
  switch (subject.kind) {
    case 'User':
      return subject.name === user.name;
    case 'Group':
      return subject.name !== undefined && user.groups.includes(subject.name);
    case 'ServiceAccount':
      return subject.namespace !== undefined && `system:serviceaccount:${subject.namespace}:${subject.name}` === user.name;
    default:
      return false;
  }
}

function boundTo(binding: KubeObject, user: UserInfo): boolean {
  return ((binding as { subjects?: Subject[] }).subjects ?? []).some((subject) => appliesTo(subject, user));
}

function rulesOf(role: KubeObject | undefined): readonly Rule[] {
  return (role as { rules?: Rule[] } | undefined)?.rules ?? [];
}

function roleRef(binding: KubeObject): { kind?: string; name?: string } {
  return (binding as { roleRef?: { kind?: string; name?: string } }).roleRef ?? {};
}

export function authorize(objects: RbacObjects, user: UserInfo, request: ResourceAttributes): boolean {
  const clusterRole = (name: string | undefined) => objects.clusterRoles().find((role) => role.metadata.name === name);
  for (const binding of objects.clusterRoleBindings()) {
    if (boundTo(binding, user) && roleRef(binding).kind === 'ClusterRole' && rulesOf(clusterRole(roleRef(binding).name)).some((rule) => ruleAllows(rule, request))) return true;
  }
  if (request.namespace === undefined) return false;
  const namespace = request.namespace;
  for (const binding of objects.roleBindings(namespace)) {
    if (!boundTo(binding, user)) continue;
    const ref = roleRef(binding);
    const role = ref.kind === 'Role' ? objects.roles(namespace).find((candidate) => candidate.metadata.name === ref.name) : ref.kind === 'ClusterRole' ? clusterRole(ref.name) : undefined;
    if (rulesOf(role).some((rule) => ruleAllows(rule, request))) return true;
  }
  return false;
}

/** The API server's 403, word for word. */
export function forbidden(user: UserInfo, request: ResourceAttributes): ApiError {
  const resource = request.subresource ? `${request.resource}/${request.subresource}` : request.resource;
  const qualified = request.apiGroup ? `${request.resource}.${request.apiGroup}` : request.resource;
  const scope = request.namespace !== undefined ? `in the namespace "${request.namespace}"` : 'at the cluster scope';
  return new ApiError(
    403,
    'Forbidden',
    `${qualified}${request.name !== undefined ? ` "${request.name}"` : ''} is forbidden: User "${user.name}" cannot ${request.verb} resource "${resource}" in API group "${request.apiGroup}" ${scope}`,
    { ...(request.name !== undefined ? { name: request.name } : {}), ...(request.apiGroup ? { group: request.apiGroup } : {}), kind: request.resource },
  );
}

export function unauthorized(): ApiError {
  return new ApiError(401, 'Unauthorized', 'Unauthorized');
}

interface IssuedToken {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string | undefined;
  readonly expiresAtMs: number;
}

/** Bound ServiceAccount tokens (the TokenRequest API): valid while unexpired and while their ServiceAccount exists. */
export class ServiceAccountTokens {
  private readonly issued = new Map<string, IssuedToken>();

  issue(account: KubeObject, expirationSeconds: number): { token: string; expiresAtMs: number } {
    const token = `rebound-sa.${randomBytes(32).toString('base64url')}`;
    const expiresAtMs = Date.now() + expirationSeconds * 1000;
    this.issued.set(token, { namespace: account.metadata.namespace!, name: account.metadata.name!, uid: account.metadata.uid, expiresAtMs });
    return { token, expiresAtMs };
  }

  /** The token's identity, or undefined (expired, unknown, or its ServiceAccount gone or replaced). */
  authenticate(token: string, accountNow: (namespace: string, name: string) => KubeObject | undefined): UserInfo | undefined {
    const issued = this.issued.get(token);
    if (!issued) return undefined;
    if (Date.now() >= issued.expiresAtMs || accountNow(issued.namespace, issued.name)?.metadata.uid !== issued.uid) {
      this.issued.delete(token);
      return undefined;
    }
    return { name: `system:serviceaccount:${issued.namespace}:${issued.name}`, groups: ['system:serviceaccounts', `system:serviceaccounts:${issued.namespace}`, 'system:authenticated'] };
  }
}
