import { expect } from 'chai';
import { authorize, forbidden, requestVerb, ruleAllows, type RbacObjects, type ResourceAttributes } from '../../src/localcluster/api/rbac-authorizer.ts';
import type { KubeObject } from '../../src/localcluster/api/kube-object.ts';

const pods = (verb: string, extra: Partial<ResourceAttributes> = {}): ResourceAttributes => ({ verb, apiGroup: '', resource: 'pods', namespace: 'shop', ...extra });
const SA = { name: 'system:serviceaccount:shop:rebound', groups: ['system:serviceaccounts', 'system:serviceaccounts:shop', 'system:authenticated'] };

function object(kind: string, name: string, namespace: string | undefined, fields: Record<string, unknown>): KubeObject {
  return { apiVersion: 'rbac.authorization.k8s.io/v1', kind, metadata: { name, ...(namespace ? { namespace } : {}) }, ...fields } as KubeObject;
}

function objects(all: KubeObject[]): RbacObjects {
  const of = (kind: string, namespace?: string) => all.filter((o) => o.kind === kind && o.metadata.namespace === namespace);
  return { roles: (ns) => of('Role', ns), roleBindings: (ns) => of('RoleBinding', ns), clusterRoles: () => of('ClusterRole'), clusterRoleBindings: () => of('ClusterRoleBinding') };
}

describe('local plane RBAC: rule matching (Kubernetes semantics)', () => {
  it('verbs: exact or *', () => {
    expect(ruleAllows({ apiGroups: [''], resources: ['pods'], verbs: ['list'] }, pods('list'))).to.equal(true);
    expect(ruleAllows({ apiGroups: [''], resources: ['pods'], verbs: ['list'] }, pods('watch'))).to.equal(false);
    expect(ruleAllows({ apiGroups: [''], resources: ['pods'], verbs: ['*'] }, pods('deletecollection'))).to.equal(true);
  });

  it('apiGroups: exact or *; the core group is ""', () => {
    expect(ruleAllows({ apiGroups: ['apps'], resources: ['pods'], verbs: ['get'] }, pods('get'))).to.equal(false);
    expect(ruleAllows({ apiGroups: ['*'], resources: ['pods'], verbs: ['get'] }, pods('get'))).to.equal(true);
    expect(ruleAllows({ apiGroups: [''], resources: ['deployments'], verbs: ['get'] }, { verb: 'get', apiGroup: 'apps', resource: 'deployments' })).to.equal(false);
  });

  it('resources: a subresource needs resource/sub, */sub or *; the resource alone does not grant its subresources', () => {
    const log = pods('get', { subresource: 'log', name: 'p' });
    expect(ruleAllows({ apiGroups: [''], resources: ['pods'], verbs: ['get'] }, log)).to.equal(false);
    expect(ruleAllows({ apiGroups: [''], resources: ['pods/log'], verbs: ['get'] }, log)).to.equal(true);
    expect(ruleAllows({ apiGroups: [''], resources: ['*/log'], verbs: ['get'] }, log)).to.equal(true);
    expect(ruleAllows({ apiGroups: [''], resources: ['*/status'], verbs: ['get'] }, log)).to.equal(false);
    expect(ruleAllows({ apiGroups: [''], resources: ['*'], verbs: ['get'] }, log)).to.equal(true);
    expect(ruleAllows({ apiGroups: [''], resources: ['pods/log'], verbs: ['get'] }, pods('get', { name: 'p' }))).to.equal(false);
  });

  it('resourceNames: only named requests of those objects match; list, watch and create name none', () => {
    const rule = { apiGroups: [''], resources: ['services'], verbs: ['get', 'list', 'create'], resourceNames: ['checkout'] };
    const services = (verb: string, name?: string): ResourceAttributes => ({ verb, apiGroup: '', resource: 'services', namespace: 'shop', ...(name ? { name } : {}) });
    expect(ruleAllows(rule, services('get', 'checkout'))).to.equal(true);
    expect(ruleAllows(rule, services('get', 'payments'))).to.equal(false);
    expect(ruleAllows(rule, services('list'))).to.equal(false);
    expect(ruleAllows(rule, services('create'))).to.equal(false);
    expect(ruleAllows({ ...rule, resourceNames: [] }, services('list'))).to.equal(true);
  });

  it('request verbs from HTTP methods', () => {
    expect([requestVerb('GET', false, false), requestVerb('GET', true, false), requestVerb('GET', false, true), requestVerb('GET', true, true)]).to.deep.equal(['list', 'get', 'watch', 'watch']);
    expect([requestVerb('POST', false, false), requestVerb('PUT', true, false), requestVerb('PATCH', true, false), requestVerb('DELETE', true, false), requestVerb('DELETE', false, false)]).to.deep.equal(['create', 'update', 'patch', 'delete', 'deletecollection']);
  });
});

