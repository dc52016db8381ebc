import type { Random } from './random.ts';
import { durationMs } from './duration.ts';
import { randomInt } from './random.ts';

/**
 * VirtualService `http[].fault`, as Envoy's fault filter runs it in the client's sidecar:
 * percentages become parts per million (value·10000, truncated); an absent percentage means
 * never; the delay is rolled first and the abort independently after it.
 */
export interface FaultSettings {
  readonly delay?: { readonly ms: number; readonly perMillion: number };
  readonly abort?: { readonly status: number; readonly perMillion: number };
}

export interface FaultDecision {
  readonly delayMs: number;
  readonly abortStatus?: number;
}

export const ABORT_BODY = 'fault filter abort';

function perMillion(spec: any): number {
  const value = spec?.percentage?.value;
  if (typeof value === 'number') return Math.floor(value * 10_000);
  // the deprecated integer `percent` counts only when `percentage` is absent
  if (typeof spec?.percent === 'number') return Math.floor(spec.percent * 10_000);
  return 0;
}

export function faultSettingsOf(fault: any): FaultSettings | undefined {
  if (!fault || typeof fault !== 'object') return undefined;
  const delayMs = durationMs(fault.delay?.fixedDelay);
  const out: { delay?: FaultSettings['delay']; abort?: FaultSettings['abort'] } = {};
  if (fault.delay && delayMs !== undefined) out.delay = { ms: delayMs, perMillion: perMillion(fault.delay) };
  if (fault.abort && typeof fault.abort.httpStatus === 'number') out.abort = { status: fault.abort.httpStatus, perMillion: perMillion(fault.abort) };
  return out.delay || out.abort ? out : undefined;
}

function rolls(perMillionValue: number, random: Random): boolean {
  return perMillionValue > 0 && randomInt(random, 1_000_000) < perMillionValue;
}

const NO_FAULT: FaultDecision = { delayMs: 0 };

/** Rolls the delay first and the abort after it, independently (Envoy's order). */
export function decideFault(settings: FaultSettings | undefined, random: Random): FaultDecision {
  if (!settings) return NO_FAULT;
  const delayMs = settings.delay && rolls(settings.delay.perMillion, random) ? settings.delay.ms : 0;
  const aborted = settings.abort && rolls(settings.abort.perMillion, random);
  if (aborted) return { delayMs, abortStatus: settings.abort!.status };
  return delayMs === 0 ? NO_FAULT : { delayMs };
}
