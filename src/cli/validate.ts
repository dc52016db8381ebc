/** `rebound validate <files…>`: load and validate experiments without running them. */
import { parseArgs } from 'node:util';
import { ValidationError, formatIssue, type InputIssue } from '../errors.ts';
import { loadExperiment } from '../experiment/index.ts';
import { EXIT } from '../result/exit-codes.ts';

const HELP = `Usage: rebound validate [--json] <file.yaml>…

Checks experiment files against the format (docs/experiment-format.md) without running them:
every problem is printed as file:line:col: path: message.

Options:
  --json     print one JSON document: [{ file, valid, experiment?, issues: [...] }]
  -h, --help show this help

Only regular files up to 1 MiB are read (not FIFOs, devices or directories).

Exit codes: 0 all files valid, 2 any file invalid or missing (or bad usage), 4 Rebound
itself failed on a file (the other files are still checked).
`;

interface FileReport {
  readonly file: string;
  readonly valid: boolean;
  readonly experiment?: string;
  readonly issues: readonly InputIssue[];
  /** Set when Rebound itself failed on this file (a bug, not a problem in the file): exit 4. */
  readonly error?: string;
}

export async function main(argv: string[]): Promise<number> {
  let values: { json?: boolean; help?: boolean };
  let files: string[];
  try {
    const parsed = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
    values = parsed.values;
    files = parsed.positionals;
  } catch (error) {
    process.stderr.write(`rebound validate: ${(error as Error).message}\n\n${HELP}`);
    return EXIT.usage;
  }
  if (values.help) {
    process.stdout.write(HELP);
    return EXIT.passed;
  }
  if (files.length === 0) {
    process.stderr.write(`rebound validate: no files given\n\n${HELP}`);
    return EXIT.usage;
  }

  const reports: FileReport[] = [];
  for (const file of files) reports.push(await validateFile(file));

  if (values.json) {
    process.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
  } else {
    for (const report of reports) {
      if (report.valid) process.stdout.write(`✔ ${report.file}\n`);
      else if (report.error) process.stderr.write(`${report.file}: rebound validate could not check this file: ${report.error}\n`);
      else for (const issue of report.issues) process.stderr.write(`${formatIssue(issue)}\n`);
    }
    const invalid = reports.filter((r) => !r.valid);
    if (invalid.length > 0) {
      const count = invalid.reduce((sum, r) => sum + r.issues.length, 0);
      process.stderr.write(`\n✖ ${invalid.length} of ${reports.length} file${reports.length === 1 ? '' : 's'} invalid (${count} problem${count === 1 ? '' : 's'})\n`);
    }
  }
  if (reports.some((r) => r.error)) return EXIT.error;
  return reports.every((r) => r.valid) ? EXIT.passed : EXIT.usage;
}

async function validateFile(file: string): Promise<FileReport> {
  try {
    const experiment = await loadExperiment(file);
    return { file, valid: true, experiment: experiment.name, issues: [] };
  } catch (error) {
    if (error instanceof ValidationError) return { file, valid: false, issues: error.issues };
    // Not a problem in the file: a bug or an environment failure, reported without a stack trace; the other files are still checked.
    return { file, valid: false, issues: [], error: error instanceof Error ? error.message : String(error) };
  }
}
