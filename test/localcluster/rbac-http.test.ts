/**
 * The local plane's RBAC over HTTP: objects made with the real kubectl (which sends Roles,
 * RoleBindings and TokenRequests in protobuf), requests made with client-node and the token.
 */
import { expect } from 'chai';
import * as k8s from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { startLocalCluster, type LocalCluster } from '../../src/localcluster/index.ts';
import { kubectl } from './helpers.ts';

function clientFor(server: string, token: string): k8s.CoreV1Api {
  const config = new k8s.KubeConfig();
  config.loadFromString(
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'plane', cluster: { server, 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'sa', user: { token } }],
      contexts: [{ name: 'sa', context: { cluster: 'plane', user: 'sa' } }],
      'current-context': 'sa',
    }),
  );
  return config.makeApiClient(k8s.CoreV1Api);
}

async function codeOf(call: Promise<unknown>): Promise<{ code: number; body: any }> {
  try {
    await call;
    return { code: 200, body: undefined };
  } catch (error) {
    const failed = error as { code?: number; body?: unknown };
    return { code: failed.code ?? -1, body: typeof failed.body === 'string' ? JSON.parse(failed.body) : failed.body };
  }
}

describe('local plane RBAC over HTTP (kubectl, client-node)', function () {
  this.timeout(60_000);
  let cluster: LocalCluster;
  let token = '';

  before(async () => {
    cluster = await startLocalCluster({});
    const kc = (args: string[]) => kubectl(cluster.kubeconfigPath, args);
    for (const args of [
      ['create', 'namespace', 'team'],
      ['create', 'namespace', 'other'],
      ['create', 'serviceaccount', 'runner', '-n', 'team'],
      ['create', 'role', 'pod-reader', '--verb=get,list', '--resource=pods', '-n', 'team'],
      ['create', 'rolebinding', 'runner-reads', '--role=pod-reader', '--serviceaccount=team:runner', '-n', 'team'],
    ]) {
      const result = await kc(args);
      expect(result.code, `kubectl ${args.join(' ')}: ${result.stderr}`).to.equal(0);
    }
    const issued = await kc(['create', 'token', 'runner', '-n', 'team']);
    expect(issued.code, issued.stderr).to.equal(0);
    token = issued.stdout.trim();
  });

  after(() => cluster?.close());

  it('kubectl reads back what it created in protobuf', async () => {
    const binding = await kubectl(cluster.kubeconfigPath, ['get', 'rolebinding', 'runner-reads', '-n', 'team', '-o', 'json']);
    const object = JSON.parse(binding.stdout);
    expect(object.roleRef).to.deep.equal({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-reader' });
    expect(object.subjects).to.deep.equal([{ kind: 'ServiceAccount', name: 'runner', namespace: 'team' }]);
    const role = JSON.parse((await kubectl(cluster.kubeconfigPath, ['get', 'role', 'pod-reader', '-n', 'team', '-o', 'json'])).stdout);
    expect(role.rules).to.deep.equal([{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }]);
  });

  it('the token may do what its Role allows, in its namespace; nothing else (403 Status); no token: everything', async () => {
    const core = clientFor(cluster.url, token);
    expect((await core.listNamespacedPod({ namespace: 'team' })).items).to.deep.equal([]);
    const elsewhere = await codeOf(core.listNamespacedPod({ namespace: 'other' }));
    expect(elsewhere.code).to.equal(403);
    expect(elsewhere.body).to.deep.include({ kind: 'Status', status: 'Failure', reason: 'Forbidden', code: 403 });
    expect(elsewhere.body.message).to.equal('pods is forbidden: User "system:serviceaccount:team:runner" cannot list resource "pods" in API group "" in the namespace "other"');
    expect((await codeOf(core.listNamespacedService({ namespace: 'team' }))).code).to.equal(403);
    expect((await codeOf(core.deleteNamespacedPod({ name: 'x', namespace: 'team' }))).code).to.equal(403);
    // discovery stays open, as system:discovery grants it
    const version = await fetch(`${cluster.url}/version`, { headers: { authorization: `Bearer ${token}` } });
    expect(version.status).to.equal(200);
    const admin = new k8s.KubeConfig();
    admin.loadFromFile(cluster.kubeconfigPath);
    expect((await admin.makeApiClient(k8s.CoreV1Api).listNamespacedService({ namespace: 'other' })).items).to.deep.equal([]);
  });

  it('an unknown token, another credential, or the token of a deleted ServiceAccount: 401', async () => {
    expect((await codeOf(clientFor(cluster.url, 'made-up').listNamespacedPod({ namespace: 'team' }))).code).to.equal(401);
    const basic = await fetch(`${cluster.url}/api/v1/namespaces/team/pods`, { headers: { authorization: 'Basic YTpi' } });
    expect(basic.status).to.equal(401);
    expect(await basic.json()).to.deep.include({ kind: 'Status', reason: 'Unauthorized', code: 401 });
    expect((await kubectl(cluster.kubeconfigPath, ['delete', 'serviceaccount', 'runner', '-n', 'team'])).code).to.equal(0);
    expect((await codeOf(clientFor(cluster.url, token).listNamespacedPod({ namespace: 'team' }))).code).to.equal(401);
  });

  it('a token request shorter than 10 minutes is refused (422)', async () => {
    const admin = new k8s.KubeConfig();
    admin.loadFromFile(cluster.kubeconfigPath);
    const core = admin.makeApiClient(k8s.CoreV1Api);
    await core.createNamespacedServiceAccount({ namespace: 'team', body: { metadata: { name: 'brief' } } });
    const short = await codeOf(core.createNamespacedServiceAccountToken({ name: 'brief', namespace: 'team', body: { spec: { audiences: [], expirationSeconds: 60 } } }));
    expect(short.code).to.equal(422);
  });
});
