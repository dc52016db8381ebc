/** Finding the `prometheus` binary: `target.prometheus.binary`, else PATH. */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { InfraError } from '../errors.ts';

export const INSTALL_HINT =
  "install it (Debian/Ubuntu: 'apt-get install prometheus'), set target.prometheus.binary to its path, or use a running Prometheus with target.prometheus.url";

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The absolute path of the binary to run; an InfraError (exit 4) saying how to install it when there is none. */
export function findPrometheusBinary(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit !== undefined) {
    if (executable(explicit)) return explicit;
    throw new InfraError(`target.prometheus.binary ${explicit} is not an executable file`, INSTALL_HINT);
  }
  const dirs = (env.PATH ?? '').split(delimiter).filter((dir) => dir !== '');
  for (const dir of dirs) {
    const candidate = join(dir, 'prometheus');
    if (executable(candidate)) return candidate;
  }
  throw new InfraError('the embedded Prometheus needs the prometheus binary, which is not on PATH', INSTALL_HINT);
}
