/**
 * mocha helper: an experiment as a `describe` block. The experiment runs once, in a `before`
 * hook whose timeout comes from the experiment's own deadline; its Result is on the handle for
 * the `it`s (with the chai plugin, an SLO is an `expect`). Everything is reverted on every path:
 * the run reverts before it resolves; an `after` hook aborts a run still going (a `before` that
 * timed out) and waits for its reverts; SIGINT / SIGTERM / SIGHUP while it runs (mocha's Ctrl-C
 * reaches the test process as SIGINT then SIGTERM) abort the run, and once its faults are
 * reverted the signal is raised again so the process ends as it would have.
 *
 * mocha is a peer: this module uses the `before` / `after` globals of the mocha it runs in.
 */
import { resolveExperimentInput } from '../api/experiment-input.ts';
import type { Experiment } from '../api/experiment-types.ts';
import { runExperiment, type RunOptions } from '../api/run.ts';
import type { Result } from '../result/result.ts';

export type ExperimentSuiteOptions = Omit<RunOptions, 'handleSignals'>;

export interface ExperimentHandle {
  /** The run's Result; set by the `before` hook (reading it earlier, or after the run failed, throws). */
  readonly result: Result;
  /** True once the run resolved to a Result. */
  readonly done: boolean;
}

/** Room for what a run does besides its deadline: the drain after an abort, reverts, closing the target, the reports. */
export const TEARDOWN_MARGIN_MS = 30_000;
/** The `after` hook's bound on waiting for a run it aborted. */
const AFTER_TIMEOUT_MS = 60_000;
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function mochaHooks(): { before: Mocha.HookFunction; after: Mocha.HookFunction } {
  const scope = globalThis as { before?: Mocha.HookFunction; after?: Mocha.HookFunction };
  if (typeof scope.before !== 'function' || typeof scope.after !== 'function') {
    throw new Error('useExperiment / describeExperiment run inside a mocha suite (mocha’s before/after are not defined here)');
  }
  return { before: scope.before, after: scope.after };
}

/**
 * Registers, in the current `describe`, a `before` hook that runs the experiment once and an
 * `after` hook that makes sure it is over and reverted. Returns the handle the `it`s read.
 */
export function useExperiment(experimentOrFile: string | Experiment, options: ExperimentSuiteOptions = {}): ExperimentHandle {
  const { before, after } = mochaHooks();
  const controller = new AbortController();
  let result: Result | undefined;
  let failure: unknown;
  let running: Promise<Result> | undefined;

  before(async function () {
    const inherited = this.timeout();
    const { experiment } = await resolveExperimentInput(experimentOrFile, { ...(options.cwd ? { cwd: options.cwd } : {}), ...(options.env ? { env: options.env } : {}) });
    // The run's own deadline (guardrails.maxDuration; by default its phases + 60 s) bounds it.
    if (inherited !== 0) this.timeout(experiment.guardrails.maxRunMs + TEARDOWN_MARGIN_MS);
    const signal = options.signal ? AbortSignal.any([options.signal, controller.signal]) : controller.signal;
    const interruption = interruptOnSignals(controller);
    try {
      running = runExperiment(experimentOrFile, { ...options, signal, handleSignals: false });
      result = await running;
    } catch (error) {
      failure = error;
      throw error;
    } finally {
      interruption.stop();
      running = undefined;
    }
  });

  after(async function () {
    if (!running) return;
    if (this.timeout() !== 0) this.timeout(AFTER_TIMEOUT_MS);
    controller.abort(new Error('the suite ended before the experiment did'));
    await running.catch(() => undefined);
  });

  return {
    get result(): Result {
      if (result) return result;
      if (failure !== undefined) throw new Error(`the experiment did not produce a result: ${failure instanceof Error ? failure.message : String(failure)}`);
      throw new Error('the experiment has not run yet: read handle.result in an it() or a later hook of the same describe');
    },
    get done(): boolean {
      return result !== undefined;
    },
  };
}

/** `describe(title, …)` whose body gets the handle of the experiment that runs once before its tests. */
export function describeExperiment(title: string, experimentOrFile: string | Experiment, options: ExperimentSuiteOptions, body: (experiment: ExperimentHandle) => void): Mocha.Suite {
  const scope = globalThis as { describe?: Mocha.SuiteFunction };
  if (typeof scope.describe !== 'function') throw new Error('describeExperiment runs inside mocha (describe is not defined here)');
  return scope.describe(title, function () {
    body(useExperiment(experimentOrFile, options));
  });
}

/**
 * While a run goes, the process's termination signals abort it instead of ending the process.
 * `stop()` (once the run has reverted everything) removes the listeners and, if a signal came,
 * raises it again: the process ends by it, as it would have without the run.
 */
function interruptOnSignals(controller: AbortController): { stop(): void } {
  let caught: NodeJS.Signals | undefined;
  const listener = (signal: NodeJS.Signals) => {
    if (caught) return;
    caught = signal;
    controller.abort(new Error(`interrupted by ${signal}`));
  };
  for (const signal of SIGNALS) process.on(signal, listener);
  return {
    stop() {
      for (const signal of SIGNALS) process.off(signal, listener);
      if (caught) process.kill(process.pid, caught);
    },
  };
}

export type { Result } from '../result/result.ts';
