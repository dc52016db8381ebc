/**
 * `rebound run --repeat N`: the experiment N times in a row, each a full run (its own faults
 * applied and reverted, its own reports in `<out>/repeat-K/`), then the verdict across them
 * (src/history/repeat-verdict.ts) in `<out>/repeats.json` and `<out>/repeats.html`.
 *
 * A signal during repeat K: that run reverts and ends as any interrupted run does, no further
 * repeat starts, the combined report says what was done, and the exit code is 130.
 */
import { join } from 'node:path';
import type { Paint } from '../format/paint.ts';
import { combinedRunOf, writeCombinedRun, type RepeatOutcome } from '../history/repeat-report.ts';
import { renderRepeatsHtml } from '../history/render-repeats-html.ts';
import { EXIT, exitCodeFor } from '../result/exit-codes.ts';
import { RunInterruptedBeforeStart, type RunOutcome } from '../runner/run-experiment.ts';

const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export interface RepeatOptions {
  readonly count: number;
  readonly quantile: number;
  readonly baseDir: string;
  readonly experiment: { readonly name: string; readonly file: string };
  /** One full run with its reports in `outDir`. */
  readonly runOnce: (outDir: string) => Promise<RunOutcome>;
  readonly say: (line: string) => void;
  readonly paint: Paint;
  readonly stdout: NodeJS.WritableStream;
}

export async function runRepeats(options: RepeatOptions): Promise<number> {
  const repeats: RepeatOutcome[] = [];
  let stoppedBy: NodeJS.Signals | undefined;
  // While a run goes, its own signal watch aborts it; this one keeps a signal between two runs
  // from killing the process and stops the next repeat from starting.
  const onStop = (signal: NodeJS.Signals) => (stoppedBy ??= signal);
  for (const signal of STOP_SIGNALS) process.on(signal, onStop);
  let failure: unknown;
  let reportError = false;
  try {
    for (let k = 1; k <= options.count && stoppedBy === undefined; k++) {
      const dir = `repeat-${k}`;
      options.say(options.paint('bold', `repeat ${k} of ${options.count}`));
      try {
        const outcome = await options.runOnce(join(options.baseDir, dir));
        repeats.push({ index: k, dir, ...(outcome.result ? { result: outcome.result } : {}) });
        if (outcome.reportError) reportError = true;
        if (outcome.result?.interrupted) stoppedBy ??= 'SIGINT';
      } catch (error) {
        const interrupted = error instanceof RunInterruptedBeforeStart && error.by === 'signal';
        repeats.push({ index: k, dir, note: `${error instanceof Error ? error.message : String(error)}; nothing was measured` });
        if (interrupted) stoppedBy ??= 'SIGINT';
        else failure = error;
        break;
      }
    }
  } finally {
    for (const signal of STOP_SIGNALS) process.off(signal, onStop);
  }
  if (failure !== undefined && repeats.length === 1) throw failure; // nothing ran: the usual error path
  const interrupted = stoppedBy !== undefined;
  const combined = combinedRunOf({ experiment: options.experiment, requested: options.count, quantile: options.quantile, interrupted, repeats, baseDir: options.baseDir });
  let written: string[] = [];
  try {
    written = await writeCombinedRun(combined, options.baseDir, renderRepeatsHtml);
  } catch (error) {
    options.say(`rebound run: could not write the combined report: ${error instanceof Error ? error.message : String(error)}`);
    reportError = true;
  }
  const symbol = (verdict: string) => options.paint(verdict === 'passed' ? 'green' : verdict === 'failed' ? 'red' : 'yellow', verdict.toUpperCase());
  const lines = [
    '',
    `${options.paint('bold', 'Across the repeats:')} ${symbol(combined.verdict)} — ${combined.verdictReason}`,
    ...combined.checks.map((check) => `  ${symbol(check.verdict)}  ${check.name}${check.strict ? '' : ' (advisory)'}: ${check.reason}`),
    ...combined.repeats.filter((r) => r.verdict === undefined || !['passed', 'failed'].includes(r.verdict)).map((r) => `  repeat ${r.index}: ${r.verdict ?? 'no result'} — ${r.verdictReason ?? r.note ?? ''}`),
    ...written.map((path) => `Repeats: ${path}`),
    '',
  ];
  options.stdout.write(lines.join('\n'));
  if (interrupted) return EXIT.interrupted;
  if (failure !== undefined || reportError) return EXIT.error;
  return exitCodeFor(combined.verdict);
}
