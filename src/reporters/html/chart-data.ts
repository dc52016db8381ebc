/**
 * Timeline buckets turned into chart points. Long runs are downsampled by merging runs of
 * consecutive buckets: counts (total, successes, failures, served-by) are summed exactly;
 * latency percentiles cannot be merged exactly from summaries, so a merged point shows the
 * highest percentile of its buckets (an upper envelope that never hides a spike). A merged point
 * also keeps its worst bucket's success ratio, so a 1 s outage in a 30-bucket point still reads
 * as an outage and not as a 3 % dip.
 */
import type { BucketSnapshot } from '../../timeline/timeline.ts';

export const MAX_CHART_POINTS = 1200;

export interface ChartPoint {
  /** Run-clock span covered by this point. */
  readonly startMs: number;
  readonly endMs: number;
  readonly total: number;
  readonly successes: number;
  readonly failures: number;
  readonly servedBy: Readonly<Record<string, number>>;
  /** Failures that named no server (summed exactly). */
  readonly failedWithoutServer?: number;
  /** The lowest success ratio of any merged bucket that had samples; null when none had. */
  readonly worstRatio: number | null;
  /** Upper envelope of the merged buckets' percentiles (and their maximum); null when no bucket had latency. */
  readonly latency: { readonly p50: number; readonly p95: number; readonly p99: number; readonly max: number } | null;
}

export interface ChartSeries {
  readonly points: readonly ChartPoint[];
  /** Width of one point (bucketMs × buckets merged per point). */
  readonly pointMs: number;
  readonly bucketsPerPoint: number;
}

/**
 * Merges buckets so that at most `maxPoints` points remain; bucket gaps count as empty. With a
 * `window`, only the buckets that start in [fromMs, toMs) are charted (a zoomed view).
 */
export function downsampleBuckets(buckets: readonly BucketSnapshot[], bucketMs: number, maxPoints = MAX_CHART_POINTS, window?: { readonly fromMs: number; readonly toMs: number }): ChartSeries {
  if (!(maxPoints >= 1)) throw new RangeError(`maxPoints must be ≥ 1, got ${maxPoints}`);
  const lastIndex = buckets.reduce((max, b) => Math.max(max, b.index), -1);
  const first = window ? Math.max(0, Math.floor(window.fromMs / bucketMs)) : 0;
  const end = window ? Math.min(lastIndex + 1, Math.ceil(window.toMs / bucketMs)) : lastIndex + 1;
  const span = Math.max(0, end - first);
  const per = Math.max(1, Math.ceil(span / maxPoints));
  const count = Math.ceil(span / per);
  const slots: MutablePoint[] = [];
  for (let i = 0; i < count; i++) {
    slots.push({ startMs: (first + i * per) * bucketMs, endMs: Math.min(end, first + (i + 1) * per) * bucketMs, total: 0, successes: 0, servedBy: {}, failedWithoutServer: 0, worstRatio: null, latency: null });
  }
  for (const bucket of buckets) {
    if (bucket.index < first || bucket.index >= end) continue;
    const slot = slots[Math.floor((bucket.index - first) / per)];
    if (!slot) continue;
    slot.total += bucket.total;
    slot.successes += bucket.successes;
    if (bucket.total > 0) slot.worstRatio = Math.min(slot.worstRatio ?? 1, bucket.successes / bucket.total);
    slot.failedWithoutServer += bucket.failedWithoutServer ?? 0;
    for (const [name, n] of Object.entries(bucket.servedBy)) slot.servedBy[name] = (slot.servedBy[name] ?? 0) + n;
    if (bucket.latency) {
      const l = bucket.latency;
      slot.latency = slot.latency
        ? { p50: Math.max(slot.latency.p50, l.p50), p95: Math.max(slot.latency.p95, l.p95), p99: Math.max(slot.latency.p99, l.p99), max: Math.max(slot.latency.max, l.max) }
        : { p50: l.p50, p95: l.p95, p99: l.p99, max: l.max };
    }
  }
  return {
    points: slots.map((s) => ({ ...s, failures: s.total - s.successes })),
    pointMs: per * bucketMs,
    bucketsPerPoint: per,
  };
}

interface MutablePoint {
  startMs: number;
  endMs: number;
  total: number;
  successes: number;
  servedBy: Record<string, number>;
  failedWithoutServer: number;
  worstRatio: number | null;
  latency: { p50: number; p95: number; p99: number; max: number } | null;
}

/** Served-by names by total traffic, the first `limit - 1` kept and the rest merged as `other`. */
export function servedByGroups(points: readonly ChartPoint[], limit = 6): { readonly names: readonly string[]; readonly other: boolean } {
  const totals = new Map<string, number>();
  for (const point of points) for (const [name, n] of Object.entries(point.servedBy)) totals.set(name, (totals.get(name) ?? 0) + n);
  const sorted = [...totals.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([name]) => name);
  if (sorted.length <= limit) return { names: sorted, other: false };
  return { names: sorted.slice(0, limit - 1), other: true };
}

/**
 * The instance group of a served-by value: a Kubernetes pod name `<group>-<template hash>-<suffix>`
 * (`payments-primary-bpnq7rgtvz-2sqnl` → `payments-primary`); any other value is its own group.
 */
export function instanceGroup(name: string): string {
  const match = /^(.+?)-[a-z0-9]{4,10}-[a-z0-9]{5}$/.exec(name);
  return match ? match[1]! : name;
}

/** Served-by counts summed per instance group. */
export function groupServedBy(servedBy: Readonly<Record<string, number>>): Record<string, number> {
  const grouped: Record<string, number> = {};
  for (const [name, n] of Object.entries(servedBy)) {
    const group = instanceGroup(name);
    grouped[group] = (grouped[group] ?? 0) + n;
  }
  return grouped;
}

export const SERVED_BY_PALETTE_SIZE = 6;

/**
 * A colour slot per group that depends on the group's name only (a hash, probing to the next free
 * slot on a clash, in name order), so payments-primary keeps its colour from run to run and chart to chart.
 */
export function groupColours(groups: readonly string[], size = SERVED_BY_PALETTE_SIZE): Map<string, number> {
  const colours = new Map<string, number>();
  const taken = new Set<number>();
  for (const group of [...new Set(groups)].sort()) {
    let hash = 0;
    for (let i = 0; i < group.length; i++) hash = (Math.imul(hash, 31) + group.charCodeAt(i)) >>> 0;
    let slot = hash % size;
    for (let probe = 0; probe < size && taken.has(slot); probe++) slot = (slot + 1) % size;
    colours.set(group, slot);
    if (taken.size < size) taken.add(slot);
    if (taken.size === size) taken.clear();
  }
  return colours;
}
