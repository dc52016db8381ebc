/**
 * Loading experiments: YAML text → schema validation → semantic resolution → frozen
 * ResolvedExperiment. Every problem is collected and thrown at once as one ValidationError, each
 * issue with file:line:col and field path.
 */
import { dirname, resolve } from 'node:path';
import { ValidationError, type InputIssue } from '../errors.ts';
import type { ResolvedExperiment } from './resolved.ts';
import { deepFreeze } from './deep-freeze.ts';
import { readSourceFile } from './read-source-file.ts';
import { resolveExperiment } from './resolve.ts';
import { schemaIssues, type RawIssue } from './schema-validate.ts';
import { formatPath, YamlSource, type FieldPath } from './yaml-source.ts';

export { durationToMs, rateToPerSecond } from './duration.ts';
export type { ExperimentSpec } from './spec.ts';

export interface LoadOptions {
  /** Environment for `${env:NAME}` (default process.env). */
  readonly env?: NodeJS.ProcessEnv;
  /** Directory a relative `file` is resolved against (default process.cwd()). */
  readonly cwd?: string;
}

export async function loadExperiment(file: string, options: LoadOptions = {}): Promise<ResolvedExperiment> {
  const absolute = resolve(options.cwd ?? process.cwd(), file);
  const text = await readSourceFile(file, absolute);
  return parseExperiment(text, file, options);
}

export function parseExperiment(text: string, file: string, options: LoadOptions = {}): ResolvedExperiment {
  const sourcePath = resolve(options.cwd ?? process.cwd(), file);
  const source = new YamlSource(text);
  if (source.syntaxIssues.length > 0) {
    throw new ValidationError(source.syntaxIssues.map((issue) => ({ file, line: issue.line, column: issue.column, path: issue.path ? formatPath(issue.path) : '', message: issue.message })));
  }
  if (source.value === null || source.value === undefined) {
    throw new ValidationError([{ file, line: 1, column: 1, path: '', message: 'the file is empty; expected an experiment (apiVersion: rebound.dev/v1, kind: Experiment, …)' }]);
  }
  const structural = schemaIssues(source.value);
  const { experiment, issues: semantic } = resolveExperiment({
    value: source.value,
    sourcePath,
    sourceText: text,
    baseDir: dirname(sourcePath),
    env: options.env ?? process.env,
    shapeIsSuspect: structural.length > 0,
  });
  const issues = [...structural, ...semantic.filter((issue) => !coveredBy(issue.path, structural))];
  if (issues.length > 0 || !experiment) throw new ValidationError(locate(issues, source, file));
  return deepFreeze(experiment);
}

/**
 * An experiment given as a value (built in TypeScript, say) rather than YAML text: the same
 * schema and the same rules as a file. Its issues carry the field path and `label` as the file,
 * with no line (line 0). Relative paths in it resolve against `options.cwd`. `sourceText` is
 * what the result echoes as the experiment's source (the caller's YAML rendering of the value).
 */
export function experimentFromValue(value: unknown, label: string, options: LoadOptions & { readonly sourceText: string }): ResolvedExperiment {
  const baseDir = resolve(options.cwd ?? process.cwd());
  const structural = schemaIssues(value);
  const { experiment, issues: semantic } = resolveExperiment({
    value,
    sourcePath: resolve(baseDir, label),
    sourceText: options.sourceText,
    baseDir,
    env: options.env ?? process.env,
    shapeIsSuspect: structural.length > 0,
  });
  const issues = [...structural, ...semantic.filter((issue) => !coveredBy(issue.path, structural))];
  if (issues.length > 0 || !experiment) {
    const located = issues.map((issue) => ({ file: label, line: 0, column: 0, path: formatPath(issue.path), message: issue.message }));
    const unique = new Map(located.map((issue) => [`${issue.path}:${issue.message}`, issue]));
    throw new ValidationError([...unique.values()]);
  }
  return deepFreeze(experiment);
}

/** A semantic issue at or below a path the schema already rejected adds nothing. */
function coveredBy(path: FieldPath, structural: readonly RawIssue[]): boolean {
  return structural.some((issue) => issue.path.length <= path.length && issue.path.every((segment, i) => segment === path[i]));
}

function locate(issues: readonly RawIssue[], source: YamlSource, file: string): InputIssue[] {
  const located = issues.map((issue) => {
    const { line, column } = source.locate(issue.path, issue.anchor);
    return { file, line, column, path: formatPath(issue.path), message: issue.message };
  });
  const unique = new Map(located.map((issue) => [`${issue.line}:${issue.column}:${issue.path}:${issue.message}`, issue]));
  return [...unique.values()].sort((a, b) => a.line - b.line || a.column - b.column);
}
