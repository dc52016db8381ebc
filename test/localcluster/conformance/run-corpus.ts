import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConformanceCase, Expectation } from './corpus.ts';

export interface CaseOutcome {
  readonly id: string;
  readonly expected: Expectation;
  /** Status of kubectl's write request (from its -v=6 log), or 0 when it sent none. */
  readonly code: number;
  /** What kubectl printed, its request log removed. */
  readonly output: string;
  readonly agrees: boolean;
  /** Why it does not agree (empty when it does). */
  readonly differences: readonly string[];
}

export interface CorpusOptions {
  readonly kubeconfig: string;
  readonly context?: string;
  /** Default: the context's namespace. */
  readonly namespace?: string;
  readonly kubectl?: string;
  readonly requestTimeoutS?: number;
}

const WRITE_LOG = /round_trippers\.go:\d+\] (POST|PUT|PATCH) \S+ (\d{3}) /;

/** Applies each case with `kubectl apply --dry-run=server` and compares with what a real server answers. */
export async function runCorpus(cases: readonly ConformanceCase[], options: CorpusOptions): Promise<CaseOutcome[]> {
  const dir = await mkdtemp(join(tmpdir(), 'rebound-conformance-'));
  try {
    const outcomes: CaseOutcome[] = [];
    for (const testCase of cases) outcomes.push(await runCase(testCase, dir, options));
    return outcomes;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function runCase(testCase: ConformanceCase, dir: string, options: CorpusOptions): Promise<CaseOutcome> {
  const file = join(dir, `${testCase.id}.json`);
  await writeFile(file, JSON.stringify(testCase.manifest, null, 2));
  const args = ['--kubeconfig', options.kubeconfig, ...(options.context ? ['--context', options.context] : []), ...(options.namespace ? ['--namespace', options.namespace] : []), 'apply', '--dry-run=server', '-f', file, '-v=6', `--request-timeout=${options.requestTimeoutS ?? 10}s`];
  const result = await run(options.kubectl ?? 'kubectl', args, ((options.requestTimeoutS ?? 10) + 10) * 1000);
  const log = `${result.stdout}\n${result.stderr}`.split('\n');
  const codes = log.map((line) => WRITE_LOG.exec(line)?.[2]).filter((c): c is string => c !== undefined);
  const code = codes.length > 0 ? Number(codes[codes.length - 1]) : 0;
  const output = log.filter((line) => !/^[IWE]\d{4} /.test(line) && line.trim() !== '').join('\n');
  const differences = compare(testCase.expect, code, output);
  return { id: testCase.id, expected: testCase.expect, code, output, agrees: differences.length === 0, differences };
}

function compare(expected: Expectation, code: number, output: string): string[] {
  const differences: string[] = [];
  if (code !== expected.code) differences.push(`status ${code}, expected ${expected.code}`);
  if (expected.code === 201) return differences;
  if (expected.code === 422 && !output.includes('is invalid')) differences.push('no "is invalid" in the output');
  if (expected.code === 400 && !output.includes('BadRequest')) differences.push('no "BadRequest" in the output');
  for (const line of expected.lines) if (!output.includes(line)) differences.push(`missing: ${line}`);
  return differences;
}

function run(command: string, args: string[], timeoutMs: number): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { encoding: 'utf8', timeout: timeoutMs }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? ((error as { code: number }).code) : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
