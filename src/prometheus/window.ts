/** Where a Prometheus check looks (wall-clock window of a phase) and the honest wait for its data to be scraped. */
import type { Scope } from '../experiment/resolved.ts';
import type { PhaseResult } from '../result/result.ts';
import { scopeBounds } from '../checks/scope.ts';
import { delay } from './server.ts';
import type { QueryWindow } from './variables.ts';

/** After the window's end: one scrape interval (its last samples are taken) plus this margin (ingestion, evaluation). */
export const EVALUATION_MARGIN_MS = 1000;
/** However long the scrape interval, a check never waits longer than this. */
export const MAX_SCRAPE_WAIT_MS = 5 * 60_000;

export function queryWindow(
  scope: Scope,
  context: { readonly phases: readonly PhaseResult[]; readonly runStartEpochMs: number; readonly timeline: { readonly bucketMs: number } },
  scrapeIntervalMs: number,
  namespace: string,
): (QueryWindow & { readonly fromMs: number; readonly toMs: number }) | undefined {
  const bounds = scopeBounds(scope, context.phases, context.timeline.bucketMs);
  if (!bounds || bounds.fromMs >= bounds.toMs) return undefined;
  const epoch = context.runStartEpochMs;
  return {
    fromMs: bounds.fromMs,
    toMs: bounds.toMs,
    startMs: epoch + bounds.fromMs,
    endMs: epoch + bounds.toMs,
    phaseStartMs: epoch + bounds.phase.startMs,
    phaseEndMs: epoch + bounds.phase.endMs,
    scrapeIntervalMs,
    namespace,
  };
}

/**
 * Waits (bounded, abortable) until the window's data has been scraped: one scrape interval plus
 * EVALUATION_MARGIN_MS after its end. Returns how long it waited, or undefined when interrupted.
 */
export async function waitForScrape(windowEndMs: number, scrapeIntervalMs: number, signal: AbortSignal, now: () => number = Date.now): Promise<number | undefined> {
  const waitMs = Math.min(MAX_SCRAPE_WAIT_MS, Math.max(0, windowEndMs + scrapeIntervalMs + EVALUATION_MARGIN_MS - now()));
  await delay(waitMs, signal);
  return signal.aborted ? undefined : waitMs;
}
