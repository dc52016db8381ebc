import { expect } from 'chai';
import { downsampleBuckets, servedByGroups } from '../../src/reporters/html/chart-data.ts';
import { formatTimeTick, linePath, linearScale, logScale, logTicks, niceCeiling, niceTicks, timeTicks } from '../../src/reporters/html/scales.ts';
import { formatCheckRecord } from '../../src/reporters/check-summary.ts';
import { formatFailures } from '../../src/reporters/format.ts';
import type { CheckResult } from '../../src/result/result.ts';
import type { BucketSnapshot } from '../../src/timeline/timeline.ts';
import { makeResult } from './fixtures/make-result.ts';

function sum(buckets: readonly { total: number; successes: number }[]) {
  return buckets.reduce((acc, b) => ({ total: acc.total + b.total, successes: acc.successes + b.successes }), { total: 0, successes: 0 });
}

describe('reporters: chart data', () => {
  it('keeps one point per bucket when the run is short', () => {
    const result = makeResult();
    const series = downsampleBuckets(result.timeline.buckets, 100);
    expect(series.bucketsPerPoint).to.equal(1);
    expect(series.points).to.have.length(result.timeline.buckets.length);
    expect(series.points[3]!.startMs).to.equal(300);
    expect(series.points[3]!.endMs).to.equal(400);
  });

  it('downsamples a 1-hour run to at most 1,200 points with exact totals, successes and served-by', () => {
    const result = makeResult({ durationMs: 3_600_000, ratePerSecond: 1000 });
    const buckets = result.timeline.buckets;
    expect(buckets).to.have.length(36_000);
    const series = downsampleBuckets(buckets, 100, 1200);
    expect(series.points.length).to.be.at.most(1200);
    expect(series.bucketsPerPoint).to.equal(30);
    expect(series.pointMs).to.equal(3000);
    expect(sum(series.points)).to.deep.equal(sum(buckets));
    const served = (list: readonly { servedBy: Readonly<Record<string, number>> }[]) => {
      const out: Record<string, number> = {};
      for (const item of list) for (const [k, v] of Object.entries(item.servedBy)) out[k] = (out[k] ?? 0) + v;
      return out;
    };
    expect(served(series.points)).to.deep.equal(served(buckets));
    for (const point of series.points) expect(point.failures).to.equal(point.total - point.successes);
  });

  it('merges latency as the upper envelope and treats missing buckets as empty', () => {
    const lat = (p99: number) => ({ p50: p99 / 4, p90: p99 / 2, p95: p99 / 1.5, p99, max: p99 * 2, mean: p99 / 3 });
    const buckets: BucketSnapshot[] = [
      { index: 0, total: 10, successes: 9, failures: { timeout: 1 }, latency: lat(40), servedBy: { a: 9 } },
      { index: 1, total: 5, successes: 5, failures: {}, latency: lat(400), servedBy: { b: 5 } },
      // index 2 and 3 missing (a gap in a sparse export)
      { index: 4, total: 0, successes: 0, failures: {}, latency: null, servedBy: {} },
      { index: 5, total: 2, successes: 0, failures: { connection_refused: 2 }, latency: lat(8), servedBy: {} },
    ];
    const series = downsampleBuckets(buckets, 100, 3);
    expect(series.points).to.have.length(3);
    expect(series.points.map((p) => p.total)).to.deep.equal([15, 0, 2]);
    expect(series.points[0]!.latency).to.deep.equal({ p50: 100, p95: 400 / 1.5, p99: 400, max: 800 });
    expect(series.points[1]!.latency).to.equal(null);
    expect(series.points[0]!.servedBy).to.deep.equal({ a: 9, b: 5 });
    expect(() => downsampleBuckets(buckets, 100, 0)).to.throw(RangeError);
  });

  it('keeps a short failure visible when a 1-hour run is merged 30 buckets a point: the worst bucket, not only the average', () => {
    // 100 req/s in 100 ms buckets; a 1.3 s failover (13 buckets) with 90 % failures inside one merged point.
    const buckets: BucketSnapshot[] = [];
    for (let index = 0; index < 36_000; index++) {
      const failing = index >= 18_007 && index < 18_020;
      buckets.push({ index, total: 10, successes: failing ? 1 : 10, failures: failing ? { timeout: 9 } : {}, latency: null, servedBy: {} });
    }
    const series = downsampleBuckets(buckets, 100, 1200);
    expect(series.bucketsPerPoint).to.equal(30);
    const point = series.points.find((p) => p.startMs <= 1_800_700 && 1_800_700 < p.endMs)!;
    // The average of the merged point hides it (13 × 9 failures in 300 requests) …
    expect(point.successes / point.total).to.be.closeTo(1 - 117 / 300, 1e-9);
    // … the worst bucket keeps the 10 % success of the failover.
    expect(point.worstRatio).to.equal(0.1);
    const others = series.points.filter((p) => p !== point);
    expect(others.every((p) => p.worstRatio === 1)).to.equal(true);
  });

  it('charts only the buckets of a zoom window, one point per bucket', () => {
    const buckets: BucketSnapshot[] = Array.from({ length: 100 }, (_, index) => ({ index, total: 4, successes: index === 42 ? 0 : 4, failures: {}, latency: null, servedBy: {} }));
    const zoom = downsampleBuckets(buckets, 100, 1200, { fromMs: 4000, toMs: 5000 });
    expect(zoom.points.map((p) => p.startMs)).to.deep.equal([4000, 4100, 4200, 4300, 4400, 4500, 4600, 4700, 4800, 4900]);
    expect(zoom.points[2]!.worstRatio).to.equal(0);
    expect(zoom.points[2]!.endMs).to.equal(4300);
  });

  it('groups served-by names by traffic and merges the tail into "other"', () => {
    const points = [{ startMs: 0, endMs: 1, total: 0, successes: 0, failures: 0, worstRatio: null, latency: null, servedBy: { a: 5, b: 50, c: 1, d: 2 } }];
    expect(servedByGroups(points, 6)).to.deep.equal({ names: ['b', 'a', 'd', 'c'], other: false });
    expect(servedByGroups(points, 3)).to.deep.equal({ names: ['b', 'a'], other: true });
  });
});

