/**
 * Prints run progress (notable events) and the final summary to the terminal. The summary
 * lists what the file reporters wrote, so it waits for them: createReporters() registers
 * each file reporter's onRunEnd with a WrittenReports tracker, and the console reporter
 * (placed last, so its onRunEnd starts after theirs) awaits what was tracked.
 */
import type { ResolvedExperiment } from '../../experiment/resolved.ts';
import type { Reporter } from '../reporter.ts';
import { formatDuration } from '../../format/duration.ts';
import { painter } from '../../format/paint.ts';
import { renderConsoleSummary, renderProgressLine, terminalSafe, type WrittenReport } from './render-console.ts';

export class WrittenReports {
  private pending: { readonly label: string; readonly done: Promise<readonly string[]> }[] = [];

  /** Wraps a file reporter so that its writes are tracked under `label`. */
  track(reporter: Reporter): Reporter {
    const onRunEnd = reporter.onRunEnd?.bind(reporter);
    if (!onRunEnd) return reporter;
    return {
      ...reporter,
      name: reporter.name,
      onRunEnd: (result, outDir) => {
        let done: Promise<readonly string[]>;
        try {
          done = Promise.resolve(onRunEnd(result, outDir));
        } catch (error) {
          done = Promise.reject(error);
        }
        this.pending.push({ label: reporter.name, done });
        return done;
      },
    };
  }

  /** What the tracked reporters wrote (failed ones are reported by the multiplexer, not here). */
  async settle(): Promise<{ written: WrittenReport[]; failed: { label: string; message: string }[] }> {
    const pending = this.pending;
    this.pending = [];
    const settled = await Promise.allSettled(pending.map((p) => p.done));
    const written: WrittenReport[] = [];
    const failed: { label: string; message: string }[] = [];
    settled.forEach((outcome, i) => {
      const label = pending[i]!.label;
      if (outcome.status === 'fulfilled') for (const path of outcome.value) written.push({ label, path });
      else failed.push({ label, message: outcome.reason instanceof Error ? outcome.reason.message : String(outcome.reason) });
    });
    return { written, failed };
  }
}

export interface ConsoleReporterOptions {
  readonly stdout: NodeJS.WritableStream;
  readonly color: boolean;
  readonly isTTY: boolean;
  readonly tracker?: WrittenReports;
}

export function consoleReporter(options: ConsoleReporterOptions): Reporter {
  const out = options.stdout;
  const paint = painter(options.color);
  let readyAtStart: { atMs: number; count: number } | undefined;
  return {
    name: 'console',
    onRunStart(experiment: ResolvedExperiment) {
      const planned = experiment.phases.reduce((sum, phase) => sum + phase.durationMs, 0);
      out.write(`${paint('bold', `Rebound: ${terminalSafe(experiment.name)}`)} ${paint('dim', `${experiment.phases.length} phase${experiment.phases.length === 1 ? '' : 's'}, ${formatDuration(planned)} planned, ${experiment.checks.length} checks`)}\n`);
    },
    onEvent(event) {
      // Pods already Ready when the watch starts are a baseline, not news: one line for all of them.
      if (event.kind === 'pod-ready' && event.data?.initial === true) {
        readyAtStart = { atMs: readyAtStart?.atMs ?? event.atMs, count: (readyAtStart?.count ?? 0) + 1 };
        return;
      }
      const line = renderProgressLine(event, options.color);
      if (!line) return;
      if (readyAtStart) {
        const { atMs, count } = readyAtStart;
        readyAtStart = undefined;
        out.write(renderProgressLine({ kind: 'pod-ready', atMs, at: event.at, message: `${count} pod${count === 1 ? '' : 's'} Ready at start` }, options.color) ?? '');
      }
      out.write(line);
    },
    async onRunEnd(result) {
      const { written, failed } = options.tracker ? await options.tracker.settle() : { written: [], failed: [] };
      const failures = failed.map((f) => `  ${paint('red', `✘ ${f.label} report failed: ${terminalSafe(f.message)}`)}\n`).join('');
      out.write(failures + renderConsoleSummary(result, written, options.color));
      return [];
    },
  };
}
