/** load: rate profile, request mix, success rule, driver options. */
import { existsSync } from 'node:fs';
import type { RateProfile, RequestTemplate, ResolvedLoad, SuccessRule } from './resolved.ts';
import { rateToPerSecond } from './duration.ts';
import { didYouMean } from './did-you-mean.ts';
import { isRecord, list, type ResolveContext } from './resolve-context.ts';
import type { LoadSpec } from './spec.ts';

export const MAX_RATE_PER_SECOND = 1_000_000;
const DEFAULT_TIMEOUT_MS = 5000;
const DEFAULT_CONNECTIONS = 64;
const PLACEHOLDER = /\{\{\s*([^}]*?)\s*\}\}/g;

export function resolveLoad(ctx: ResolveContext, spec: LoadSpec | undefined, endpointNames: readonly string[]): ResolvedLoad {
  const load = (isRecord(spec) ? spec : {}) as Partial<LoadSpec>;
  const base = ['load'];
  const driver = load.driver ?? 'builtin';
  let rate: RateProfile = { kind: 'constant', perSecond: 1 };
  ctx.guard(() => {
    rate = resolveRate(ctx, load.rate) ?? rate;
  });
  const timeoutMs = ctx.ms(load.timeout) ?? DEFAULT_TIMEOUT_MS;
  if (load.timeout !== undefined && timeoutMs <= 0) ctx.error([...base, 'timeout'], 'timeout must be longer than 0');
  const peak = peakRate(rate);
  const maxInFlight = load.maxInFlight ?? Math.max(100, Math.ceil(2 * peak * (timeoutMs / 1000)));

  const requests: RequestTemplate[] = [];
  list(load.requests).forEach((request, index) =>
    ctx.guard(() => {
      const resolved = resolveRequest(ctx, ['load', 'requests', index], request, endpointNames);
      if (resolved) requests.push(resolved);
    }),
  );

  let success: SuccessRule = { statuses: [[200, 399]] };
  ctx.guard(() => {
    if (isRecord(load.success)) success = resolveSuccess(ctx, load.success as NonNullable<LoadSpec['success']>);
  });

  let k6: ResolvedLoad['k6'];
  ctx.guard(() => {
    if (!isRecord(load.k6)) return;
    if (driver !== 'k6') ctx.error([...base, 'k6'], '"k6" options need "driver: k6"', 'key');
    const script = load.k6.script === undefined ? undefined : ctx.path(load.k6.script);
    if (script !== undefined && !existsSync(script)) ctx.error([...base, 'k6', 'script'], `k6 script not found: ${script}`);
    const binary = load.k6.binary === undefined ? undefined : /^\.\.?\//.test(load.k6.binary) ? ctx.path(load.k6.binary) : load.k6.binary;
    k6 = { ...(script !== undefined ? { script } : {}), ...(binary !== undefined ? { binary } : {}) };
  });

  return {
    driver,
    rate,
    timeoutMs,
    maxInFlight,
    connections: load.connections ?? DEFAULT_CONNECTIONS,
    requests,
    success,
    ...(typeof load.servedBy === 'string' ? { servedByHeader: load.servedBy.toLowerCase() } : {}),
    ...(k6 ? { k6 } : {}),
  };
}

export function peakRate(rate: RateProfile): number {
  return rate.kind === 'constant' ? rate.perSecond : Math.max(rate.startPerSecond, ...rate.stages.map((s) => s.target));
}

function resolveRate(ctx: ResolveContext, spec: LoadSpec['rate'] | undefined): RateProfile | undefined {
  const path = ['load', 'rate'];
  const parse = (where: (string | number)[], text: unknown): number | undefined => {
    if (typeof text !== 'string') return undefined;
    let perSecond: number;
    try {
      perSecond = rateToPerSecond(text);
    } catch {
      return undefined;
    }
    if (perSecond > MAX_RATE_PER_SECOND) ctx.error(where, `rate ${text} is over the limit of ${MAX_RATE_PER_SECOND.toLocaleString('en-US')}/s`);
    return perSecond;
  };
  if (typeof spec === 'string') {
    const perSecond = parse(path, spec);
    if (perSecond === undefined) return undefined;
    if (perSecond <= 0) ctx.error(path, 'rate must be more than 0/s');
    return { kind: 'constant', perSecond };
  }
  if (!isRecord(spec)) return undefined;
  const startPerSecond = spec.start === undefined ? 0 : (parse([...path, 'start'], spec.start) ?? 0);
  const stages = list(spec.stages).map((stage, index) => {
    const durationMs = ctx.ms(stage.duration) ?? 0;
    if (stage.duration !== undefined && durationMs <= 0) ctx.error([...path, 'stages', index, 'duration'], 'a stage must last longer than 0');
    return { durationMs, target: parse([...path, 'stages', index, 'target'], stage.target) ?? 0 };
  });
  const profile: RateProfile = { kind: 'ramp', startPerSecond, stages };
  if (stages.length > 0 && peakRate(profile) <= 0) ctx.error(path, 'the ramp never goes above 0/s');
  return profile;
}

