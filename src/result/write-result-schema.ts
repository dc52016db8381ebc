/** Writes result.schema.json from result-schema.ts: `node --import tsx src/result/write-result-schema.ts`. */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BUILTIN_CHECK_KINDS, BUILTIN_FAULT_KINDS } from '../plugins/registry.ts';
import { resultJsonSchema, resultSchemaOf } from './result-schema.ts';

export const RESULT_SCHEMA_FILE = fileURLToPath(new URL('./result.schema.json', import.meta.url));

/** The file's text: the schema for the built-in fault and check kinds. */
export function renderResultSchemaFile(): string {
  return `${JSON.stringify(resultJsonSchema(resultSchemaOf(BUILTIN_FAULT_KINDS, BUILTIN_CHECK_KINDS)), null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(RESULT_SCHEMA_FILE, renderResultSchemaFile());
  process.stdout.write(`wrote ${RESULT_SCHEMA_FILE}\n`);
}
