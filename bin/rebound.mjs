#!/usr/bin/env node
// An installed package runs the compiled JavaScript in dist/. A clone runs the TypeScript sources
// through tsx (no build step), even when a dist/ from an earlier build is lying around, so a stale
// build never answers for the sources; REBOUND_FROM=dist runs the build in a clone.
import { existsSync } from 'node:fs';

const built = new URL('../dist/src/cli/main.js', import.meta.url);
const sources = new URL('../src/cli/main.ts', import.meta.url);
const wantDist = process.env.REBOUND_FROM === 'dist' || !existsSync(sources);

let main;
if (wantDist && existsSync(built)) {
  ({ main } = await import(built.href));
} else if (wantDist) {
  process.stderr.write(`rebound: no build at ${built.pathname}${existsSync(sources) ? ": run 'npm run build' first" : ' (a broken install: reinstall the package)'}\n`);
  process.exit(4);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import(sources.href));
}
process.exitCode = await main(process.argv.slice(2));
