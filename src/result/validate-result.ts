/** Loads a result.json and checks it against the result schema; every problem is located. */
import { readFile } from 'node:fs/promises';
import Ajv2020Module from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { type InputIssue, ValidationError } from '../errors.ts';
import { checkKinds, faultKinds, registryGeneration } from '../plugins/registry.ts';
import type { Result } from './result.ts';
import { resultSchemaOf } from './result-schema.ts';

// ajv is CommonJS: under NodeNext its default import is module.exports (the class itself).
const Ajv2020 = ((Ajv2020Module as unknown as { default?: unknown }).default ?? Ajv2020Module) as typeof Ajv2020Module.default;

let validator: { generation: number; validate: ValidateFunction } | undefined;

function compiled(): ValidateFunction {
  if (validator?.generation !== registryGeneration()) {
    // The schema for every kind registered now (result.schema.json has the built-in kinds only).
    const schema = resultSchemaOf(faultKinds(), checkKinds());
    validator = { generation: registryGeneration(), validate: new Ajv2020({ allErrors: true, strict: false }).compile(schema) };
  }
  return validator.validate;
}

/** `/checks/2/verdict` → `checks[2].verdict`. */
export function jsonPointerToPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), '');
}

function describe(error: ErrorObject): { path: string; message: string } {
  const path = jsonPointerToPath(error.instancePath);
  if (error.keyword === 'required') {
    const missing = String((error.params as { missingProperty: string }).missingProperty);
    return { path: path ? `${path}.${missing}` : missing, message: 'is missing (required)' };
  }
  if (error.keyword === 'enum') {
    return { path, message: `must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}` };
  }
  if (error.keyword === 'const') return { path, message: `must be ${JSON.stringify((error.params as { allowedValue: unknown }).allowedValue)}` };
  if (error.keyword === 'propertyNames') return { path, message: `has an unknown key ${JSON.stringify((error.params as { propertyName: string }).propertyName)}` };
  return { path, message: error.message ?? error.keyword };
}

/** Checks a parsed document; throws ValidationError listing every problem with its JSON path. */
export function validateResult(value: unknown, file: string): Result {
  const validate = compiled();
  if (validate(value)) return value as Result;
  const seen = new Set<string>();
  const issues: InputIssue[] = [];
  for (const error of validate.errors ?? []) {
    // oneOf repeats what its branches already said; the branch errors are more precise.
    if (error.keyword === 'oneOf' || error.keyword === 'if') continue;
    const { path, message } = describe(error);
    const key = `${path}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push({ file, line: 0, column: 0, path, message });
  }
  throw new ValidationError(issues.length > 0 ? issues : [{ file, line: 0, column: 0, path: '', message: 'is not a valid Rebound result' }]);
}

function lineColumn(text: string, position: number): { line: number; column: number } {
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  return { line, column: position - before.lastIndexOf('\n') };
}

/** Reads and validates a result.json; unreadable files and bad JSON are ValidationErrors too. */
export async function loadResult(file: string): Promise<Result> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new ValidationError([{ file, line: 0, column: 0, path: '', message: `cannot read result: ${reason}` }]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message);
    const where = position ? lineColumn(text, Number(position[1])) : { line: 0, column: 0 };
    throw new ValidationError([{ file, ...where, path: '', message: `not valid JSON: ${message}` }]);
  }
  return validateResult(value, file);
}
