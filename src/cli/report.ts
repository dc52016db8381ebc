/** `rebound report <result.json> [--out DIR] [--format html,junit,markdown]`: re-render reports. */
import { dirname, resolve } from 'node:path';
import { ReboundError, UsageError, ValidationError } from '../errors.ts';
import { decideColor } from '../format/color.ts';
import { EXIT } from '../result/exit-codes.ts';
import { loadResult } from '../result/validate-result.ts';
import { renderConsoleSummary } from '../reporters/console/render-console.ts';
import { REPORT_FILES, type ReportFormat, renderReports } from '../reporters/index.ts';
import { parseCommandLine } from './command-line.ts';

const FORMATS = Object.keys(REPORT_FILES) as ReportFormat[];
const DEFAULT_FORMATS: readonly ReportFormat[] = ['html', 'junit', 'markdown'];

export const HELP = `Usage: rebound report <result.json> [--out DIR] [--format html,junit,markdown]

Re-renders the reports of a run from its result.json (validated against the result schema).

Options:
  --out DIR        where to write (default: the directory of result.json)
  --format LIST    comma-separated: ${FORMATS.join(', ')} (default: ${DEFAULT_FORMATS.join(',')};
                   json writes a copy of the validated result)
  --no-color       no ANSI colour (also NO_COLOR=1; FORCE_COLOR=1 forces it, FORCE_COLOR=0 turns it off)
  -h, --help       show this help

Exit codes: 0 written, 2 bad arguments or invalid result file, 4 a report could not be written.
`;

interface ReportArgs {
  readonly file: string;
  readonly outDir: string;
  readonly formats: readonly ReportFormat[];
  readonly color: boolean;
}

function parseFormats(value: string): ReportFormat[] {
  const formats = value.split(',').map((f) => f.trim()).filter((f) => f.length > 0);
  if (formats.length === 0) throw new UsageError('--format: expected a comma-separated list of formats');
  for (const format of formats) {
    if (!FORMATS.includes(format as ReportFormat)) throw new UsageError(`--format: unknown format '${format}' (expected ${FORMATS.join(', ')})`);
  }
  return [...new Set(formats as ReportFormat[])];
}

function parse(argv: string[]): ReportArgs | 'help' {
  const parsed = parseCommandLine(argv, {
    out: { type: 'string' },
    format: { type: 'string' },
    'no-color': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (parsed.values.help) return 'help';
  if (parsed.positionals.length !== 1) {
    throw new UsageError(parsed.positionals.length === 0 ? 'missing <result.json>' : `expected one result file, got ${parsed.positionals.length}`);
  }
  const file = parsed.positionals[0]!;
  if (parsed.values.out === '') throw new UsageError('--out: expected a directory');
  return {
    file,
    outDir: resolve(parsed.values.out ?? dirname(file)),
    formats: parsed.values.format !== undefined ? parseFormats(parsed.values.format) : DEFAULT_FORMATS,
    color: decideColor(process.env, process.stdout.isTTY === true, { noColorFlag: parsed.values['no-color'] === true }),
  };
}

export async function main(argv: string[]): Promise<number> {
  let args: ReportArgs | 'help';
  try {
    args = parse(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`rebound report: ${error.message}\n\n${HELP}`);
      return EXIT.usage;
    }
    throw error;
  }
  if (args === 'help') {
    process.stdout.write(HELP);
    return EXIT.passed;
  }
  try {
    const result = await loadResult(args.file);
    const written = await renderReports(result, args.outDir, args.formats);
    const labelled = written.map((path) => ({ label: (Object.entries(REPORT_FILES).find(([, name]) => path.endsWith(name))?.[0] ?? 'file'), path }));
    process.stdout.write(renderConsoleSummary(result, labelled, args.color));
    return EXIT.passed;
  } catch (error) {
    if (error instanceof ValidationError) {
      process.stderr.write(`rebound report: invalid result file\n${error.message}\n`);
      return EXIT.usage;
    }
    const message = error instanceof ReboundError || error instanceof AggregateError || error instanceof Error ? error.message : String(error);
    process.stderr.write(`rebound report: could not write reports: ${message}\n`);
    return EXIT.error;
  }
}
