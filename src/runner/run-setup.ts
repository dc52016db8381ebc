/**
 * What `rebound run` and the programmatic API (src/api) both do around a run: where its reports
 * and journal go (checked writable before any fault), which reporters it gets, and its redactor.
 */
import { dirname, resolve } from 'node:path';
import { InfraError, UsageError } from '../errors.ts';
import type { ResolvedExperiment } from '../experiment/resolved.ts';
import type { Reporter } from '../reporters/reporter.ts';
import { DirectoryNotWritableError, probeWritableDir } from '../util/probe-writable-dir.ts';
import { reserveReportDir } from '../util/report-dir.ts';
import { DEFAULT_JOURNAL } from './journal.ts';

function timestamp(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}-${pad(date.getHours())}${pad(date.getMinutes())}${pad(date.getSeconds())}`;
}

export function defaultOutDir(experiment: ResolvedExperiment, cwd: string, now = new Date()): string {
  return experiment.report.outDir ?? resolve(cwd, 'reports', experiment.name, timestamp(now));
}

export interface RunPlacesInput {
  readonly experiment: ResolvedExperiment;
  readonly cwd: string;
  /** The caller's output directory (relative to cwd); else report.outDir; else a fresh reports/<name>/<timestamp>/. */
  readonly out?: string;
  /** The caller's journal path (relative to cwd); default .rebound/journal.json. */
  readonly journal?: string;
  readonly dryRun?: boolean;
  /** False when the run writes no report (no format asked for): no output directory is checked or created. Default true. */
  readonly writesReports?: boolean;
  /** How the caller names its options in errors (`--out DIR` on the command line). */
  readonly names?: { readonly out: string; readonly journal: string };
}

export interface RunPlaces {
  readonly outDir: string;
  readonly journalPath: string;
  /** A generated report directory created for this run: removed again when the run stops before any report. */
  readonly reserved?: string;
}

/** Decides and checks (before any fault) where the reports and the journal go. */
export async function prepareRunPlaces(input: RunPlacesInput): Promise<RunPlaces> {
  const { experiment, cwd } = input;
  const names = input.names ?? { out: '--out DIR', journal: '--journal PATH' };
  // The caller's output directory and report.outDir are a fixed choice; a generated directory is never shared.
  const fixedOut = input.out ? resolve(cwd, input.out) : experiment.report.outDir;
  const journalPath = resolve(cwd, input.journal ?? DEFAULT_JOURNAL);
  const outDir = fixedOut ?? defaultOutDir(experiment, cwd);
  if (input.dryRun) return { outDir, journalPath };
  const writesReports = input.writesReports ?? true;
  const journalPlace = { dir: dirname(journalPath), what: 'the journal', flag: names.journal, given: input.journal !== undefined && input.journal !== DEFAULT_JOURNAL };
  const outPlace = { dir: outDir, what: 'the reports', flag: names.out, given: fixedOut !== undefined };
  await checkWritable(writesReports ? [outPlace, journalPlace] : [journalPlace]);
  if (fixedOut || !writesReports) return { outDir, journalPath };
  const reserved = await reserveReportDir(outDir);
  return { outDir: reserved, journalPath, reserved };
}

const PROBE_TIMEOUT_MS = 5000;

interface Place {
  readonly dir: string;
  readonly what: string;
  /** How the caller names the option that sets it. */
  readonly flag: string;
  /** Set by the caller (a usage error when unwritable), not a default (an infrastructure error). */
  readonly given: boolean;
}

/** Before any fault: where the reports and the journal go must be writable (a bad --out is found now, not after the run). */
async function checkWritable(places: readonly Place[]): Promise<void> {
  for (const place of places) {
    try {
      await probeWritableDir(place.dir, { timeoutMs: PROBE_TIMEOUT_MS });
    } catch (error) {
      if (!(error instanceof DirectoryNotWritableError)) throw error;
      const message = `${error.message}; nothing was run`;
      const hint = `write ${place.what} somewhere writable with ${place.flag}`;
      if (place.given) throw new UsageError(`${message} (${hint})`);
      throw new InfraError(message, hint);
    }
  }
}

export interface ReporterSetup {
  readonly env: NodeJS.ProcessEnv;
  readonly color: boolean;
  /** Where the console summary goes; none without it. */
  readonly stdout?: NodeJS.WritableStream;
  readonly isTTY: boolean;
}

/** The experiment's report formats (plus summary.md when GITHUB_STEP_SUMMARY is set), multiplexed. */
export async function buildReporter(experiment: ResolvedExperiment, setup: ReporterSetup): Promise<Reporter> {
  const { createReporters, multiplexReporters } = await import('../reporters/index.ts');
  const formats = [...experiment.report.formats];
  const summary = setup.env.GITHUB_STEP_SUMMARY || undefined;
  // The workflow names the artifact it uploads the report in (REBOUND_HTML_ARTIFACT); summary.md repeats it.
  const artifact = setup.env.REBOUND_HTML_ARTIFACT || undefined;
  const reporters = createReporters({
    formats,
    stdout: setup.stdout,
    isTTY: setup.isTTY,
    color: setup.color,
    githubStepSummary: summary,
    githubActions: setup.env.GITHUB_ACTIONS === 'true',
    ...(artifact ? { htmlArtifactName: artifact } : {}),
  });
  return multiplexReporters(reporters);
}

export async function buildRedactor(experiment: ResolvedExperiment): Promise<<T>(value: T) => T> {
  const { createValueRedactor } = await import('../result/redact.ts');
  return createValueRedactor({ secrets: experiment.report.secrets, headerNames: experiment.report.redactHeaders });
}
