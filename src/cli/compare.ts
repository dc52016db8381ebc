/**
 * `rebound compare <a> <b>` / `rebound compare --last EXPERIMENT`: two runs side by side, check
 * by check, with regressions flagged (src/history/compare.ts). Exit 0 no regression, 1 a
 * regression, 2 bad arguments or an unreadable / invalid result.
 */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { formatIssue, UsageError, ValidationError } from '../errors.ts';
import { decideColor } from '../format/color.ts';
import { painter } from '../format/paint.ts';
import { compareResults, DEFAULT_TIME_TOLERANCE } from '../history/compare.ts';
import { indexPathFor, readIndexTail } from '../history/history-index.ts';
import { renderComparison } from '../history/render-compare.ts';
import { EXIT } from '../result/exit-codes.ts';
import type { Result } from '../result/result.ts';
import { loadResult } from '../result/validate-result.ts';
import { parseCommandLine } from './command-line.ts';

export const HELP = `Usage: rebound compare <a> <b> [options]
       rebound compare --last EXPERIMENT [--history DIR] [options]

Compares two runs check by check: each observed value in A and B, the delta, the expectation,
and the regressions from A to B. <a> and <b> are result.json files or run directories.

A regression: a check that passed in A and failed in B; a ratio whose 95 % Wilson intervals no
longer overlap, in the bad direction; a time that grew by more than the tolerance (and by more
than one timeline bucket). Regressions of advisory checks are shown, never decisive.

Options:
  --last EXPERIMENT     compare the experiment's previous run (A) with its newest (B), from
                        its results index (interrupted runs are skipped)
  --history DIR         where the results index is (default reports/)
  --time-tolerance PCT  how much a time may grow, e.g. 20% or 0.2 (default ${Math.round(DEFAULT_TIME_TOLERANCE * 100)}%)
  --json                print the comparison as JSON
  --no-color            no ANSI colour (also NO_COLOR=1)
  -h, --help            show this help

Exit codes: 0 no regression, 1 a regression (of a strict check), 2 bad arguments or an
unreadable or invalid result.
`;

interface CompareArgs {
  readonly a?: string;
  readonly b?: string;
  readonly last?: string;
  readonly history: string;
  readonly timeTolerance: number;
  readonly json: boolean;
  readonly color: boolean;
}

function parseTolerance(text: string): number {
  const percent = text.trim().endsWith('%');
  const value = Number(percent ? text.trim().slice(0, -1) : text.trim());
  if (text.trim() === '' || !Number.isFinite(value) || value < 0) throw new UsageError(`--time-tolerance: expected a percentage such as 20% or a fraction such as 0.2, got '${text}'`);
  return percent ? value / 100 : value;
}

function parse(argv: string[]): CompareArgs | 'help' {
  const parsed = parseCommandLine(argv, {
    last: { type: 'string' },
    history: { type: 'string' },
    'time-tolerance': { type: 'string' },
    json: { type: 'boolean', default: false },
    'no-color': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  });
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  for (const flag of ['last', 'history', 'time-tolerance'] as const) if (values[flag] === '') throw new UsageError(`--${flag} needs a value`);
  if (values.last !== undefined && positionals.length > 0) throw new UsageError('give either two runs or --last EXPERIMENT, not both');
  if (values.last === undefined && positionals.length !== 2) throw new UsageError(`expected two runs (result.json files or run directories), got ${positionals.length}`);
  return {
    ...(positionals.length === 2 ? { a: positionals[0]!, b: positionals[1]! } : {}),
    ...(values.last !== undefined ? { last: values.last } : {}),
    history: values.history ?? 'reports',
    timeTolerance: values['time-tolerance'] !== undefined ? parseTolerance(values['time-tolerance']) : DEFAULT_TIME_TOLERANCE,
    json: values.json ?? false,
    color: decideColor(process.env, process.stdout.isTTY === true, { noColorFlag: values['no-color'] === true }),
  };
}

/** A run directory stands for its result.json. */
function resultFileOf(path: string): string {
  try {
    if (existsSync(path) && statSync(path).isDirectory()) return join(path, 'result.json');
  } catch {
    // loadResult reports what is wrong with the path
  }
  return path;
}

/** The previous and the newest run of an experiment, from its index. */
async function lastTwo(args: CompareArgs): Promise<[string, string]> {
  const indexPath = indexPathFor(resolve(args.history), args.last!);
  const read = await readIndexTail(indexPath);
  for (const warning of read.warnings) process.stderr.write(`rebound compare: warning: ${warning}\n`);
  // An interrupted run measured only part of the experiment: it is no basis for a comparison.
  const complete = read.entries.filter((entry) => !entry.interrupted);
  if (complete.length < 2) {
    const has = existsSync(indexPath) ? `has ${complete.length} complete run${complete.length === 1 ? '' : 's'}` : 'does not exist';
    throw new ValidationError([{ file: indexPath, line: 0, column: 0, path: '', message: `${has}; comparing needs two (run the experiment again, or give two result.json files)` }]);
  }
  const dir = join(indexPath, '..');
  const previous = complete.at(-2)!;
  const newest = complete.at(-1)!;
  return [resolve(dir, previous.result), resolve(dir, newest.result)];
}

/** Both results, or one ValidationError listing the problems of both files. */
async function loadBoth(fileA: string, fileB: string): Promise<[Result, Result]> {
  const [a, b] = await Promise.allSettled([loadResult(fileA), loadResult(fileB)]);
  if (a.status === 'fulfilled' && b.status === 'fulfilled') return [a.value, b.value];
  const failures = [a, b].flatMap((settled) => (settled.status === 'rejected' ? [settled.reason as unknown] : []));
  if (failures.every((error) => error instanceof ValidationError)) throw new ValidationError(failures.flatMap((error) => (error as ValidationError).issues));
  throw failures.find((error) => !(error instanceof ValidationError));
}

export async function main(argv: string[]): Promise<number> {
  let args: CompareArgs | 'help';
  try {
    args = parse(argv);
  } catch (error) {
    process.stderr.write(`rebound compare: ${(error as Error).message}\n\n${HELP}`);
    return EXIT.usage;
  }
  if (args === 'help') {
    process.stdout.write(HELP);
    return EXIT.passed;
  }
  try {
    const [fileA, fileB] = args.last !== undefined ? await lastTwo(args) : [resultFileOf(args.a!), resultFileOf(args.b!)];
    const [a, b] = await loadBoth(fileA, fileB);
    const comparison = compareResults(a, b, { labels: [fileA, fileB], timeTolerance: args.timeTolerance });
    process.stdout.write(args.json ? `${JSON.stringify(comparison, null, 2)}\n` : renderComparison(comparison, painter(args.color)));
    return comparison.regressed ? EXIT.failed : EXIT.passed;
  } catch (error) {
    if (error instanceof ValidationError) {
      for (const issue of error.issues) process.stderr.write(`${formatIssue(issue)}\n`);
      process.stderr.write(`rebound compare: cannot compare: ${error.issues.length} problem(s)\n`);
      return EXIT.usage;
    }
    process.stderr.write(`rebound compare: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.usage;
  }
}
