/**
 * A run, as named steps (run-steps.ts). Each step registers its teardown on one LIFO stack
 * before it sets anything up, so that on every path — success, failed SLO, guardrail abort,
 * SIGINT/SIGTERM, a throw from any step — faults are reverted, load stopped, watches stopped,
 * the target closed and the journal settled, in reverse order. Problems before load starts throw
 * (typed errors, nothing injected); from the moment load starts, everything ends in a Result.
 */
import { RunState, type RunExperimentOptions, type RunOutcome } from './run-state.ts';
import {
  buildRunResult,
  connectAnnotations,
  drainLoad,
  evaluateRunChecks,
  exitCodeOf,
  judgeHarness,
  openRunTarget,
  planOnly,
  planText,
  runPhases,
  runPreflight,
  startLoad,
  sweepEarlierRun,
  watchPods,
  writeReports,
} from './run-steps.ts';

export type { LiveProgress, RunExperimentOptions, RunObserver, RunOutcome, StepEvent } from './run-state.ts';
export { RunInterruptedBeforeStart } from './run-steps.ts';

export async function runExperiment(options: RunExperimentOptions): Promise<RunOutcome> {
  if (options.dryRun) return planExperiment(options);
  const run = new RunState(options);
  try {
    await run.step('sweep journal', sweepEarlierRun);
    await run.step('open target', openRunTarget);
    await run.step('preflight', runPreflight);
    await run.step('connect annotations', connectAnnotations);
    const underLoad = run.teardowns.mark();
    try {
      await run.step('watch pods', watchPods);
      await run.step('start load', startLoad);
      await run.step('run phases', runPhases);
      await run.step('drain', drainLoad);
    } catch (error) {
      if (!run.loadStarted) throw error;
      run.fail('harness', error);
    } finally {
      // Reverts faults, stops the ticker, the load and the watches.
      await run.teardowns.unwind(underLoad);
    }
    await run.step('evaluate checks', evaluateRunChecks);
    await run.step('judge harness', judgeHarness);
    await run.step('build result', buildRunResult);
  } catch (error) {
    if (!run.loadStarted) throw error;
    run.fail('harness', error);
    await buildRunResult(run);
  } finally {
    // Stops the pod-process recorder, closes the target, settles the journal.
    await run.teardowns.unwind();
    run.dispose();
  }
  try {
    await run.step('write reports', writeReports);
  } catch (error) {
    run.reportError ??= `writing reports failed: ${error instanceof Error ? error.message : String(error)}`;
  }
  return {
    plan: run.plan!,
    planText: planText(run),
    result: run.result!,
    exitCode: exitCodeOf(run),
    files: run.files,
    ...(run.reportError ? { reportError: run.reportError } : {}),
    ...(run.sweep ? { sweep: run.sweep } : {}),
  };
}

/** --dry-run: what each fault would touch; nothing is journaled, created or injected. */
async function planExperiment(options: RunExperimentOptions): Promise<RunOutcome> {
  const run = new RunState(options);
  try {
    await run.step('plan', planOnly);
  } finally {
    await run.teardowns.unwind();
    run.dispose();
  }
  return { plan: run.plan!, planText: planText(run), exitCode: 0, files: [] };
}
