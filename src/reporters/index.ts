/** Reporter wiring: which reporters a run gets, and re-rendering reports from a result. */
import type { Result } from '../result/result.ts';
import type { Reporter } from './reporter.ts';
import { consoleReporter, WrittenReports } from './console/console-reporter.ts';
import { htmlReporter, jsonReporter, junitReporter, markdownReporter, type ReportFormat } from './file-reporters.ts';
import { multiplexReporters } from './multiplex.ts';

export { multiplexReporters, ReportersFailedError } from './multiplex.ts';
export { REPORT_FILES, type ReportFormat } from './file-reporters.ts';
export type { Reporter } from './reporter.ts';

export interface ReporterOptions {
  readonly formats: readonly ('html' | 'json' | 'junit' | 'markdown')[];
  /** Where the console summary goes; without it there is no console summary (the programmatic API). */
  readonly stdout?: NodeJS.WritableStream;
  readonly isTTY: boolean;
  /** Decided once by the caller, with format/color.ts decideColor. */
  readonly color: boolean;
  /** Path from $GITHUB_STEP_SUMMARY: summary.md is appended there too. */
  readonly githubStepSummary?: string;
  /** Name of the CI artifact that will hold report.html (named in summary.md). */
  readonly htmlArtifactName?: string;
  /** Running under GitHub Actions (GITHUB_ACTIONS=true): summary.md says where the report travels. */
  readonly githubActions?: boolean;
}

function fileReporters(formats: readonly ReportFormat[], extra: Pick<ReporterOptions, 'githubStepSummary' | 'htmlArtifactName' | 'githubActions'> = {}): Reporter[] {
  const wanted = new Set(formats);
  const reporters: Reporter[] = [];
  if (wanted.has('json')) reporters.push(jsonReporter());
  if (wanted.has('junit')) reporters.push(junitReporter());
  if (wanted.has('markdown') || extra.githubStepSummary) {
    reporters.push(
      markdownReporter({
        file: wanted.has('markdown') || Boolean(extra.githubStepSummary),
        withHtml: wanted.has('html'),
        ...(extra.githubActions ? { githubActions: true } : {}),
        ...(extra.githubStepSummary ? { githubStepSummary: extra.githubStepSummary } : {}),
        ...(extra.htmlArtifactName ? { htmlArtifactName: extra.htmlArtifactName } : {}),
      }),
    );
  }
  if (wanted.has('html')) reporters.push(htmlReporter());
  return reporters;
}

/**
 * File reporters for the formats, then, given a stdout, the console summary reporter (last: it
 * prints what the others wrote, the HTML path as its final line). Wrap the list with
 * multiplexReporters() to drive it.
 */
export function createReporters(options: ReporterOptions): Reporter[] {
  const tracker = new WrittenReports();
  const files = fileReporters(options.formats, options).map((reporter) => tracker.track(reporter));
  if (!options.stdout) return files;
  return [...files, consoleReporter({ stdout: options.stdout, color: options.color, isTTY: options.isTTY, tracker })];
}

/** Writes the reports for `formats` from a result (used by `rebound report`); returns the paths written. */
export async function renderReports(result: Result, outDir: string, formats: ReporterOptions['formats']): Promise<string[]> {
  const written = await multiplexReporters(fileReporters(formats)).onRunEnd!(result, outDir);
  return [...written];
}
