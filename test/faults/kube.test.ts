import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InfraError, UsageError } from '../../src/errors.ts';
import { kubernetesVersion, loadKubeAccess } from '../../src/faults/kube.ts';
import { expectRejection } from '../runner/helpers.ts';

function kubeconfig(contexts: { name: string; server: string }[], current: string): string {
  return `apiVersion: v1
kind: Config
current-context: ${current}
clusters:
${contexts.map((c) => `  - name: ${c.name}\n    cluster: { server: "${c.server}" }`).join('\n')}
users:
  - name: u
    user: { token: t }
contexts:
${contexts.map((c) => `  - name: ${c.name}\n    context: { cluster: ${c.name}, user: u }`).join('\n')}
`;
}

describe('faults/kube: kubeconfig loading and the blast-radius gate', () => {
  let dir: string;
  let file: string;
  let unreachable: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rebound-kube-'));
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    unreachable = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    file = join(dir, 'config');
    await writeFile(file, kubeconfig([{ name: 'prod', server: unreachable }, { name: 'rebound-local', server: unreachable }], 'prod'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("refuses client-node's localhost:8080 fallback, naming every path tried", () => {
    expect(() => loadKubeAccess({ env: {}, home: dir })).to.throw(InfraError, new RegExp(`tried ${join(dir, '.kube', 'config')}.*localhost:8080`));
    expect(() => loadKubeAccess({ env: { KUBECONFIG: `/nope/a:/nope/b` } })).to.throw(InfraError, /tried \/nope\/a \(from KUBECONFIG\), \/nope\/b \(from KUBECONFIG\)/);
    expect(() => loadKubeAccess({ kubeconfig: '/nope/c', env: {} })).to.throw(InfraError, /tried \/nope\/c/);
  });

  it('a context other than the local plane needs --yes or allowContexts', () => {
    expect(() => loadKubeAccess({ kubeconfig: file })).to.throw(UsageError, /refusing to inject faults into Kubernetes context 'prod'.*--yes.*allowContexts/);
    expect(loadKubeAccess({ kubeconfig: file, yes: true }).context).to.equal('prod');
    expect(loadKubeAccess({ kubeconfig: file, allowContexts: ['prod'] }).local).to.equal(false);
    const local = loadKubeAccess({ kubeconfig: file, context: 'rebound-local' });
    expect(local.local).to.equal(true);
    expect(() => loadKubeAccess({ kubeconfig: file, context: 'staging', yes: true })).to.throw(UsageError, /context 'staging' is not in .*contexts: prod, rebound-local/);
  });

  it('KUBECONFIG is used when no path is given', () => {
    expect(loadKubeAccess({ env: { KUBECONFIG: file }, yes: true }).kubeconfigPaths).to.deep.equal([file]);
  });

  it('an unreachable API server is an InfraError naming the server', async () => {
    const access = loadKubeAccess({ kubeconfig: file, yes: true });
    await expectRejection(kubernetesVersion(access), InfraError, new RegExp(`Kubernetes API server ${unreachable} \\(context prod\\) is not reachable`));
  });
});