describe('local plane RBAC: bindings', () => {
  const readPods = { apiGroups: [''], resources: ['pods'], verbs: ['list'] };

  it('a RoleBinding grants its Role in its own namespace only, to the ServiceAccount of the subject namespace', () => {
    const store = objects([
      object('Role', 'reader', 'shop', { rules: [readPods] }),
      object('RoleBinding', 'reader', 'shop', { roleRef: { kind: 'Role', name: 'reader' }, subjects: [{ kind: 'ServiceAccount', name: 'rebound', namespace: 'shop' }] }),
    ]);
    expect(authorize(store, SA, pods('list'))).to.equal(true);
    expect(authorize(store, SA, pods('list', { namespace: 'other' }))).to.equal(false);
    expect(authorize(store, SA, pods('list', { namespace: undefined }))).to.equal(false);
    expect(authorize(store, { ...SA, name: 'system:serviceaccount:other:rebound' }, pods('list'))).to.equal(false);
  });

  it('a RoleBinding to a ClusterRole grants it in the binding namespace; a ClusterRoleBinding everywhere', () => {
    const clusterRole = object('ClusterRole', 'pod-reader', undefined, { rules: [readPods] });
    const scoped = objects([clusterRole, object('RoleBinding', 'b', 'shop', { roleRef: { kind: 'ClusterRole', name: 'pod-reader' }, subjects: [{ kind: 'Group', name: 'system:serviceaccounts:shop' }] })]);
    expect(authorize(scoped, SA, pods('list'))).to.equal(true);
    expect(authorize(scoped, SA, pods('list', { namespace: 'kube-system' }))).to.equal(false);
    const everywhere = objects([clusterRole, object('ClusterRoleBinding', 'b', undefined, { roleRef: { kind: 'ClusterRole', name: 'pod-reader' }, subjects: [{ kind: 'User', name: SA.name }] })]);
    expect(authorize(everywhere, SA, pods('list', { namespace: 'kube-system' }))).to.equal(true);
    expect(authorize(everywhere, SA, pods('delete', { name: 'p' }))).to.equal(false);
  });

  it('a binding to a missing role, or a ServiceAccount subject without a namespace, grants nothing', () => {
    expect(authorize(objects([object('RoleBinding', 'b', 'shop', { roleRef: { kind: 'Role', name: 'gone' }, subjects: [{ kind: 'ServiceAccount', name: 'rebound', namespace: 'shop' }] })]), SA, pods('list'))).to.equal(false);
    expect(
      authorize(objects([object('Role', 'r', 'shop', { rules: [readPods] }), object('RoleBinding', 'b', 'shop', { roleRef: { kind: 'Role', name: 'r' }, subjects: [{ kind: 'ServiceAccount', name: 'rebound' }] })]), SA, pods('list')),
    ).to.equal(false);
  });

  it('403 words it as the API server does', () => {
    const named = forbidden(SA, { verb: 'delete', apiGroup: 'apps', resource: 'deployments', namespace: 'shop', name: 'checkout' });
    expect(named.code).to.equal(403);
    expect(named.toStatus()).to.deep.include({ reason: 'Forbidden', message: 'deployments.apps "checkout" is forbidden: User "system:serviceaccount:shop:rebound" cannot delete resource "deployments" in API group "apps" in the namespace "shop"' });
    expect(forbidden(SA, { verb: 'list', apiGroup: '', resource: 'namespaces' }).message).to.equal('namespaces is forbidden: User "system:serviceaccount:shop:rebound" cannot list resource "namespaces" in API group "" at the cluster scope');
  });
});
