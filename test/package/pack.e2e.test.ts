/**
 * The npm package as users get it: `npm pack` (whose prepack builds dist/), then the tarball
 * installed into an empty project with no network, and Rebound run from there: no sources, no
 * tsx, only the package's production dependencies.
 *
 * Offline install: `npm ci` leaves the dependencies' tarballs in the npm cache but not their
 * registry metadata, so `npm install <tarball>` offline cannot resolve versions. The temp project
 * gets a lockfile instead, made from the repo's (its production entries, the same versions and
 * integrity hashes), and `npm ci --offline` installs from the cache alone.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO } from '../helpers/cli.ts';
import { makeResult } from '../reporters/fixtures/make-result.ts';

const exec = promisify(execFile);

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to its end (bounded), never throwing on a non-zero exit: the test judges it. */
async function run(file: string, args: readonly string[], cwd: string, timeoutMs = 60_000): Promise<Run> {
  try {
    const { stdout, stderr } = await exec(file, args, { cwd, timeout: timeoutMs, killSignal: 'SIGKILL', env: { ...process.env, CI: 'true', NO_COLOR: '1' }, maxBuffer: 16 << 20 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number | string; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : -1, stdout: failed.stdout ?? '', stderr: `${failed.stderr ?? ''}${String(error)}` };
  }
}

interface LockEntry {
  readonly dev?: boolean;
  readonly [field: string]: unknown;
}

/** A lockfile for a project depending only on the tarball: the repo lock's production entries. */
async function lockFor(tarball: string): Promise<{ pkg: object; lock: object }> {
  const pkg = JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')) as { name: string; version: string; license: string; dependencies: Record<string, string>; bin: Record<string, string>; engines: Record<string, string> };
  const repoLock = JSON.parse(await readFile(join(REPO, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const spec = `file:${tarball}`;
  const packages: Record<string, unknown> = {
    '': { name: 'consumer', dependencies: { [pkg.name]: spec } },
    [`node_modules/${pkg.name}`]: { version: pkg.version, resolved: spec, license: pkg.license, dependencies: pkg.dependencies, bin: pkg.bin, engines: pkg.engines },
  };
  for (const [path, entry] of Object.entries(repoLock.packages)) if (path !== '' && !entry.dev) packages[path] = entry;
  return {
    pkg: { name: 'consumer', private: true, type: 'module', dependencies: { [pkg.name]: spec } },
    lock: { name: 'consumer', lockfileVersion: 3, requires: true, packages },
  };
}

describe('npm package: pack, install offline, run', function () {
  this.timeout(150_000);
  let dir = '';
  let packed: string[] = [];
  const rebound = (args: string[]) => run('npx', ['--no', '--', 'rebound', ...args], dir);

  before(async function () {
    this.timeout(150_000);
    dir = await mkdtemp(join(tmpdir(), 'rebound-pack-'));
    const pack = await run('npm', ['pack', '--json', '--pack-destination', dir], REPO, 120_000);
    expect(pack.code, pack.stderr).to.equal(0);
    const [report] = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('['))) as { filename: string; files: { path: string }[] }[];
    packed = report!.files.map((file) => file.path);
    const { pkg, lock } = await lockFor(report!.filename);
    await writeFile(join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
    await writeFile(join(dir, 'package-lock.json'), JSON.stringify(lock, null, 2));
    const install = await run('npm', ['ci', '--offline', '--no-audit', '--no-fund'], dir, 60_000);
    expect(install.code, install.stderr).to.equal(0);
  });

  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('packs the build, the bin, the docs and the schemas; not the sources, tests, benchmarks or the demo shop', () => {
    expect(packed).to.include.members(['package.json', 'README.md', 'bin/rebound.mjs', 'dist/src/cli/main.js', 'dist/src/cli/main.d.ts', 'dist/src/runner/infra-host.js',
      'dist/src/reporters/html/templates/report.hbs', 'dist/src/reporters/html/templates/styles.css', 'dist/src/experiment/experiment.schema.json', 'dist/src/result/result.schema.json', 'docs/in-cluster.md']);
    const outside = packed.filter((path) => !/^(dist\/src|bin|docs)\//.test(path) && !['package.json', 'README.md', 'LICENSE'].includes(path));
    expect(outside).to.deep.equal([]);
    expect(packed.filter((path) => /\.ts$/.test(path) && !path.endsWith('.d.ts'))).to.deep.equal([]);
  });

  it('installs without tsx: the package runs the compiled JavaScript', () => {
    expect(existsSync(join(dir, 'node_modules/rebound/dist/src/cli/main.js'))).to.equal(true);
    expect(existsSync(join(dir, 'node_modules/tsx'))).to.equal(false);
    expect(existsSync(join(dir, 'node_modules/rebound/src'))).to.equal(false);
  });

  it('rebound --help and --version', async () => {
    const help = await rebound(['--help']);
    expect(help.code, help.stderr).to.equal(0);
    expect(help.stdout).to.match(/^Usage: rebound <command>/);
    expect(help.stdout).to.include('rbac');
    const version = await rebound(['--version']);
    const { version: expected } = JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')) as { version: string };
    expect(version.stdout.trim()).to.equal(expected);
  });

  it('rebound validate: a shipped experiment passes, a broken one fails with its location', async () => {
    const ok = await rebound(['validate', join(REPO, 'experiments/payments-pod-kill.yaml')]);
    expect(ok.code, ok.stderr).to.equal(0);
    const broken = join(dir, 'broken.yaml');
    await writeFile(broken, 'apiVersion: rebound.dev/v1\nkind: Experiment\nmetadata: { name: broken }\nphases: 3\n');
    const bad = await rebound(['validate', broken]);
    expect(bad.code).to.equal(2);
    expect(bad.stdout + bad.stderr).to.include('broken.yaml');
  });

  it('rebound run --dry-run: starts the local plane (the built infra host) and plans the fault', async () => {
    const dry = await rebound(['run', join(REPO, 'experiments/payments-pod-kill.yaml'), '--dry-run']);
    expect(dry.code, dry.stderr).to.equal(0);
    expect(dry.stdout).to.include('(local control plane)');
    expect(dry.stdout).to.match(/pods matching now: payments-primary-\S+, payments-primary-\S+/);
    expect(dry.stdout).to.include('Dry run: nothing was injected.');
  });

  it('rebound rbac: prints the Role from the installed package', async () => {
    const rbac = await rebound(['rbac', join(REPO, 'experiments/payments-pod-kill.yaml')]);
    expect(rbac.code, rbac.stderr).to.equal(0);
    expect(rbac.stdout).to.include('kind: Role\n');
    expect(rbac.stdout).to.include('- delete');
  });

  it('rebound report: renders the HTML report from the packaged templates', async () => {
    const out = join(dir, 'report');
    const result = join(dir, 'result.json');
    await writeFile(result, JSON.stringify(makeResult({ variant: 'failed' })));
    const report = await rebound(['report', result, '--out', out]);
    expect(report.code, report.stderr).to.equal(0);
    expect((await readdir(out)).sort()).to.deep.equal(['junit.xml', 'report.html', 'summary.md']);
    const html = await readFile(join(out, 'report.html'), 'utf8');
    expect(html).to.include('data-verdict="failed"');
    expect(html).to.match(/<style>[^<]*\S/);
  });

  it('the schemas are exported for editors and tools', async () => {
    const script = join(dir, 'schemas.mjs');
    await writeFile(script, "import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\n" +
      "for (const name of ['rebound/experiment.schema.json', 'rebound/result.schema.json', 'rebound/package.json']) console.log(JSON.parse(JSON.stringify(require(name))).$id ?? require(name).name);\n");
    const printed = await run(process.execPath, [script], dir);
    expect(printed.code, printed.stderr).to.equal(0);
    expect(printed.stdout.trim().split('\n')).to.deep.equal(['https://rebound.dev/schemas/experiment-v1.json', 'https://rebound.dev/schema/result.schema.json', 'rebound']);
  });

  it('the API, the mocha helper and the chai plugin import from an ESM script by their package names', async () => {
    const script = join(dir, 'api.mjs');
    await writeFile(
      script,
      [
        "import * as rebound from 'rebound';",
        "import * as mocha from 'rebound/mocha';",
        "import * as chai from 'rebound/chai';",
        'console.log(JSON.stringify({ api: Object.keys(rebound), mocha: Object.keys(mocha), chai: Object.keys(chai) }));',
        '',
      ].join('\n'),
    );
    const printed = await run(process.execPath, [script], dir);
    expect(printed.code, printed.stderr).to.equal(0);
    const exported = JSON.parse(printed.stdout) as { api: string[]; mocha: string[]; chai: string[] };
    expect(exported.api).to.include.members(['runExperiment', 'defineExperiment']);
    expect(exported.mocha).to.include('useExperiment');
    expect(exported.chai).to.include('reboundChai');
  });
});
