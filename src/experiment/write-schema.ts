/** Writes experiment.schema.json from schema.ts: `node --import tsx src/experiment/write-schema.ts`. */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { experimentJsonSchema } from './schema.ts';

export const SCHEMA_FILE = fileURLToPath(new URL('./experiment.schema.json', import.meta.url));

export function renderSchemaFile(): string {
  return `${JSON.stringify(experimentJsonSchema(), null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(SCHEMA_FILE, renderSchemaFile());
  process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
}
