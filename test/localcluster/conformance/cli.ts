/**
 * Runs the conformance corpus against any cluster and reports where it agrees with what the
 * corpus expects (written from the API server's validation source). Nothing is stored: every
 * case is `kubectl apply --dry-run=server`, in the context's namespace.
 *
 *   node --import tsx test/localcluster/conformance/cli.ts --kubeconfig ~/.kube/config [--context NAME] [--namespace NS]
 *
 * Admission on a real cluster (Pod Security, quotas, webhooks) may refuse a case the corpus
 * expects to pass: use a namespace without such policies.
 *
 * Exit code 0 when every case agrees, 1 otherwise.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CORPUS } from './corpus.ts';
import { runCorpus } from './run-corpus.ts';

const { values } = parseArgs({ options: { kubeconfig: { type: 'string' }, context: { type: 'string' }, namespace: { type: 'string' }, kubectl: { type: 'string' }, only: { type: 'string' } } });
if (values.kubeconfig && !existsSync(values.kubeconfig)) {
  process.stderr.write(`no kubeconfig at ${values.kubeconfig}\n`);
  process.exitCode = 2;
} else if (!values.kubeconfig) {
  process.stderr.write('usage: cli.ts --kubeconfig PATH [--context NAME] [--namespace NS] [--kubectl PATH] [--only ID-SUBSTRING]\n');
  process.exitCode = 2;
} else {
  const cases = CORPUS.filter((c) => !values.only || c.id.includes(values.only));
  const outcomes = await runCorpus(cases, { kubeconfig: values.kubeconfig, ...(values.context ? { context: values.context } : {}), ...(values.namespace ? { namespace: values.namespace } : {}), ...(values.kubectl ? { kubectl: values.kubectl } : {}) });
  for (const outcome of outcomes) {
    process.stdout.write(`${outcome.agrees ? 'agree   ' : 'DIFFER  '} ${outcome.id} (${outcome.code})\n`);
    for (const difference of outcome.differences) process.stdout.write(`           ${difference}\n`);
    if (!outcome.agrees) process.stdout.write(`           kubectl said: ${outcome.output.replace(/\n/g, '\n           ')}\n`);
  }
  const agreed = outcomes.filter((o) => o.agrees).length;
  process.stdout.write(`\n${agreed} of ${outcomes.length} cases agree\n`);
  process.exitCode = agreed === outcomes.length ? 0 : 1;
}
