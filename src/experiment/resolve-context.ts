/** Shared state and helpers of one resolution pass (spec → ResolvedExperiment): issue sink, paths, env, units. */
import { homedir } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { parseLabelSelector } from '../localcluster/api/label-selector.ts';
import { formatSpecDuration } from '../format/duration.ts';
import { durationToMs } from './duration.ts';
import type { RawIssue } from './schema-validate.ts';
import type { Anchor, FieldPath } from './yaml-source.ts';

export class ResolveContext {
  readonly issues: RawIssue[] = [];
  /** Literal values to redact everywhere (`${env:NAME}` values). */
  readonly secrets = new Set<string>();

  constructor(
    readonly baseDir: string,
    readonly env: NodeJS.ProcessEnv,
    /** True when the schema already rejected something: semantic code may then meet odd shapes. */
    readonly shapeIsSuspect: boolean,
    readonly bucketMs: number,
  ) {}

  error(path: FieldPath, message: string, anchor: Anchor = 'value'): void {
    this.issues.push({ path, anchor, message });
  }

  /**
   * Runs one semantic step. When the schema has already reported problems, a step that trips over
   * a malformed value is skipped (the schema issue says what is wrong); otherwise it is a bug.
   */
  guard(step: () => void): void {
    try {
      step();
    } catch (error) {
      if (!(this.shapeIsSuspect && error instanceof TypeError)) throw error;
    }
  }

  /** Like guard, for a whole section that returns a value: `fallback` when it tripped over a malformed shape. */
  section<T>(fallback: T, step: () => T): T {
    try {
      return step();
    } catch (error) {
      if (!(this.shapeIsSuspect && error instanceof TypeError)) throw error;
      return fallback;
    }
  }

  /** Milliseconds of a duration field, or undefined when absent or malformed (the schema reports it). */
  ms(value: unknown): number | undefined {
    if (typeof value !== 'string') return undefined;
    try {
      return durationToMs(value);
    } catch {
      return undefined;
    }
  }

  /** A duration that must be positive and a whole number of buckets. */
  bucketDuration(path: FieldPath, value: unknown, what: string): number | undefined {
    const ms = this.ms(value);
    if (ms === undefined) return undefined;
    if (ms <= 0) this.error(path, `${what} must be longer than 0`);
    else if (!isMultiple(ms, this.bucketMs)) this.error(path, `${what} ${formatSpecDuration(ms)} must be a multiple of bucket (${formatSpecDuration(this.bucketMs)})`);
    return ms;
  }

  /** Absolute path: `~/` expanded, relative paths against the experiment file's directory. */
  path(value: string): string {
    if (value === '~' || value.startsWith('~/')) return resolve(homedir(), value.slice(2));
    return isAbsolute(value) ? value : resolve(this.baseDir, value);
  }

  /** Substitutes `${env:NAME}`; missing variables are errors; substituted values become secrets. */
  substituteEnv(path: FieldPath, text: string): string {
    return text.replace(/\$\{env:([^}]*)\}/g, (_whole, name: string) => {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
        this.error(path, `invalid variable name in \${env:${name}}`);
        return '';
      }
      const value = this.env[name];
      if (value === undefined) {
        this.error(path, `environment variable ${name} is not set (used as \${env:${name}})`);
        return '';
      }
      if (value !== '') this.secrets.add(value);
      return value;
    });
  }
}

export function isMultiple(value: number, of: number): boolean {
  const ratio = value / of;
  return Math.abs(ratio - Math.round(ratio)) < 1e-9;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function list<T>(value: readonly T[] | undefined): readonly T[] {
  return Array.isArray(value) ? value : [];
}

/** Reports a label selector that the API server would reject. */
export function checkSelector(ctx: ResolveContext, path: FieldPath, selector: unknown): void {
  if (typeof selector !== 'string') return;
  try {
    parseLabelSelector(selector);
  } catch (error) {
    ctx.error(path, `invalid label selector ${JSON.stringify(selector)}: ${(error as Error).message}`);
  }
}
