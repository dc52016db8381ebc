/** Structural validation with ajv against schema.ts, with ajv's errors turned into messages a user can act on. */
import { Ajv, type ErrorObject, type KeywordDefinition, type ValidateFunction } from 'ajv';
import { durationToMs } from './duration.ts';
import { registryGeneration } from '../plugins/registry.ts';
import { experimentSchema } from './schema.ts';
import { didYouMean } from './did-you-mean.ts';
import type { Anchor, FieldPath } from './yaml-source.ts';

export interface RawIssue {
  readonly path: FieldPath;
  readonly anchor: Anchor;
  readonly message: string;
}

/** A duration (already matching its pattern) must fit in a timer. */
const maxDurationKeyword: KeywordDefinition = {
  keyword: 'maxDurationMs',
  type: 'string',
  schemaType: 'number',
  errors: true,
  validate: function maxDuration(max: number, data: string): boolean {
    let ms: number;
    try {
      ms = durationToMs(data);
    } catch {
      return true; // the pattern reports it
    }
    if (ms <= max) return true;
    (maxDuration as { errors?: Partial<ErrorObject>[] }).errors = [{ keyword: 'maxDurationMs', message: `${data} is longer than the longest duration Rebound can wait (${max} ms, about ${Math.floor(max / 86_400_000)} days: a timer's limit)`, params: { limit: max } }];
    return false;
  },
};

let compiled: { generation: number; validate: ValidateFunction } | undefined;

/** The validator of the schema with every kind registered now (compiled again after a registration). */
function validator(): ValidateFunction {
  if (compiled?.generation !== registryGeneration()) {
    const ajv = new Ajv({ allErrors: true, strict: true, verbose: true, keywords: ['patternErrorMessage'] });
    ajv.addKeyword(maxDurationKeyword);
    compiled = { generation: registryGeneration(), validate: ajv.compile(experimentSchema()) };
  }
  return compiled.validate;
}

/** Every structural problem of `value` (empty when it matches the schema). */
export function schemaIssues(value: unknown): RawIssue[] {
  const validateSchema = validator();
  if (validateSchema(value)) return [];
  return mapErrors(validateSchema.errors ?? []);
}

type SchemaNode = Record<string, unknown>;

function mapErrors(errors: readonly ErrorObject[]): RawIssue[] {
  const issues: RawIssue[] = [];
  const consumed = new Set<ErrorObject>();
  const unions = errors.filter((e) => e.keyword === 'anyOf').sort((a, b) => a.schemaPath.length - b.schemaPath.length);
  for (const union of unions) {
    if (consumed.has(union)) continue;
    const prefix = `${union.schemaPath}/`;
    const inner = errors.filter((e) => e !== union && e.schemaPath.startsWith(prefix) && within(e.instancePath, union.instancePath));
    consumed.add(union);
    for (const e of inner) consumed.add(e);
    issues.push(...mapUnion(union, inner));
  }
  for (const error of errors) if (!consumed.has(error)) issues.push(mapError(error));
  return issues;
}

/** A value matched no branch of a union: report the branch its type fits, or one summary. */
function mapUnion(union: ErrorObject, inner: readonly ErrorObject[]): RawIssue[] {
  const path = pointerToPath(union.instancePath);
  const parent = union.parentSchema as SchemaNode;
  const branches = (parent.anyOf as SchemaNode[] | undefined) ?? [];
  const literals = branches.every((b) => 'const' in b) ? branches.map((b) => b.const) : undefined;
  if (literals) {
    const got = union.data;
    const names = literals.map((l) => JSON.stringify(l));
    const hint = typeof got === 'string' ? didYouMean(got, literals.map(String)) : '';
    return [{ path, anchor: 'value', message: `expected one of ${names.join(', ')}, got ${describe(got)}${hint}` }];
  }
  const prefix = `${union.schemaPath}/`;
  const byBranch = new Map<string, ErrorObject[]>();
  for (const e of inner) {
    const branch = e.schemaPath.slice(prefix.length).split('/')[0]!;
    byBranch.set(branch, [...(byBranch.get(branch) ?? []), e]);
  }
  const fitting = [...byBranch.values()].filter(
    (errs) => !errs.some((e) => e.instancePath === union.instancePath && (e.keyword === 'type' || e.keyword === 'const')),
  );
  if (fitting.length === 1) return mapErrors(fitting[0]!);
  const expected = (parent.patternErrorMessage as string | undefined) ?? 'a value of another shape';
  return [{ path, anchor: 'value', message: `expected ${expected}, got ${describe(union.data)}` }];
}

function within(pointer: string, parent: string): boolean {
  return pointer === parent || pointer.startsWith(`${parent}/`);
}

const COMPARISONS: Record<string, string> = { '<=': '≤', '>=': '≥', '<': '<', '>': '>' };

function mapError(error: ErrorObject): RawIssue {
  const path = pointerToPath(error.instancePath);
  const schema = error.parentSchema as SchemaNode | undefined;
  const params = error.params as Record<string, unknown>;
  const got = describe(error.data);
  switch (error.keyword) {
    case 'additionalProperties': {
      const name = String(params.additionalProperty);
      const known = Object.keys((schema?.properties as SchemaNode | undefined) ?? {});
      return { path: [...path, name], anchor: 'key', message: `unknown field "${name}"${didYouMean(name, known)}` };
    }
    case 'required':
      return { path: [...path, String(params.missingProperty)], anchor: 'key', message: `missing required field "${String(params.missingProperty)}"` };
    case 'type':
      return { path, anchor: 'value', message: `expected ${expectedOf(schema, String(params.type))}, got ${got}` };
    case 'pattern':
      return { path, anchor: 'value', message: `expected ${(schema?.patternErrorMessage as string | undefined) ?? `text matching /${String(params.pattern)}/`}, got ${got}` };
    case 'const':
      return { path, anchor: 'value', message: `expected ${JSON.stringify(params.allowedValue)}, got ${got}` };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { path, anchor: 'value', message: `must be ${COMPARISONS[String(params.comparison)] ?? String(params.comparison)} ${String(params.limit)}, got ${got}` };
    case 'minItems':
      return { path, anchor: 'value', message: Number(params.limit) === 1 ? 'must have at least one item' : `must have at least ${String(params.limit)} items` };
    case 'minLength':
      return { path, anchor: 'value', message: 'must not be empty' };
    case 'maxLength':
      return { path, anchor: 'value', message: `must be at most ${String(params.limit)} characters, got ${String(error.data).length}` };
    case 'uniqueItems':
      return { path: [...path, Number(params.i)], anchor: 'value', message: `duplicate of item ${String(params.j)}` };
    default:
      return { path, anchor: 'value', message: error.message ?? `invalid (${error.keyword})` };
  }
}

function expectedOf(schema: SchemaNode | undefined, type: string): string {
  const friendly = schema?.patternErrorMessage as string | undefined;
  if (friendly) return friendly;
  switch (type) {
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'integer':
      return 'a whole number';
    case 'boolean':
      return 'true or false';
    case 'array':
      return 'a list';
    case 'object':
      return 'a map of fields';
    default:
      return type;
  }
}

export function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return Number.isFinite(value) ? `the number ${value}` : `${value}, which is not a valid number`;
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'a list';
  return 'a map';
}

function pointerToPath(pointer: string): (string | number)[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}
