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

Exit codes: 0 all files valid, 2 any file invalid or missing (or bad usage).
`;

interface FileReport {
  readonly file: string;
  readonly valid: boolean;
  readonly experiment?: string;
  readonly issues: readonly InputIssue[];
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
  try {
    for (const file of files) reports.push(await validateFile(file));
  } catch (error) {
    // Not a problem in the file: a bug or an environment failure, reported without a stack trace.
    process.stderr.write(`rebound validate: could not validate: ${(error as Error).message}\n`);
    return EXIT.error;
  }

  if (values.json) {
    process.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
  } else {
    for (const report of reports) {
      if (report.valid) process.stdout.write(`✔ ${report.file}\n`);
      else for (const issue of report.issues) process.stderr.write(`${formatIssue(issue)}\n`);
    }
    const invalid = reports.filter((r) => !r.valid);
    if (invalid.length > 0) {
      const count = invalid.reduce((sum, r) => sum + r.issues.length, 0);
      process.stderr.write(`\n✖ ${invalid.length} of ${reports.length} file${reports.length === 1 ? '' : 's'} invalid (${count} problem${count === 1 ? '' : 's'})\n`);
    }
  }
  return reports.every((r) => r.valid) ? EXIT.passed : EXIT.usage;
}

async function validateFile(file: string): Promise<FileReport> {
  try {
    const experiment = await loadExperiment(file);
    return { file, valid: true, experiment: experiment.name, issues: [] };
  } catch (error) {
    if (error instanceof ValidationError) return { file, valid: false, issues: error.issues };
    throw error;
  }
}
