import { expect } from 'chai';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments, parse } from 'yaml';
import { loadExperiment } from '../../src/experiment/index.ts';
import { experimentRbac } from '../../src/rbac/rbac-manifests.ts';
import { REPO, runCli } from '../helpers/cli.ts';

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}
interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  rules?: Rule[];
  [field: string]: any;
}

const rbac = async (args: string[]) => runCli(['rbac', ...args], { timeoutMs: 30_000 });

/** What the command prints for a shipped experiment (generated in-process: the CLI is tested below). */
async function objectsOf(file: string, options: { namespace?: string; serviceAccount?: string } = {}): Promise<K8sObject[]> {
  const experiment = await loadExperiment(join(REPO, 'experiments', file));
  const text = experimentRbac(experiment, { namespace: options.namespace ?? experiment.target.kubernetes!.namespace, serviceAccount: options.serviceAccount ?? 'rebound' });
  return parseAllDocuments(text).map((doc) => {
    expect(doc.errors).to.deep.equal([]);
    return doc.toJS() as K8sObject;
  });
}

const core = (resources: string, verbs: string[], resourceNames?: string[]): Rule => ({ apiGroups: [''], resources: [resources], ...(resourceNames ? { resourceNames } : {}), verbs });
const podEvents = core('pods', ['list', 'watch']);
const podEventsAndKills = core('pods', ['list', 'watch', 'delete']);
const shopServices = core('services', ['get'], ['checkout', 'payments-primary']);
const virtualService = (name: string): Rule => ({ apiGroups: ['networking.istio.io'], resources: ['virtualservices'], resourceNames: [name], verbs: ['get', 'patch'] });

/** Each shipped experiment → its namespace and its Role's rules, in order. */
const EXPECTED: Record<string, { namespace: string; rules: Rule[] }> = {
  'fragile-payments-primary-down.yaml': { namespace: 'shop', rules: [podEvents, core('services', ['get'], ['checkout-fragile', 'payments-primary'])] },
  'inventory-pod-kill-weighted.yaml': { namespace: 'shop', rules: [podEventsAndKills, shopServices] },
  'mesh-abort-at-edge.yaml': { namespace: 'shop-mesh', rules: [podEvents, core('services', ['get'], ['checkout']), virtualService('checkout')] },
  'mesh-abort-retried-at-edge.yaml': { namespace: 'shop-mesh', rules: [podEvents, core('services', ['get'], ['checkout']), virtualService('payments')] },
  'mesh-canary-split.yaml': { namespace: 'shop-mesh', rules: [podEventsAndKills, core('services', ['get'], ['checkout'])] },
  // a Toxiproxy fault needs no Kubernetes permission: the proxy's upstream is a Service reference
  'mesh-outlier-ejection.yaml': { namespace: 'shop-mesh', rules: [podEvents, core('services', ['get'], ['checkout', 'fraud'])] },
  'payments-latency.yaml': { namespace: 'shop', rules: [podEvents, shopServices] },
  'payments-pod-kill.yaml': { namespace: 'shop', rules: [podEventsAndKills, shopServices] },
  'payments-primary-down.yaml': { namespace: 'shop', rules: [podEvents, shopServices] },
};

