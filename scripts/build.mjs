#!/usr/bin/env node
// `npm run build` (and `npm pack`/`npm publish` through prepack): compiles src/ into dist/src/
// with tsc (tsconfig.build.json), then copies the files the code reads at run time next to the
// compiled modules (the HTML report's templates and CSS, the JSON schemas): everything under
// src/ that is not TypeScript.
import { spawnSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const dist = join(root, 'dist');

rmSync(dist, { recursive: true, force: true });
const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript-7/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (tsc.status !== 0) {
  process.stderr.write(`build: tsc failed (exit ${tsc.status ?? tsc.signal})\n`);
  process.exit(1);
}
const isAsset = (file) => !/\.(ts|mts|cts)$/.test(file) && !file.endsWith('README.md');
cpSync(join(root, 'src'), join(dist, 'src'), { recursive: true, filter: isAsset });
