import { execFile } from 'node:child_process';
import { access, constants, stat } from 'node:fs/promises';
import path from 'node:path';

export type K6Location = { readonly path: string; readonly version: string } | { readonly notFound: readonly string[] };

const VERSION_TIMEOUT_MS = 10_000;

/**
 * Finds a runnable k6: the explicit path (load.k6.binary) if given, else K6_BIN, else each
 * PATH directory. An explicit path or K6_BIN that does not work is reported, not skipped in
 * favour of another k6 on PATH: the user asked for that one. `notFound` lists every place
 * looked, with the reason when a file was there but did not run.
 */
export async function findK6(explicit?: string, env: NodeJS.ProcessEnv = process.env): Promise<K6Location> {
  const pinned = explicit ?? (env.K6_BIN !== undefined && env.K6_BIN !== '' ? env.K6_BIN : undefined);
  if (pinned !== undefined) {
    const found = await tryCandidate(path.resolve(pinned));
    return 'version' in found ? found : { notFound: [found.looked] };
  }
  const names = process.platform === 'win32' ? ['k6.exe', 'k6'] : ['k6'];
  const looked: string[] = [];
  for (const dir of new Set((env.PATH ?? '').split(path.delimiter))) {
    if (dir === '') continue;
    for (const name of names) {
      const found = await tryCandidate(path.join(dir, name));
      if ('version' in found) return found;
      looked.push(found.looked);
    }
  }
  return { notFound: looked.length > 0 ? looked : ['PATH (empty)'] };
}

async function tryCandidate(file: string): Promise<{ path: string; version: string } | { looked: string }> {
  try {
    if (!(await stat(file)).isFile()) return { looked: `${file} (not a file)` };
    await access(file, constants.X_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { looked: code === 'EACCES' ? `${file} (not executable)` : file };
  }
  try {
    return { path: file, version: await k6Version(file) };
  } catch (error) {
    return { looked: `${file} (\`k6 version\` failed: ${(error as Error).message.split('\n')[0]})` };
  }
}

/** `k6 version` prints e.g. "k6 v0.48.0 (go1.21.4, linux/amd64)" or "k6 v1.0.0 (commit/…, go1.24.2, linux/amd64)". */
export function k6Version(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, ['version'], { timeout: VERSION_TIMEOUT_MS, env: { ...process.env, K6_NO_USAGE_REPORT: 'true' } }, (error, stdout) => {
      if (error) return reject(error);
      const version = parseK6Version(stdout);
      if (version === undefined) return reject(new Error(`unexpected output ${JSON.stringify(stdout.slice(0, 200))}`));
      resolve(version);
    });
  });
}

export function parseK6Version(output: string): string | undefined {
  return /\bk6 v?(\d+\.\d+\.\d+[\w.+-]*)/.exec(output)?.[1];
}
