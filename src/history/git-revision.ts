/**
 * The commit a run ran against: `GITHUB_SHA` / `GITHUB_REF_NAME` in GitHub Actions, else a
 * `git rev-parse` in the working directory, bounded in time (a missing git or a directory that
 * is not a repository is simply no revision).
 */
import { execFile } from 'node:child_process';
import type { Revision } from './index-entry.ts';

const GIT_TIMEOUT_MS = 2000;

function git(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('git', [...args], { cwd, env, timeout: GIT_TIMEOUT_MS, maxBuffer: 64 * 1024, windowsHide: true }, (error, stdout) => {
      const text = String(stdout).trim();
      resolve(error || text === '' ? undefined : text);
    });
  });
}

export async function currentRevision(env: NodeJS.ProcessEnv, cwd: string): Promise<Revision> {
  if (env.GITHUB_SHA) return { commit: env.GITHUB_SHA, ...(env.GITHUB_REF_NAME ? { ref: env.GITHUB_REF_NAME } : {}) };
  const [commit, ref] = await Promise.all([git(['rev-parse', 'HEAD'], cwd, env), git(['rev-parse', '--abbrev-ref', 'HEAD'], cwd, env)]);
  return { ...(commit ? { commit } : {}), ...(ref && ref !== 'HEAD' ? { ref } : {}) };
}
