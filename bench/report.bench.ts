/**
 * Report generation for a synthetic 1-hour run at 1,000 requests/s in 100 ms buckets
 * (36,000 buckets): time to render each file and its size, against the goals
 * (HTML < 2 s and < 2 MB). Baseline: the same renders for a 1-minute run, measured in this run.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderHtml } from '../src/reporters/html/render-html.ts';
import { renderReports } from '../src/reporters/index.ts';
import { makeResult } from '../test/reporters/fixtures/make-result.ts';

const ROUNDS = 5;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function timeRender(result: ReturnType<typeof makeResult>): { ms: number; bytes: number } {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < ROUNDS; i++) {
    const start = performance.now();
    bytes = Buffer.byteLength(renderHtml(result));
    times.push(performance.now() - start);
  }
  return { ms: median(times), bytes };
}

const short = makeResult();
const long = makeResult({ durationMs: 3_600_000, ratePerSecond: 1000 });
// Warm-up (template compile, JIT) outside the measurement.
for (let i = 0; i < 3; i++) {
  renderHtml(short);
  renderHtml(long);
}

const baseline = timeRender(short);
const hour = timeRender(long);
const dir = await mkdtemp(join(tmpdir(), 'rebound-bench-'));
try {
  const start = performance.now();
  const files = await renderReports(long, dir, ['html', 'json', 'junit', 'markdown']);
  const allMs = performance.now() - start;
  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MB`;
  console.log(`report bench: 1-hour run, 1,000 req/s, 100 ms buckets = ${long.timeline.buckets.length.toLocaleString('en-US')} buckets, ${long.load.total.toLocaleString('en-US')} requests`);
  console.log(`  baseline (1-minute run)  report.html ${baseline.ms.toFixed(1)} ms, ${(baseline.bytes / 1024).toFixed(0)} KB`);
  console.log(`  1-hour run               report.html ${hour.ms.toFixed(1)} ms (median of ${ROUNDS}; ${(hour.ms / baseline.ms).toFixed(1)}× baseline), ${mb(hour.bytes)}`);
  console.log(`  goals                    render ${hour.ms < 2000 ? 'MET' : 'MISSED'} (< 2000 ms), size ${hour.bytes < 2 * 1024 * 1024 ? 'MET' : 'MISSED'} (< 2 MB)`);
  console.log(`  all four files written in ${allMs.toFixed(0)} ms:`);
  for (const file of files) console.log(`    ${file.slice(dir.length + 1).padEnd(12)} ${mb((await stat(file)).size)}`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
