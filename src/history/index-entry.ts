/**
 * One line of an experiment's results index (`<history>/<experiment>/index.jsonl`): when a run
 * started, its verdict, the commit it ran against, each check's verdict and key observed values,
 * and where its result.json is (relative to the index). Small on purpose: the index is read from
 * its tail, and the same entries are echoed (bounded) in a result's `history` for the trend panel.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { CheckResult, Result } from '../result/result.ts';
import { CHECK_VERDICTS, VERDICTS } from '../result/result.ts';

export const INDEX_ENTRY_VERSION = 1;
/** Checks kept per entry, and numeric observed values kept per check. */
export const MAX_INDEX_CHECKS = 64;
export const MAX_VALUES_PER_CHECK = 8;
const MAX_TEXT = 200;
/** Previous runs a result carries for the trend panel. */
export const MAX_HISTORY_ENTRIES = 20;

const Text = Type.String({ maxLength: MAX_TEXT });

export const IndexCheckSchema = Type.Object({
  name: Text,
  kind: Text,
  strict: Type.Boolean(),
  verdict: Type.Union(CHECK_VERDICTS.map((verdict) => Type.Literal(verdict))),
  /** The observed value the check judged (`ratio`, `recoveryMs`, `latencyMs`, …), when it has one. */
  primary: Type.Optional(Text),
  values: Type.Record(Type.String({ maxLength: MAX_TEXT }), Type.Union([Type.Number(), Type.Null()]), { maxProperties: MAX_VALUES_PER_CHECK }),
});

export const IndexEntrySchema = Type.Object({
  v: Type.Literal(INDEX_ENTRY_VERSION),
  startedAt: Text,
  verdict: Type.Union(VERDICTS.map((verdict) => Type.Literal(verdict))),
  interrupted: Type.Boolean(),
  durationMs: Type.Number({ minimum: 0 }),
  commit: Type.Optional(Text),
  ref: Type.Optional(Text),
  /** result.json, relative to the index's directory, with `/` separators. */
  result: Text,
  checks: Type.Array(IndexCheckSchema, { maxItems: MAX_INDEX_CHECKS }),
});

export type IndexCheck = Static<typeof IndexCheckSchema>;
export type IndexEntry = Static<typeof IndexEntrySchema>;

const clip = (text: string) => (text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text);

/** The observed value a check is judged on: `ratio`, else the first `…Ms` value that is not the resolution. */
export function primaryKey(observed: CheckResult['observed']): string | undefined {
  if ('ratio' in observed) return 'ratio';
  return Object.keys(observed).find((key) => key.endsWith('Ms') && key !== 'resolutionMs' && (typeof observed[key] === 'number' || observed[key] === null));
}

function indexCheck(check: CheckResult): IndexCheck {
  const primary = primaryKey(check.observed);
  const numeric = Object.entries(check.observed).filter((entry): entry is [string, number | null] => typeof entry[1] === 'number' || entry[1] === null);
  // The primary value first, so that it survives the cap.
  numeric.sort(([a], [b]) => Number(b === primary) - Number(a === primary));
  return {
    name: clip(check.name),
    kind: clip(check.kind),
    strict: check.strict,
    verdict: check.verdict,
    ...(primary !== undefined ? { primary: clip(primary) } : {}),
    values: Object.fromEntries(numeric.slice(0, MAX_VALUES_PER_CHECK).map(([key, value]) => [clip(key), value])),
  };
}

export interface Revision {
  readonly commit?: string;
  readonly ref?: string;
}

export function indexEntryOf(result: Result, resultPath: string, revision: Revision = {}): IndexEntry {
  return {
    v: INDEX_ENTRY_VERSION,
    startedAt: clip(result.startedAt),
    verdict: result.verdict,
    interrupted: result.interrupted,
    durationMs: result.durationMs,
    ...(revision.commit ? { commit: clip(revision.commit) } : {}),
    ...(revision.ref ? { ref: clip(revision.ref) } : {}),
    result: clip(resultPath),
    checks: result.checks.slice(0, MAX_INDEX_CHECKS).map(indexCheck),
  };
}