describe('reporters: scales and ticks', () => {
  it('maps domains linearly and logarithmically', () => {
    const x = linearScale([0, 100], [50, 250]);
    expect(x(0)).to.equal(50);
    expect(x(50)).to.equal(150);
    expect(x(100)).to.equal(250);
    const y = logScale([1, 1000], [300, 0]);
    expect(y(1)).to.equal(300);
    expect(y(10)).to.be.closeTo(200, 1e-9);
    expect(y(0)).to.equal(300);
  });

  it('chooses nice ticks (1/2/5 × 10^n)', () => {
    expect(niceTicks(0, 250, 5)).to.deep.equal([0, 50, 100, 150, 200, 250]);
    expect(niceTicks(0, 1, 5)).to.deep.equal([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceCeiling(237)).to.equal(250);
    expect(niceCeiling(0)).to.equal(1);
    expect(logTicks(1, 1000)).to.deep.equal([1, 10, 100, 1000]);
    expect(logTicks(1, 100)).to.deep.equal([1, 2, 5, 10, 20, 50, 100]);
  });

  it('chooses human time ticks and labels', () => {
    expect(timeTicks(60_000)).to.deep.equal([0, 10_000, 20_000, 30_000, 40_000, 50_000, 60_000]);
    expect(timeTicks(3_600_000)).to.have.length(7);
    expect(formatTimeTick(0)).to.equal('0 s');
    expect(formatTimeTick(45_000)).to.equal('45 s');
    expect(formatTimeTick(90_000)).to.equal('1 m 30 s');
    expect(formatTimeTick(3_600_000)).to.equal('1 h');
  });

  it('breaks a line where a point has no value', () => {
    expect(linePath([[0, 1], [1, 2], [2, null], [3, 4]])).to.equal('M0 1L1 2M3 4');
    expect(linePath([])).to.equal('');
  });
});

describe('reporters: formatting', () => {
  it('reads check values as comparisons with units: expected ratios as written, observed ones as measured', () => {
    const check = (expected: CheckResult['expected'], observed: CheckResult['observed'] = {}) => ({ expected, observed }) as CheckResult;
    expect(formatCheckRecord(check({ min: 0.99 }), 'expected')).to.equal('≥ 99 %');
    expect(formatCheckRecord(check({ maxMs: 2000, windowMs: 1000, threshold: 0.99 }), 'expected')).to.equal('≤ 2 s, window 1 s, threshold 99 %');
    expect(formatCheckRecord(check({}, { timeToFailoverMs: null }), 'observed')).to.equal('—');
    expect(formatCheckRecord(check({ shares: { 'payments-primary': 0.98 } }), 'expected')).to.equal('payments-primary 98 %');
    expect(formatCheckRecord(check({ min: 0.99 }, { ratio: 0.9962 }), 'observed')).to.equal('99.62 %');
  });

  it('never prints an observed value rounded onto the threshold it fails (JUnit details, HTML fields)', () => {
    const failing = { expected: { min: 1 }, observed: { ratio: 0.999996, successes: 249_999, failures: 1 } } as unknown as CheckResult;
    expect(formatCheckRecord(failing, 'observed')).to.equal('ratio 99.9996 %, successes 249,999, failures 1');
    const split = { expected: { shares: { primary: 1 }, tolerance: 0.02 }, observed: { shares: { primary: 0.979999 } } } as unknown as CheckResult;
    expect(formatCheckRecord(split, 'observed')).to.equal('primary 97.9999 %');
  });

  it('names failures by kind with the count first, most frequent first', () => {
    expect(formatFailures({ timeout: 1, http_status: 999 })).to.equal('999 bad HTTP status, 1 timeout');
    expect(formatFailures({ connection_refused: 1200, dropped: 0 })).to.equal('1,200 refused');
    expect(formatFailures({})).to.equal('—');
  });
});
