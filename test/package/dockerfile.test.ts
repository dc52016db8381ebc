/**
 * The Dockerfile, read as Docker reads it (no engine here): a build stage with the dev
 * dependencies, a runtime stage with production dependencies only, the build copied from the
 * build stage, a non-root user, an entry point that runs the packaged CLI.
 */
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO } from '../helpers/cli.ts';

interface Instruction {
  readonly keyword: string;
  readonly args: string;
  readonly line: number;
}
interface Stage {
  readonly image: string;
  readonly name: string | undefined;
  readonly instructions: Instruction[];
}

/** Instructions grouped by stage: comments dropped, `\` continuations joined. */
function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  let pending = '';
  let startLine = 0;
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) return;
    if (pending === '') startLine = index + 1;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      return;
    }
    const full = (pending + line).trim();
    pending = '';
    const [keyword, ...rest] = full.split(/\s+/);
    const instruction = { keyword: keyword!.toUpperCase(), args: rest.join(' '), line: startLine };
    if (instruction.keyword === 'FROM') {
      const match = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(instruction.args);
      expect(match, `FROM at line ${startLine}`).to.not.equal(null);
      stages.push({ image: match![1]!, name: match![2], instructions: [] });
    } else {
      expect(stages.length, `${instruction.keyword} before FROM at line ${startLine}`).to.be.greaterThan(0);
      stages.at(-1)!.instructions.push(instruction);
    }
  });
  return stages;
}

const of = (stage: Stage, keyword: string) => stage.instructions.filter((i) => i.keyword === keyword);

describe('Dockerfile', () => {
  let stages: Stage[];
  let build: Stage;
  let runtime: Stage;
  let pkg: { files: string[]; engines: { node: string }; bin: Record<string, string> };

  before(async () => {
    stages = parseDockerfile(await readFile(join(REPO, 'Dockerfile'), 'utf8'));
    build = stages.find((stage) => stage.name === 'build')!;
    runtime = stages.at(-1)!;
    pkg = JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8'));
  });

  it('has a build stage and a final runtime stage, both on a slim Node of the major the package supports', () => {
    expect(stages.map((s) => s.name)).to.deep.equal(['build', 'runtime']);
    const major = /(\d+)/.exec(pkg.engines.node)![1];
    for (const stage of stages) expect(stage.image).to.equal(`node:${major}-slim`);
  });

  it('builds with every dependency (dev included) and tsc', () => {
    const runs = of(build, 'RUN').map((i) => i.args);
    expect(runs).to.include('npm ci --no-audit --no-fund');
    expect(runs).to.include('npm run build');
    const copied = of(build, 'COPY').flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    for (const needed of ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'scripts/', 'src/']) expect(copied).to.include(needed);
  });

  it('the runtime stage installs production dependencies only and takes dist/ from the build stage', () => {
    const installs = of(runtime, 'RUN').filter((i) => /\bnpm (ci|install|i)\b/.test(i.args));
    expect(installs).to.have.length(1);
    expect(installs[0]!.args).to.match(/^npm ci --omit=dev\b/);
    expect(of(runtime, 'ENV').map((i) => i.args)).to.include('NODE_ENV=production');
    const copies = of(runtime, 'COPY').map((i) => i.args);
    expect(copies).to.include('--from=build /build/dist/ ./dist/');
    // nothing else from the build stage: its node_modules has the dev dependencies
    expect(copies.filter((args) => args.startsWith('--from='))).to.have.length(1);
  });

  it('runs as a non-root user, set before the entry point', () => {
    const users = of(runtime, 'USER');
    expect(users).to.have.length(1);
    expect(users[0]!.args).to.not.match(/^(root|0)(:|$)/);
    const entry = of(runtime, 'ENTRYPOINT')[0]!;
    expect(users[0]!.line).to.be.lessThan(entry.line);
  });

  it('the entry point runs the packaged CLI, which the package ships', () => {
    const entry = JSON.parse(of(runtime, 'ENTRYPOINT')[0]!.args) as string[];
    expect(entry[0]).to.equal('node');
    const workdir = of(runtime, 'WORKDIR')[0]!.args;
    expect(entry[1]!.startsWith(`${workdir}/`)).to.equal(true);
    const inPackage = entry[1]!.slice(workdir.length + 1);
    expect(Object.values(pkg.bin)).to.include(inPackage);
    expect(pkg.files.some((entryPath) => inPackage.startsWith(entryPath.replace(/\/?$/, '/')) || inPackage === entryPath)).to.equal(true);
    expect(of(runtime, 'COPY').map((i) => i.args)).to.include('bin/ ./bin/');
  });

  it('every file it copies from the context exists and is not excluded by .dockerignore', async () => {
    const ignored = (await readFile(join(REPO, '.dockerignore'), 'utf8')).split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    const excluded = (path: string) => ignored.some((pattern) => (pattern.startsWith('*.') ? path.endsWith(pattern.slice(1)) : path.replace(/\/$/, '').split('/')[0] === pattern));
    for (const stage of stages) {
      for (const copy of of(stage, 'COPY')) {
        if (copy.args.startsWith('--from=')) continue;
        for (const source of copy.args.split(/\s+/).slice(0, -1)) {
          expect(existsSync(join(REPO, source)), source).to.equal(true);
          expect(excluded(source), `${source} is in .dockerignore`).to.equal(false);
        }
      }
    }
    for (const heavy of ['node_modules', 'dist', '.git', 'test']) expect(ignored).to.include(heavy);
  });
});
