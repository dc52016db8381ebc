import { readFile } from 'node:fs/promises';

/** metric → threshold expression → passed? */
export type K6Thresholds = Record<string, Record<string, { ok: boolean }>>;

/**
 * Threshold results from `--summary-export` (k6's legacy summary JSON). Beware its
 * inversion, documented in grafana/k6#1498: the boolean is true when the threshold FAILED.
 * Returns undefined when k6 wrote no summary (killed, crashed).
 */
export async function readThresholds(summaryFile: string): Promise<K6Thresholds | undefined> {
  let text: string;
  try {
    text = await readFile(summaryFile, 'utf8');
  } catch {
    return undefined;
  }
  return parseSummaryThresholds(text);
}

export function parseSummaryThresholds(text: string): K6Thresholds | undefined {
  let summary: unknown;
  try {
    summary = JSON.parse(text);
  } catch {
    return undefined;
  }
  const metrics = (summary as { metrics?: Record<string, { thresholds?: Record<string, unknown> }> } | null)?.metrics;
  if (!metrics || typeof metrics !== 'object') return undefined;
  const out: K6Thresholds = {};
  for (const [metric, data] of Object.entries(metrics)) {
    const thresholds = data?.thresholds;
    if (!thresholds || typeof thresholds !== 'object') continue;
    const results: Record<string, { ok: boolean }> = {};
    for (const [expression, failed] of Object.entries(thresholds)) {
      const flag = typeof failed === 'object' && failed !== null ? (failed as { ok?: unknown }).ok === false : failed === true;
      results[expression] = { ok: !flag };
    }
    out[metric] = results;
  }
  return out;
}
