import { expect } from 'chai';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { loadExperiment } from '../../src/experiment/index.ts';
import { experimentPermissions } from '../../src/rbac/experiment-permissions.ts';
import type { KubePermission } from '../../src/rbac/permission.ts';
import { policyRules } from '../../src/rbac/policy-rules.ts';
import { rbacManifests } from '../../src/rbac/rbac-manifests.ts';
import { registerFaultKind } from '../../src/plugins/registry.ts';
import { podKillFaultKind } from '../../src/faults/pod-kill-kind.ts';
import { REPO } from '../helpers/cli.ts';

const p = (fields: Partial<KubePermission> & Pick<KubePermission, 'resource' | 'verbs'>): KubePermission => ({ namespace: 'shop', apiGroup: '', reason: 'r', ...fields });

describe('rbac: permissions → rules', () => {
  it('merges verbs per resource; a verb granted on every object is dropped from the named rule', () => {
    const [scope] = policyRules([
      p({ resource: 'pods', verbs: ['watch', 'list'] }),
      p({ resource: 'pods', verbs: ['delete', 'list'] }),
      p({ resource: 'services', verbs: ['get', 'list'], resourceNames: ['b', 'a'] }),
      p({ resource: 'services', verbs: ['list'] }),
    ]);
    expect(scope!.namespace).to.equal('shop');
    expect(scope!.rules.map((r) => r.rule)).to.deep.equal([
      { apiGroups: [''], resources: ['pods'], verbs: ['list', 'watch', 'delete'] },
      { apiGroups: [''], resources: ['services'], verbs: ['list'] },
      { apiGroups: [''], resources: ['services'], resourceNames: ['a', 'b'], verbs: ['get'] },
    ]);
  });

  it('named verbs on different objects get their own rules; names of one verb are unioned', () => {
    const [scope] = policyRules([
      p({ apiGroup: 'networking.istio.io', resource: 'virtualservices', verbs: ['get', 'patch'], resourceNames: ['a'] }),
      p({ apiGroup: 'networking.istio.io', resource: 'virtualservices', verbs: ['get'], resourceNames: ['b'] }),
    ]);
    expect(scope!.rules.map((r) => r.rule)).to.deep.equal([
      { apiGroups: ['networking.istio.io'], resources: ['virtualservices'], resourceNames: ['a', 'b'], verbs: ['get'] },
      { apiGroups: ['networking.istio.io'], resources: ['virtualservices'], resourceNames: ['a'], verbs: ['patch'] },
    ]);
  });

  it('one scope per namespace, sorted, cluster-wide last; reasons deduplicated', () => {
    const scopes = policyRules([p({ namespace: 'b', resource: 'pods', verbs: ['list'] }), p({ namespace: undefined, resource: 'nodes', verbs: ['get'], reason: 'x' }), p({ namespace: 'a', resource: 'pods', verbs: ['list'] }), p({ namespace: 'a', resource: 'pods', verbs: ['watch'] })]);
    expect(scopes.map((s) => s.namespace)).to.deep.equal(['a', 'b', undefined]);
    expect(scopes[0]!.rules[0]!.reasons).to.deep.equal(['r']);
  });

  it('a kind registered from outside declares its own permissions, cluster-wide ones become a ClusterRole and ClusterRoleBinding', async () => {
    const unregister = registerFaultKind(
      { ...podKillFaultKind, kubernetesPermissions: (fault: { namespace: string }) => [...podKillFaultKind.kubernetesPermissions!(fault as never), { apiGroup: '', resource: 'nodes', verbs: ['get', 'list'], reason: 'cordon test' }] },
      { replace: true },
    );
    try {
      const experiment = await loadExperiment(join(REPO, 'experiments/payments-pod-kill.yaml'));
      const objects = parseAllDocuments(rbacManifests(experiment, policyRules(experimentPermissions(experiment)), { namespace: 'chaos', serviceAccount: 'rebound' })).map((d) => d.toJS());
      expect(objects.map((o) => o.kind)).to.deep.equal(['ServiceAccount', 'Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding']);
      const clusterRole = objects[3];
      expect(clusterRole.metadata).to.not.have.property('namespace');
      expect(clusterRole.rules).to.deep.equal([{ apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list'] }]);
      expect(objects[4].roleRef).to.deep.equal({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterRole.metadata.name });
      expect(objects[4].subjects).to.deep.equal([{ kind: 'ServiceAccount', name: 'rebound', namespace: 'chaos' }]);
    } finally {
      unregister();
    }
  });

  it('an experiment without a Kubernetes target needs no Kubernetes permissions', async () => {
    const experiment = await loadExperiment(join(REPO, 'experiments/payments-pod-kill.yaml'));
    expect(experimentPermissions({ ...experiment, target: { ...experiment.target, kubernetes: undefined } })).to.deep.equal([]);
  });
});
