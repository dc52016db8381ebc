import { parseArgs } from 'node:util';
import { InfraError, ValidationError } from '../errors.ts';
import { EXIT } from '../result/exit-codes.ts';
import { watchForStop } from './stop-request.ts';

const HELP = `Usage: rebound cluster up -f <file-or-dir> [-f …] [--port N] [--kubeconfig PATH]

Runs the local Kubernetes-API control plane in the foreground: applies the manifests, runs
each pod as local processes, serves the API for kubectl and @kubernetes/client-node, and
listens on loopback for every Service. Stops every pod process on SIGINT, SIGTERM or SIGHUP,
or when its parent process is gone; pod processes die with the plane even if it is SIGKILLed.

Options:
  -f, --filename PATH   manifest file or directory of *.yaml (repeatable)
  --port N              API server port (default: ephemeral)
  --kubeconfig PATH     where to write the kubeconfig (default: a temp file)
  --base-dir DIR        directory container workingDir/commands resolve against
                        (default: the first manifest's directory)
  --ready-timeout S     seconds to wait for every Deployment to be available (default 60)
  --no-wait             do not wait for Deployments to become available
  -h, --help            show this help

Then:  kubectl --kubeconfig <printed path> get pods -A
Locally the container image is ignored: each container's command/args run as a process.
`;

function usageError(message: string): number {
  process.stderr.write(`rebound cluster: ${message}\n\nRun 'rebound cluster --help' for usage.\n`);
  return EXIT.usage;
}

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        filename: { type: 'string', short: 'f', multiple: true },
        port: { type: 'string' },
        kubeconfig: { type: 'string' },
        'base-dir': { type: 'string' },
        'ready-timeout': { type: 'string' },
        'no-wait': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    return usageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(HELP);
    return EXIT.passed;
  }
  if (positionals[0] !== 'up' || positionals.length > 1) return usageError(positionals.length === 0 ? "missing subcommand 'up'" : `unknown subcommand '${positionals.join(' ')}'`);
  if (!values.filename?.length) return usageError('-f <file-or-dir> is required');
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) return usageError(`--port: '${values.port}' is not a port number`);
  const readyTimeout = values['ready-timeout'] === undefined ? 60 : Number(values['ready-timeout']);
  if (!(readyTimeout > 0)) return usageError(`--ready-timeout: '${values['ready-timeout']}' is not a positive number of seconds`);

  const { startLocalCluster } = await import('../localcluster/index.ts');
  // Watched before any pod starts: a stop during start-up ends the wait for readiness.
  const stop = watchForStop();
  const startup = new AbortController();
  let stopReason: string | undefined;
  void stop.received.then((reason) => {
    stopReason = reason;
    startup.abort();
  });
  let cluster;
  try {
    cluster = await startLocalCluster({
      manifests: values.filename,
      port,
      ...(values.kubeconfig ? { kubeconfigPath: values.kubeconfig } : {}),
      ...(values['base-dir'] ? { baseDir: values['base-dir'] } : {}),
      waitForReady: !values['no-wait'],
      readyTimeoutMs: readyTimeout * 1000,
      signal: startup.signal,
    });
  } catch (error) {
    stop.dispose();
    if (stopReason !== undefined) {
      process.stderr.write(`rebound cluster: ${stopReason} during start-up: every pod stopped\n`);
      return EXIT.interrupted;
    }
    if (error instanceof ValidationError) {
      process.stderr.write(`rebound cluster: invalid manifests:\n${error.message}\n`);
      return EXIT.usage;
    }
    if (error instanceof InfraError) {
      process.stderr.write(`rebound cluster: ${error.message}\n${error.hint ? `hint: ${error.hint}\n` : ''}`);
      return EXIT.error;
    }
    throw error;
  }

  const lines = [`Local Kubernetes API: ${cluster.url}`, `Kubeconfig:           ${cluster.kubeconfigPath} (context rebound-local)`, 'Services:'];
  for (const s of cluster.services) lines.push(`  ${s.namespace}/${s.name}:${s.port} -> ${s.host}:${s.localPort}`);
  if (cluster.services.length === 0) lines.push('  (none)');
  lines.push(`Try: kubectl --kubeconfig ${cluster.kubeconfigPath} get pods -A`, 'Press Ctrl-C to stop.');
  process.stdout.write(`${lines.join('\n')}\n`);

  const reason = await stop.received;
  process.stdout.write(`\nrebound cluster: ${reason}: stopping pods…\n`);
  await cluster.close();
  process.stdout.write('rebound cluster: stopped\n');
  return EXIT.passed;
}
