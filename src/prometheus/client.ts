/**
 * Prometheus's HTTP API (v1), the few calls Rebound needs. Every call has a bounded timeout and
 * honours the caller's abort signal. Headers (e.g. `Authorization: Bearer ${env:TOKEN}`) are sent
 * as given and never appear in an error message.
 */
import { parse } from 'yaml';
import { parsePromDuration } from './duration.ts';
import { deadlineSignal } from '../util/deadline-signal.ts';

export interface PromSample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface PromSeries {
  readonly labels: Readonly<Record<string, string>>;
  /** [unix seconds, value] */
  readonly points: readonly (readonly [number, number])[];
}

/** The server answered with an API error (`bad_data` for a query that does not parse). */
export class PrometheusApiError extends Error {
  override readonly name = 'PrometheusApiError';
  constructor(
    message: string,
    readonly status: number,
    readonly errorType?: string,
  ) {
    super(message);
  }
}

export interface PrometheusClientOptions {
  readonly headers?: Readonly<Record<string, string>>;
  /** Per call; default 10 s. */
  readonly timeoutMs?: number;
}

export class PrometheusClient {
  readonly url: string;
  private readonly headers: Readonly<Record<string, string>>;
  private readonly timeoutMs: number;
  /** undefined until asked: does this server have /api/v1/parse_query (2.45+)? */
  private hasParseQuery: boolean | undefined;

  constructor(url: string, options: PrometheusClientOptions = {}) {
    this.url = url.replace(/\/+$/, '');
    this.headers = options.headers ?? {};
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  /** `/-/ready` answers 200 (false on any other answer or a transport error). */
  async ready(signal?: AbortSignal): Promise<boolean> {
    try {
      const response = await fetch(`${this.url}/-/ready`, { headers: this.headers, signal: this.signal(signal, 2000) });
      await response.body?.cancel();
      return response.ok;
    } catch {
      return false;
    }
  }

  async buildInfo(signal?: AbortSignal): Promise<{ version: string }> {
    const data = (await this.call('GET', '/api/v1/status/buildinfo', {}, signal)) as { version?: unknown };
    return { version: typeof data.version === 'string' ? data.version : 'unknown' };
  }

  /** global.scrape_interval of the server's configuration, in ms (undefined when it cannot be read). */
  async scrapeIntervalMs(signal?: AbortSignal): Promise<number | undefined> {
    try {
      const data = (await this.call('GET', '/api/v1/status/config', {}, signal)) as { yaml?: unknown };
      if (typeof data.yaml !== 'string') return undefined;
      const config = parse(data.yaml) as { global?: { scrape_interval?: unknown } } | null;
      const text = config?.global?.scrape_interval;
      return typeof text === 'string' ? parsePromDuration(text) : 60_000;
    } catch {
      return undefined;
    }
  }

  /** The active scrape targets and their health (`up`, `down`, `unknown` before the first scrape). */
  async activeTargets(signal?: AbortSignal): Promise<{ readonly job: string; readonly url: string; readonly health: string }[]> {
    const data = (await this.call('GET', '/api/v1/targets', { state: 'active' }, signal)) as { activeTargets?: { labels?: Record<string, string>; scrapeUrl?: string; health?: string }[] };
    return (data.activeTargets ?? []).map((t) => ({ job: t.labels?.job ?? '', url: t.scrapeUrl ?? '', health: t.health ?? 'unknown' }));
  }

  /** An instant query at `timeSec`: a vector (one sample per series) or a scalar (one sample, no labels). */
  async instant(query: string, timeSec: string, signal?: AbortSignal): Promise<PromSample[]> {
    const data = (await this.call('POST', '/api/v1/query', { query, time: timeSec }, signal)) as { resultType: string; result: unknown };
    if (data.resultType === 'scalar') return [{ labels: {}, value: Number((data.result as [number, string])[1]) }];
    if (data.resultType === 'vector') {
      return (data.result as { metric: Record<string, string>; value: [number, string] }[]).map((s) => ({ labels: s.metric, value: Number(s.value[1]) }));
    }
    throw new PrometheusApiError(`expected a vector or a scalar, got a ${data.resultType}`, 200, 'bad_result');
  }

  /** A range query from `startSec` to `endSec` every `stepSec`. */
  async range(query: string, startSec: string, endSec: string, stepSec: string, signal?: AbortSignal): Promise<PromSeries[]> {
    const data = (await this.call('POST', '/api/v1/query_range', { query, start: startSec, end: endSec, step: stepSec }, signal)) as { resultType: string; result: unknown };
    if (data.resultType !== 'matrix') throw new PrometheusApiError(`expected a matrix, got a ${data.resultType}`, 200, 'bad_result');
    return (data.result as { metric: Record<string, string>; values: [number, string][] }[]).map((s) => ({
      labels: s.metric,
      points: s.values.map(([t, v]) => [t, Number(v)] as const),
    }));
  }

  /**
   * Why the query does not parse, or undefined when it does: /api/v1/parse_query where the server
   * has it (2.45+), else an instant query at time 0 (parsed in full, evaluated over no data).
   */
  async parseError(query: string, signal?: AbortSignal): Promise<string | undefined> {
    if (this.hasParseQuery !== false) {
      try {
        await this.call('POST', '/api/v1/parse_query', { query }, signal);
        this.hasParseQuery = true;
        return undefined;
      } catch (error) {
        if (!(error instanceof PrometheusApiError) || error.status !== 404) return describeParseError(error);
        this.hasParseQuery = false;
      }
    }
    try {
      await this.call('POST', '/api/v1/query', { query, time: '0' }, signal);
      return undefined;
    } catch (error) {
      return describeParseError(error);
    }
  }

  private signal(outer: AbortSignal | undefined, timeoutMs = this.timeoutMs): AbortSignal {
    return deadlineSignal(timeoutMs, outer);
  }

  private async call(method: 'GET' | 'POST', path: string, params: Record<string, string>, signal?: AbortSignal): Promise<unknown> {
    const body = new URLSearchParams(params).toString();
    const url = method === 'GET' && body !== '' ? `${this.url}${path}?${body}` : `${this.url}${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: { ...this.headers, ...(method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
        ...(method === 'POST' ? { body } : {}),
        signal: this.signal(signal),
      });
    } catch (error) {
      if (signal?.aborted) throw new Error(`request to ${this.url}${path} was interrupted`, { cause: error });
      const cause = (error as { cause?: { code?: string } }).cause;
      const why = (error as Error).name === 'TimeoutError' ? `no answer within ${this.timeoutMs} ms` : (cause?.code ?? (error as Error).message);
      throw new Error(`Prometheus at ${this.url} does not answer ${path}: ${why}`, { cause: error });
    }
    const text = await response.text();
    let json: { status?: string; data?: unknown; error?: string; errorType?: string } | undefined;
    try {
      json = JSON.parse(text) as typeof json;
    } catch {
      json = undefined;
    }
    if (!response.ok || json?.status !== 'success') {
      const detail = json?.error ?? text.slice(0, 200).trim();
      throw new PrometheusApiError(`${path}: HTTP ${response.status}${detail ? `: ${detail}` : ''}`, response.status, json?.errorType);
    }
    return json.data;
  }
}

function describeParseError(error: unknown): string {
  if (error instanceof PrometheusApiError) return error.message.replace(/^[^:]*: HTTP \d+: /, '').replace(/^invalid parameter "query": /, '');
  return error instanceof Error ? error.message : String(error);
}