describe('rebound rbac', function () {
  this.timeout(60_000);

  it('covers every shipped experiment', async () => {
    const { readdir } = await import('node:fs/promises');
    expect((await readdir(join(REPO, 'experiments'))).filter((f) => f.endsWith('.yaml')).sort()).to.deep.equal(Object.keys(EXPECTED).sort());
  });

  for (const [file, expected] of Object.entries(EXPECTED)) {
    it(`${file}: a ServiceAccount, a Role with exactly the rules it needs in ${expected.namespace}, a RoleBinding; nothing cluster-wide`, async () => {
      const objects = await objectsOf(file);
      expect(objects.map((o) => o.kind)).to.deep.equal(['ServiceAccount', 'Role', 'RoleBinding']);
      const [account, role, binding] = objects as [K8sObject, K8sObject, K8sObject];
      expect(account.metadata).to.deep.include({ name: 'rebound', namespace: expected.namespace });
      expect(role.metadata.namespace).to.equal(expected.namespace);
      expect(role.rules).to.have.length(expected.rules.length);
      expected.rules.forEach((rule, index) => expect(role.rules![index], `rule ${index}`).to.deep.equal(rule));
      expect(binding.metadata).to.deep.include({ name: role.metadata.name, namespace: expected.namespace });
      expect(binding.roleRef).to.deep.equal({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.metadata.name });
      expect(binding.subjects).to.deep.equal([{ kind: 'ServiceAccount', name: 'rebound', namespace: expected.namespace }]);
    });
  }

  it('explains each rule in a comment', async () => {
    const experiment = await loadExperiment(join(REPO, 'experiments/payments-pod-kill.yaml'));
    const text = experimentRbac(experiment, { namespace: 'shop', serviceAccount: 'rebound' });
    expect(text).to.include('# podKill kill/0: kill them');
    expect(text).to.include('# the run: resolve the service/NAME:PORT references');
  });

  it('--namespace and --service-account place the ServiceAccount; the Role stays where the experiment acts', async () => {
    const run = await rbac([join(REPO, 'experiments/payments-pod-kill.yaml'), '--namespace', 'chaos', '--service-account', 'gate']);
    expect(run.code, run.stderr).to.equal(0);
    const objects = parseAllDocuments(run.stdout).map((doc) => doc.toJS() as K8sObject);
    const role = objects.find((o) => o.kind === 'Role')!;
    expect(objects.find((o) => o.kind === 'ServiceAccount')!.metadata).to.deep.include({ name: 'gate', namespace: 'chaos' });
    expect(role.metadata.namespace).to.equal('shop');
    expect(objects.find((o) => o.kind === 'RoleBinding')!.subjects).to.deep.equal([{ kind: 'ServiceAccount', name: 'gate', namespace: 'chaos' }]);
  });

  describe('with a kubeconfig target', () => {
    let dir = '';
    let file = '';
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'rebound-rbac-'));
      file = join(dir, 'pod-kill.yaml');
      const text = (await readFile(join(REPO, 'experiments/payments-pod-kill.yaml'), 'utf8')).replace('local: ../fixtures/shop/manifests/local', 'context: prod-eu');
      await writeFile(file, text);
    });
    after(() => rm(dir, { recursive: true, force: true }));

    it('--job: a ConfigMap with the experiment and an in-cluster kubeconfig, and a Job running the image as the ServiceAccount', async () => {
      const run = await rbac([file, '--job', '--image', 'registry.example/rebound:1.2.3']);
      expect(run.code, run.stderr).to.equal(0);
      const objects = parseAllDocuments(run.stdout).map((doc) => doc.toJS() as K8sObject);
      expect(objects.map((o) => o.kind)).to.deep.equal(['ServiceAccount', 'Role', 'RoleBinding', 'ConfigMap', 'Job']);
      const configMap = objects[3]!;
      expect(configMap.data['experiment.yaml']).to.equal(await readFile(file, 'utf8'));
      const kubeconfig = parse(configMap.data.kubeconfig);
      expect(kubeconfig.clusters[0].cluster.server).to.equal('https://kubernetes.default.svc');
      expect(kubeconfig.users[0].user['token-file']).to.equal('/var/run/secrets/kubernetes.io/serviceaccount/token');
      const job = objects[4]!;
      const pod = job.spec.template.spec;
      expect(pod.serviceAccountName).to.equal('rebound');
      expect(pod.securityContext.runAsNonRoot).to.equal(true);
      expect(pod.containers[0].image).to.equal('registry.example/rebound:1.2.3');
      expect(pod.containers[0].args.slice(0, 2)).to.deep.equal(['run', '/experiments/experiment.yaml']);
      expect(pod.containers[0].args).to.include.members(['--kubeconfig', '/etc/rebound/kubeconfig', '--context', 'in-cluster']);
      expect(pod.volumes[0]).to.deep.equal({ name: 'experiment', configMap: { name: configMap.metadata.name } });
      expect(job.spec.backoffLimit).to.equal(0);
      expect(job.spec.activeDeadlineSeconds).to.equal(20 + 600);
    });
  });

  it('--job refuses a local-plane experiment, naming the field', async () => {
    const run = await rbac([join(REPO, 'experiments/payments-pod-kill.yaml'), '--job']);
    expect(run.code).to.equal(2);
    expect(run.stdout).to.equal('');
    expect(run.stderr).to.include('payments-pod-kill.yaml: target.kubernetes.local:');
  });

  it('bad input: located validation errors, bad flags, exit 2, no stack trace', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rebound-rbac-'));
    try {
      const broken = join(dir, 'broken.yaml');
      await writeFile(broken, 'apiVersion: rebound.dev/v1\nkind: Experiment\nmetadata: { name: broken }\nphases: 3\n');
      const invalid = await rbac([broken]);
      expect(invalid.code).to.equal(2);
      expect(invalid.stderr).to.match(/broken\.yaml:\d+:\d+: /);
      const badName = await rbac([join(REPO, 'experiments/payments-pod-kill.yaml'), '--namespace', 'Not_A_Name']);
      expect(badName.code).to.equal(2);
      expect(badName.stderr).to.include('--namespace Not_A_Name: not a Kubernetes name');
      for (const run of [invalid, badName]) expect(run.stderr).not.to.match(/\n\s+at /);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
