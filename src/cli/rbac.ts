/** `rebound rbac <file>`: the least-privilege RBAC (and optionally a Job) to run an experiment in its cluster. */
import { parseArgs } from 'node:util';
import { formatIssue, ValidationError } from '../errors.ts';
import { loadExperiment } from '../experiment/index.ts';
import type { ResolvedExperiment } from '../experiment/resolved.ts';
import { experimentRbac } from '../rbac/rbac-manifests.ts';
import { EXIT } from '../result/exit-codes.ts';
import { REBOUND_VERSION } from '../version.ts';

const DEFAULT_SERVICE_ACCOUNT = 'rebound';

const HELP = `Usage: rebound rbac <file.yaml> [--namespace NS] [--service-account NAME] [--job [--image IMAGE]]

Prints, as YAML for kubectl apply -f -, what running the experiment inside its cluster needs and
nothing more: a ServiceAccount, a Role and RoleBinding in each namespace the experiment's run,
faults and checks touch, with exactly the verbs and resources they call (docs/in-cluster.md).

Options:
  --namespace NS           namespace of the ServiceAccount and the Job (default: the experiment's
                           target.kubernetes.namespace, else default)
  --service-account NAME   the ServiceAccount's name (default ${DEFAULT_SERVICE_ACCOUNT})
  --job                    also a ConfigMap (the experiment, an in-cluster kubeconfig) and a Job
                           that runs it with the Rebound image as that ServiceAccount
  --image IMAGE            the Job's image (default rebound:${REBOUND_VERSION}, built from the Dockerfile)
  -h, --help               show this help

Exit codes: 0 printed, 2 invalid experiment or usage, 4 the file could not be read.
`;

interface RbacArgs {
  readonly file: string;
  readonly namespace?: string;
  readonly serviceAccount: string;
  readonly job: boolean;
  readonly image: string;
}

function parse(argv: string[]): RbacArgs | string {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        namespace: { type: 'string' },
        'service-account': { type: 'string' },
        job: { type: 'boolean', default: false },
        image: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    return (error as Error).message;
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  if (positionals.length !== 1) return positionals.length === 0 ? 'missing experiment file' : `expected one experiment file, got ${positionals.length}: ${positionals.join(' ')}`;
  for (const flag of ['namespace', 'service-account', 'image'] as const) if (values[flag] === '') return `--${flag} needs a value`;
  for (const flag of ['namespace', 'service-account'] as const) {
    const value = values[flag];
    if (value !== undefined && !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(value)) return `--${flag} ${value}: not a Kubernetes name (lower-case letters, digits and '-', at most 63)`;
  }
  if (values.image !== undefined && !values.job) return '--image is for the Job: add --job';
  return {
    file: positionals[0]!,
    ...(values.namespace !== undefined ? { namespace: values.namespace } : {}),
    serviceAccount: values['service-account'] ?? DEFAULT_SERVICE_ACCOUNT,
    job: values.job ?? false,
    image: values.image ?? `rebound:${REBOUND_VERSION}`,
  };
}

export async function main(argv: string[]): Promise<number> {
  const args = parse(argv);
  if (args === 'help') {
    process.stdout.write(HELP);
    return EXIT.passed;
  }
  if (typeof args === 'string') {
    process.stderr.write(`rebound rbac: ${args}\n\n${HELP}`);
    return EXIT.usage;
  }
  let experiment: ResolvedExperiment;
  try {
    experiment = await loadExperiment(args.file);
  } catch (error) {
    if (error instanceof ValidationError) {
      for (const issue of error.issues) process.stderr.write(`${formatIssue(issue)}\n`);
      return EXIT.usage;
    }
    process.stderr.write(`rebound rbac: ${args.file}: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.error;
  }
  const kubernetes = experiment.target.kubernetes;
  if (args.job && kubernetes?.mode === 'local') {
    process.stderr.write(
      `${args.file}: target.kubernetes.local: the Job runs the experiment against the cluster it is in, and the pod has no ${kubernetes.manifests}; ` +
        'drop "local" (keep the namespace) to make it a kubeconfig target, then generate the Job again\n',
    );
    return EXIT.usage;
  }
  const namespace = args.namespace ?? experiment.target.kubernetes?.namespace ?? 'default';
  const yaml = experimentRbac(experiment, {
    namespace,
    serviceAccount: args.serviceAccount,
    ...(args.job ? { image: args.image } : {}),
  });
  process.stdout.write(yaml);
  return EXIT.passed;
}
