/**
 * What `rebound run --repeat N` writes next to its `repeat-K/` directories: repeats.json (each
 * repeat's verdict and key values, and the verdict across them) and repeats.html (the same as a
 * self-contained page, linking each repeat's own report). Written atomically, after the last
 * repeat that ran.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Result, Verdict } from '../result/result.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';
import { primaryKey } from './index-entry.ts';
import { combineRepeats, type CombinedCheck, type RepeatRecord } from './repeat-verdict.ts';

export const REPEATS_JSON = 'repeats.json';
export const REPEATS_HTML = 'repeats.html';

export interface RepeatSummary {
  readonly index: number;
  /** Relative to the directory of repeats.json. */
  readonly dir: string;
  readonly result?: string;
  readonly report?: string;
  readonly verdict?: Verdict;
  readonly verdictReason?: string;
  readonly interrupted?: boolean;
  readonly note?: string;
  readonly checks: readonly { readonly name: string; readonly verdict: string; readonly key?: string; readonly value?: number | null }[];
}

export interface CombinedRun {
  readonly kind: 'rebound-repeats';
  readonly version: 1;
  readonly experiment: { readonly name: string; readonly file: string };
  readonly requested: number;
  readonly quantile: number;
  /** True when a signal stopped the repeats: `repeats` holds what was done. */
  readonly interrupted: boolean;
  readonly verdict: Verdict;
  readonly verdictReason: string;
  readonly checks: readonly CombinedCheck[];
  readonly repeats: readonly RepeatSummary[];
}

export interface RepeatOutcome extends RepeatRecord {
  readonly dir: string;
  /** Why a repeat has no result (it stopped before load started). */
  readonly note?: string;
}

function summarize(repeat: RepeatOutcome, baseDir: string): RepeatSummary {
  const result = repeat.result;
  const has = (file: string) => existsSync(join(baseDir, repeat.dir, file));
  return {
    index: repeat.index,
    dir: repeat.dir,
    ...(has('result.json') ? { result: `${repeat.dir}/result.json` } : {}),
    ...(has('report.html') ? { report: `${repeat.dir}/report.html` } : {}),
    ...(result ? { verdict: result.verdict, verdictReason: result.verdictReason, interrupted: result.interrupted } : {}),
    ...(repeat.note ? { note: repeat.note } : {}),
    checks: (result?.checks ?? []).map((check) => {
      const key = primaryKey(check.observed);
      const value = key !== undefined ? check.observed[key] : undefined;
      return { name: check.name, verdict: check.verdict, ...(key !== undefined && (typeof value === 'number' || value === null) ? { key, value } : {}) };
    }),
  };
}

export function combinedRunOf(options: {
  readonly experiment: { readonly name: string; readonly file: string };
  readonly requested: number;
  readonly quantile: number;
  readonly interrupted: boolean;
  readonly repeats: readonly RepeatOutcome[];
  readonly baseDir: string;
}): CombinedRun {
  const combined = combineRepeats(options.repeats, options.quantile);
  const stopped = options.interrupted ? `interrupted after ${options.repeats.length} of ${options.requested} repeats; ` : '';
  return {
    kind: 'rebound-repeats',
    version: 1,
    experiment: options.experiment,
    requested: options.requested,
    quantile: options.quantile,
    interrupted: options.interrupted,
    verdict: combined.verdict,
    verdictReason: `${stopped}${combined.reason}`,
    checks: combined.checks,
    repeats: options.repeats.map((repeat) => summarize(repeat, options.baseDir)),
  };
}

/** Writes repeats.json and repeats.html into `baseDir`; returns their paths. */
export async function writeCombinedRun(combined: CombinedRun, baseDir: string, render: (combined: CombinedRun) => string): Promise<string[]> {
  const json = join(baseDir, REPEATS_JSON);
  const html = join(baseDir, REPEATS_HTML);
  await writeFileAtomic(json, `${JSON.stringify(combined, null, 2)}\n`);
  await writeFileAtomic(html, render(combined));
  return [json, html];
}

export type { Result };
