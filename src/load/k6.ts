import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { InfraError } from '../errors.ts';
import type { ResolvedLoad } from '../experiment/resolved.ts';
import type { LoadDriver, LoadRunOptions, LoadSummary } from './load-driver.ts';
import { interpretK6Exit, type K6ExitOutcome } from './k6/exit-codes.ts';
import { FileTail } from './k6/file-tail.ts';
import { findK6 } from './k6/locate.ts';
import { K6OutputParser } from './k6/output-parser.ts';
import { K6Process } from './k6/process.ts';
import { K6SampleAssembler } from './k6/sample-assembler.ts';
import { generateK6Script } from './k6/script.ts';
import { type K6Thresholds, readThresholds } from './k6/thresholds.ts';
import { statusRule } from './k6/status-rule.ts';
import { k6RunArgs } from './k6/run-args.ts';

export { findK6 } from './k6/locate.ts';
export type { K6Location } from './k6/locate.ts';

/** What the k6 driver puts in LoadSummary.extra.k6. */
export interface K6SummaryExtra {
  readonly exitCode: number | null;
  readonly outcome: K6ExitOutcome;
  /** Who stopped k6 early, if anyone: the run's abort signal, or the planned deadline. */
  readonly stoppedBy?: 'abort' | 'deadline';
  /** k6's own thresholds (a user's script); absent when k6 wrote no summary. */
  readonly thresholds?: K6Thresholds;
  readonly thresholdsFailed: boolean;
  readonly script: 'generated' | string;
  readonly binary: string;
  readonly lines: number;
}

/** Extra time k6 gets to start (VU init) before the planned deadline stops it. */
const STARTUP_ALLOWANCE_MS = 10_000;
/** After SIGINT, how long k6 may take to flush and exit before SIGKILL, beyond the drain. */
const STOP_GRACE_MS = 3_000;

/**
 * Load driver that runs k6: a script generated from the load spec, or the user's own
 * (load.k6.script), with `--out json` followed while it runs (see k6/sample-assembler.ts for
 * how points become samples and how they are attributed to phases).
 */
export class K6LoadDriver implements LoadDriver {
  readonly name = 'k6';
  private located: { path: string; version: string } | undefined;

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  async preflight(load: ResolvedLoad): Promise<void> {
    await this.locate(load);
    const script = load.k6?.script;
    if (script !== undefined) {
      const isFile = await stat(script).then((s) => s.isFile(), () => false);
      if (!isFile) throw new InfraError(`k6 script not found: ${script}`, 'load.k6.script must name an existing file');
    }
  }

  async run(load: ResolvedLoad, options: LoadRunOptions): Promise<LoadSummary> {
    const k6 = await this.locate(load);
    const workDir = await mkdtemp(path.join(os.tmpdir(), 'rebound-k6-'));
    try {
      return await this.runIn(workDir, k6, load, options);
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  }

  private async runIn(workDir: string, k6: { path: string; version: string }, load: ResolvedLoad, options: LoadRunOptions): Promise<LoadSummary> {
    const userScript = load.k6?.script;
    const script = userScript ?? path.join(workDir, 'rebound-load.js');
    if (userScript === undefined) {
      await writeFile(script, generateK6Script(load, { durationMs: options.durationMs, drainMs: options.drainMs }));
    }
    const pointsFile = path.join(workDir, 'points.json');
    const summaryFile = path.join(workDir, 'summary.json');
    await writeFile(pointsFile, '');

    // k6 stamps points with its wall clock; map it onto the run clock once, at spawn.
    const epochAtRunZero = Date.now() - options.now();
    const assembler = new K6SampleAssembler({
      statusOk: statusRule(load.success.statuses),
      toRunMs: (epochMs) => epochMs - epochAtRunZero,
      onSample: options.onSample,
      awaitResponse: userScript === undefined && (load.servedByHeader !== undefined || load.success.header !== undefined || load.success.bodyPattern !== undefined),
    });
    const parser = new K6OutputParser(assembler);
    const tail = new FileTail(pointsFile, (chunk) => parser.write(chunk));
    await tail.start();

    const child = new K6Process(k6.path, k6RunArgs({ script, pointsFile, summaryFile }), path.dirname(script));
    let stoppedBy: 'abort' | 'deadline' | undefined;
    const stop = (why: 'abort' | 'deadline') => {
      if (stoppedBy !== undefined) return;
      stoppedBy = why;
      child.stop(options.drainMs + STOP_GRACE_MS);
    };
    const onAbort = () => stop('abort');
    if (options.signal.aborted) onAbort();
    else options.signal.addEventListener('abort', onAbort, { once: true });
    // A generated script ends on its own at duration + drain; a user's script is stopped at
    // the planned duration (scheduling stops there, as for the built-in driver).
    const deadlineMs = userScript === undefined ? options.durationMs + options.drainMs + STARTUP_ALLOWANCE_MS : options.durationMs;
    const deadline = setTimeout(() => stop('deadline'), Math.max(0, deadlineMs - options.now()));

    let exit;
    try {
      exit = await child.exited;
    } catch (error) {
      await tail.stop().catch(() => undefined);
      throw error;
    } finally {
      clearTimeout(deadline);
      options.signal.removeEventListener('abort', onAbort);
    }
    await tail.stop();
    parser.end();

    const outcome = interpretK6Exit(exit.code, exit.signal, child.stoppedByUs, exit.stderr || exit.stdout);
    const thresholds = await readThresholds(summaryFile);
    const extra: K6SummaryExtra = {
      exitCode: exit.code,
      outcome,
      ...(stoppedBy !== undefined ? { stoppedBy } : {}),
      ...(thresholds !== undefined ? { thresholds } : {}),
      thresholdsFailed: outcome === 'thresholds-failed',
      script: userScript ?? 'generated',
      binary: k6.path,
      lines: parser.lines,
    };
    return {
      driver: 'k6',
      version: k6.version,
      scheduled: assembler.requests + assembler.dropped,
      dropped: assembler.dropped,
      extra: { k6: extra },
    };
  }

  private async locate(load: ResolvedLoad): Promise<{ path: string; version: string }> {
    if (this.located) return this.located;
    const found = await findK6(load.k6?.binary, this.env);
    if ('notFound' in found) {
      throw new InfraError(`k6 not found (looked in ${found.notFound.join(', ')}); install k6 or set load.driver: builtin`, 'https://grafana.com/docs/k6/latest/set-up/install-k6/');
    }
    this.located = found;
    return found;
  }
}
