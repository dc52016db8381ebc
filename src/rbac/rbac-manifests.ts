/**
 * The Kubernetes objects `rebound rbac` prints: a ServiceAccount, a Role and RoleBinding per
 * namespace the experiment touches (a ClusterRole and ClusterRoleBinding only for cluster-wide
 * permissions), and optionally a ConfigMap (the experiment and an in-cluster kubeconfig) with a
 * Job that runs the Rebound image against the cluster it is in, as that ServiceAccount.
 */
import { Document, isMap, isSeq } from 'yaml';
import type { ResolvedExperiment } from '../experiment/resolved.ts';
import { experimentPermissions } from './experiment-permissions.ts';
import { policyRules, type ScopedRules } from './policy-rules.ts';

export interface RbacOptions {
  /** Namespace of the ServiceAccount (and the Job); default the experiment's target namespace. */
  readonly namespace: string;
  readonly serviceAccount: string;
  /** With the Job: its image. */
  readonly image?: string;
}

const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
const LABELS = { 'app.kubernetes.io/name': 'rebound', 'app.kubernetes.io/component': 'chaos-experiment' };

/** Shared objects (the labels) written out each time, not as YAML anchors and aliases. */
function yamlDocument(value: unknown): Document {
  return new Document(value, { aliasDuplicateObjects: false });
}

/** Kubernetes object names: DNS-1123 labels (lower case, digits, '-', at most 63 characters). */
function objectName(experiment: string): string {
  return `rebound-${experiment}`.toLowerCase().replace(/[^a-z0-9-]+/g, '-').slice(0, 63).replace(/-+$/, '');
}

/** A kubeconfig for the pod: the API server by its in-cluster name, the ServiceAccount's token and CA. */
export function inClusterKubeconfig(namespace: string): string {
  const doc = yamlDocument({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'in-cluster', cluster: { server: 'https://kubernetes.default.svc', 'certificate-authority': `${SERVICE_ACCOUNT_DIR}/ca.crt` } }],
    users: [{ name: 'rebound', user: { 'token-file': `${SERVICE_ACCOUNT_DIR}/token` } }],
    contexts: [{ name: 'in-cluster', context: { cluster: 'in-cluster', user: 'rebound', namespace } }],
    'current-context': 'in-cluster',
  });
  return doc.toString();
}

function roleDocuments(experiment: ResolvedExperiment, scoped: ScopedRules, options: RbacOptions): Document[] {
  const name = objectName(experiment.name);
  const cluster = scoped.namespace === undefined;
  const metadata = { name, ...(cluster ? {} : { namespace: scoped.namespace }), labels: LABELS };
  const role = yamlDocument({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: cluster ? 'ClusterRole' : 'Role',
    metadata,
    rules: scoped.rules.map(({ rule }) => ({ ...rule })),
  });
  const rules = role.get('rules', true);
  if (isSeq(rules)) {
    scoped.rules.forEach(({ reasons }, index) => {
      const node = rules.items[index];
      if (isMap(node)) node.commentBefore = reasons.map((reason) => ` ${reason}`).join('\n');
    });
  }
  role.commentBefore = ` What experiment ${experiment.name} calls ${cluster ? 'cluster-wide' : `in namespace ${scoped.namespace}`} (rebound rbac)`;
  const binding = yamlDocument({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: cluster ? 'ClusterRoleBinding' : 'RoleBinding',
    metadata,
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: cluster ? 'ClusterRole' : 'Role', name },
    subjects: [{ kind: 'ServiceAccount', name: options.serviceAccount, namespace: options.namespace }],
  });
  return [role, binding];
}

function jobDocuments(experiment: ResolvedExperiment, options: RbacOptions): Document[] {
  const name = objectName(experiment.name);
  const metadata = { name, namespace: options.namespace, labels: LABELS };
  const plannedS = Math.ceil(experiment.phases.reduce((sum, phase) => sum + phase.durationMs, 0) / 1000);
  const configMap = yamlDocument({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata,
    data: { 'experiment.yaml': experiment.sourceText, kubeconfig: inClusterKubeconfig(options.namespace) },
  });
  const job = yamlDocument({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata,
    spec: {
      backoffLimit: 0,
      // The run itself, plus start-up, preflight, checks and reverting faults.
      activeDeadlineSeconds: plannedS + 600,
      ttlSecondsAfterFinished: 86_400,
      template: {
        metadata: { labels: LABELS },
        spec: {
          serviceAccountName: options.serviceAccount,
          restartPolicy: 'Never',
          securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            {
              name: 'rebound',
              image: options.image,
              // --kubeconfig/--context: the cluster the pod runs in, whatever target the file names;
              // --yes: deploying this Job is the consent to inject faults into it.
              args: ['run', '/experiments/experiment.yaml', '--kubeconfig', '/etc/rebound/kubeconfig', '--context', 'in-cluster', '--yes', '--out', '/reports', '--journal', '/reports/journal.json'],
              env: [{ name: 'CI', value: 'true' }],
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
              volumeMounts: [
                { name: 'experiment', mountPath: '/experiments/experiment.yaml', subPath: 'experiment.yaml', readOnly: true },
                { name: 'experiment', mountPath: '/etc/rebound/kubeconfig', subPath: 'kubeconfig', readOnly: true },
                { name: 'reports', mountPath: '/reports' },
                { name: 'tmp', mountPath: '/tmp' },
              ],
            },
          ],
          volumes: [
            { name: 'experiment', configMap: { name } },
            { name: 'reports', emptyDir: {} },
            { name: 'tmp', emptyDir: {} },
          ],
        },
      },
    },
  });
  job.commentBefore = ` Runs ${experiment.name} in the cluster as ${options.namespace}/${options.serviceAccount}; the verdict is the Job's status and the exit code, the console report its log`;
  return [configMap, job];
}

/** The YAML stream `rebound rbac` prints. */
export function rbacManifests(experiment: ResolvedExperiment, scopes: readonly ScopedRules[], options: RbacOptions): string {
  const serviceAccount = yamlDocument({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: options.serviceAccount, namespace: options.namespace, labels: LABELS } });
  const documents = [serviceAccount, ...scopes.flatMap((scoped) => roleDocuments(experiment, scoped, options)), ...(options.image ? jobDocuments(experiment, options) : [])];
  return documents.map((doc) => doc.toString({ lineWidth: 0 })).join('---\n');
}

/** Everything `rebound rbac` prints for this experiment. */
export function experimentRbac(experiment: ResolvedExperiment, options: RbacOptions): string {
  return rbacManifests(experiment, policyRules(experimentPermissions(experiment)), options);
}
