/** PromQL durations: `30s`, `1500ms` (Prometheus ≥ 2.0 accepts ms, s, m, h, d, w, y). */
export function promDuration(ms: number): string {
  const whole = Math.max(1, Math.round(ms));
  return whole % 1000 === 0 ? `${whole / 1000}s` : `${whole}ms`;
}

/** Unix seconds with millisecond precision, as the HTTP API takes them (`1767225600.250`). */
export function unixSeconds(epochMs: number): string {
  return (Math.round(epochMs) / 1000).toFixed(3);
}

/** `15s`, `1m`, `1m30s`, `500ms` (a Prometheus config duration) → ms; undefined when it is not one. */
export function parsePromDuration(text: string): number | undefined {
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, y: 31_536_000_000 };
  const parts = /^((\d+)y)?((\d+)w)?((\d+)d)?((\d+)h)?((\d+)m)?((\d+)s)?((\d+)ms)?$/.exec(text.trim());
  if (!parts || text.trim() === '') return undefined;
  const order = ['y', 'w', 'd', 'h', 'm', 's', 'ms'];
  let total = 0;
  order.forEach((unit, index) => {
    const value = parts[2 + index * 2];
    if (value !== undefined) total += Number(value) * units[unit]!;
  });
  return total;
}
