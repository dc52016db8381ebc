/** Fans every hook out to every reporter, awaits them all, and never swallows a failure. */
import type { ResolvedExperiment } from '../experiment/resolved.ts';
import type { Result } from '../result/result.ts';
import type { RunEvent } from '../timeline/events.ts';
import type { Reporter } from './reporter.ts';

/** One or more reporters failed; `reporters` names them, `written` lists what the others wrote. */
export class ReportersFailedError extends AggregateError {
  override readonly name = 'ReportersFailedError';
  constructor(
    readonly hook: string,
    readonly reporters: readonly string[],
    errors: readonly unknown[],
    readonly written: readonly string[] = [],
  ) {
    super(errors, `reporter${reporters.length === 1 ? '' : 's'} failed in ${hook}: ${reporters.map((name, i) => `${name}: ${messageOf(errors[i])}`).join('; ')}`);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Starts the hook on every reporter in order (synchronously), then awaits all of them. */
function start<T>(reporters: readonly Reporter[], call: (r: Reporter) => T | Promise<T> | undefined): Promise<PromiseSettledResult<T | undefined>[]> {
  return Promise.allSettled(
    reporters.map((reporter) => {
      try {
        return Promise.resolve(call(reporter));
      } catch (error) {
        return Promise.reject(error);
      }
    }),
  );
}

function failures(reporters: readonly Reporter[], settled: readonly PromiseSettledResult<unknown>[]): { names: string[]; errors: unknown[] } {
  const names: string[] = [];
  const errors: unknown[] = [];
  settled.forEach((outcome, i) => {
    if (outcome.status === 'rejected') {
      names.push(reporters[i]!.name);
      errors.push(outcome.reason);
    }
  });
  return { names, errors };
}

export function multiplexReporters(reporters: readonly Reporter[]): Reporter {
  const list = [...reporters];
  return {
    name: `multiplex(${list.map((r) => r.name).join(', ')})`,
    async onRunStart(experiment: ResolvedExperiment) {
      const settled = await start(list, (r) => r.onRunStart?.(experiment));
      const failed = failures(list, settled);
      if (failed.names.length > 0) throw new ReportersFailedError('onRunStart', failed.names, failed.errors);
    },
    onEvent(event: RunEvent) {
      const names: string[] = [];
      const errors: unknown[] = [];
      for (const reporter of list) {
        try {
          reporter.onEvent?.(event);
        } catch (error) {
          names.push(reporter.name);
          errors.push(error);
        }
      }
      if (names.length > 0) throw new ReportersFailedError('onEvent', names, errors);
    },
    async onRunEnd(result: Result, outDir: string) {
      const settled = await start(list, (r) => r.onRunEnd?.(result, outDir));
      const written = settled.flatMap((outcome) => (outcome.status === 'fulfilled' ? [...(outcome.value ?? [])] : []));
      const failed = failures(list, settled);
      if (failed.names.length > 0) throw new ReportersFailedError('onRunEnd', failed.names, failed.errors, written);
      return written;
    },
  };
}