function resolveRequest(
  ctx: ResolveContext,
  path: (string | number)[],
  spec: LoadSpec['requests'][number],
  endpointNames: readonly string[],
): RequestTemplate | undefined {
  if (typeof spec.url !== 'string') return undefined;
  const urlPath = [...path, 'url'];
  for (const match of spec.url.matchAll(PLACEHOLDER)) {
    const expression = match[1]!;
    const endpoint = /^endpoints\.(.+)$/.exec(expression);
    if (!endpoint) ctx.error(urlPath, `unknown placeholder {{${expression}}} (only {{endpoints.NAME}} is supported)`);
    else if (!endpointNames.includes(endpoint[1]!)) {
      const known = endpointNames.length ? `; known: ${endpointNames.join(', ')}` : '; target.endpoints is empty';
      ctx.error(urlPath, `no endpoint named "${endpoint[1]}" in target.endpoints${didYouMean(endpoint[1]!, endpointNames)}${known}`);
    }
  }
  const url = ctx.substituteEnv(urlPath, spec.url);
  const startsWithEndpoint = /^\{\{\s*endpoints\.[^}]+\}\}/.test(url);
  if (!startsWithEndpoint && !/^https?:\/\/[^/\s]+/.test(url)) {
    ctx.error(urlPath, `a request URL starts with {{endpoints.NAME}} or http(s)://, got ${JSON.stringify(spec.url)}`);
  }
  const headers: Record<string, string> = {};
  if (isRecord(spec.headers)) {
    for (const [name, value] of Object.entries(spec.headers)) {
      if (typeof value === 'string') headers[name] = ctx.substituteEnv([...path, 'headers', name], value);
    }
  }
  const method = spec.method ?? 'GET';
  return {
    name: spec.name ?? `${method} ${requestPath(url)}`,
    method,
    url,
    headers,
    ...(typeof spec.body === 'string' ? { body: ctx.substituteEnv([...path, 'body'], spec.body) } : {}),
    weight: spec.weight ?? 1,
  };
}

function requestPath(url: string): string {
  const rest = url.replace(/^\{\{[^}]*\}\}/, '').replace(/^https?:\/\/[^/]*/, '');
  const path = rest.split('?')[0]!;
  return path === '' ? '/' : path;
}

function resolveSuccess(ctx: ResolveContext, spec: NonNullable<LoadSpec['success']>): SuccessRule {
  const base = ['load', 'success'];
  const statuses: [number, number][] = [];
  list(spec.status).forEach((item, index) => {
    const range = statusRange(item);
    if (!range) return;
    if (range[0] > range[1]) ctx.error([...base, 'status', index], `range ${String(item)} is empty (start after end)`);
    else if (range[0] < 100 || range[1] > 599) ctx.error([...base, 'status', index], `range ${String(item)} is outside 100-599`);
    statuses.push(range);
  });
  const header = isRecord(spec.header) && typeof spec.header.name === 'string' && typeof spec.header.pattern === 'string' ? spec.header : undefined;
  if (header) checkRegExp(ctx, [...base, 'header', 'pattern'], header.pattern);
  if (typeof spec.body === 'string') checkRegExp(ctx, [...base, 'body'], spec.body);
  return {
    statuses: statuses.length ? statuses : [[200, 399]],
    ...(header ? { header: { name: header.name.toLowerCase(), pattern: header.pattern } } : {}),
    ...(typeof spec.body === 'string' ? { bodyPattern: spec.body } : {}),
  };
}

function statusRange(item: unknown): [number, number] | undefined {
  if (typeof item === 'number') return [item, item];
  if (typeof item !== 'string') return undefined;
  const klass = /^([1-5])xx$/.exec(item);
  if (klass) return [Number(klass[1]) * 100, Number(klass[1]) * 100 + 99];
  const range = /^(\d{3})(?:-(\d{3}))?$/.exec(item);
  if (!range) return undefined;
  return [Number(range[1]), Number(range[2] ?? range[1])];
}

function checkRegExp(ctx: ResolveContext, path: (string | number)[], pattern: string): void {
  try {
    new RegExp(pattern);
  } catch (error) {
    ctx.error(path, `not a valid regular expression: ${(error as Error).message}`);
  }
}
