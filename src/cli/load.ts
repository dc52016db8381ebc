import { parseArgs } from 'node:util';
import type { ResolvedLoad } from '../experiment/resolved.ts';
import { ReboundError, UsageError } from '../errors.ts';
import { BuiltinLoadDriver } from '../load/builtin.ts';
import { runClosedLoad } from '../load/closed-model.ts';
import type { LoadSummary } from '../load/load-driver.ts';
import { LoadRecorder, type LoadReport } from '../load/load-report.ts';
import { FAILURE_KINDS } from '../load/sample.ts';
import { formatDuration, formatSpecDuration } from '../format/duration.ts';
import { formatPercent } from '../format/percent.ts';
import { EXIT } from '../result/exit-codes.ts';
import { startRunClock } from '../timeline/clock.ts';

const HELP = `Usage: rebound load <url> [options]

Sends HTTP load to <url>. With --rate: open model (requests start at the planned instants
whatever the responses do; latency from the scheduled time). Without: closed model at maximum
speed over --connections (like autocannon).

Options:
  --rate <n/s>          arrival rate, e.g. 500, 500/s, 3000/m (max 1,000,000/s)
  --duration <d>        how long to send, e.g. 10s, 500ms, 1m30s (default 10s)
  --connections <n>     keep-alive connections (default 64 with --rate, 10 without)
  --timeout <d>         per-request timeout (default 5s)
  --max-in-flight <n>   open model: cap on requests in flight; over it they are dropped
                        (default max(100, 2 × rate × timeout))
  --drain <d>           after the duration, wait this long for in-flight requests (default: timeout)
  --method <M>          HTTP method (default GET)
  --header 'k: v'       request header (repeatable)
  --body <s>            request body
  --served-by <name>    response header naming the serving instance (counted per value)
  --json                print one JSON object instead of text
  -h, --help            this help

Exit codes: 0 load ran, 2 bad usage, 4 no request got a response (unreachable), 130 interrupted.
`;

const MAX_RATE = 1_000_000;

interface LoadCommand {
  readonly url: string;
  readonly ratePerSecond?: number;
  readonly durationMs: number;
  readonly connections: number;
  readonly timeoutMs: number;
  readonly maxInFlight: number;
  readonly drainMs: number;
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
  readonly servedBy?: string;
  readonly json: boolean;
}

export async function main(argv: string[]): Promise<number> {
  let command: LoadCommand;
  try {
    const parsed = parseCommand(argv);
    if (parsed === 'help') {
      process.stdout.write(HELP);
      return EXIT.passed;
    }
    command = parsed;
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`rebound load: ${error.message}\nRun 'rebound load --help' for usage.\n`);
      return EXIT.usage;
    }
    throw error;
  }

  const controller = new AbortController();
  let interrupted = false;
  const onSignal = () => {
    interrupted = true;
    controller.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const recorder = new LoadRecorder();
  const clock = startRunClock();
  let summary: LoadSummary;
  let elapsedMs: number;
  try {
    const load: ResolvedLoad = {
      driver: 'builtin',
      rate: { kind: 'constant', perSecond: command.ratePerSecond ?? 1 },
      timeoutMs: command.timeoutMs,
      maxInFlight: command.maxInFlight,
      connections: command.connections,
      requests: [{ name: `${command.method} ${new URL(command.url).pathname}`, method: command.method, url: command.url, headers: command.headers, ...(command.body !== undefined ? { body: command.body } : {}), weight: 1 }],
      success: { statuses: [[200, 399]] },
      ...(command.servedBy !== undefined ? { servedByHeader: command.servedBy } : {}),
    };
    let stoppedAt: number | undefined;
    controller.signal.addEventListener('abort', () => (stoppedAt = clock.now()), { once: true });
    const options = { now: clock.now, onSample: recorder.record, signal: controller.signal, durationMs: command.durationMs, drainMs: command.drainMs };
    summary = command.ratePerSecond !== undefined ? await new BuiltinLoadDriver().run(load, options) : await runClosedLoad(load, options);
    elapsedMs = Math.min(stoppedAt ?? command.durationMs, command.durationMs);
  } catch (error) {
    if (error instanceof ReboundError) {
      process.stderr.write(`rebound load: ${error.message}\n`);
      return error instanceof UsageError ? EXIT.usage : EXIT.error;
    }
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }

  const report = recorder.report({
    url: command.url,
    mode: command.ratePerSecond !== undefined ? 'open' : 'closed',
    ...(command.ratePerSecond !== undefined ? { targetRate: command.ratePerSecond } : {}),
    connections: command.connections,
    timeoutMs: command.timeoutMs,
    durationMs: command.durationMs,
    elapsedMs,
    summary,
    interrupted,
  });
  process.stdout.write(command.json ? `${JSON.stringify(report)}\n` : formatReport(report));
  const diagnosis = unreachableDiagnosis(report);
  if (diagnosis) process.stderr.write(`rebound load: ${diagnosis}\n`);
  if (interrupted) return EXIT.interrupted;
  return diagnosis ? EXIT.error : EXIT.passed;
}

/** When no request got any HTTP response, say why in one sentence. */
function unreachableDiagnosis(report: LoadReport): string | undefined {
  const sent = report.sent;
  if (sent === 0) return report.requests === 0 ? 'no request was sent' : undefined;
  const answered = report.successes + (report.failures.http_status ?? 0);
  if (answered > 0) return undefined;
  const refused = report.failures.connection_refused ?? 0;
  const target = new URL(report.url).host;
  if (refused === sent) return `every request was refused: nothing is listening at ${target} (connection refused)`;
  const detail = report.firstError ? ` (first error: ${report.firstError})` : '';
  return `no request got a response from ${target}${detail}`;
}

function formatReport(report: LoadReport): string {
  const lines: string[] = [];
  const model = report.mode === 'open' ? `open model at ${report.targetRate}/s` : 'closed model, max speed';
  lines.push(`rebound load ${report.url}: ${model}, ${formatSpecDuration(report.durationMs)}, ${report.connections} connections, timeout ${formatSpecDuration(report.timeoutMs)}${report.interrupted ? ' (interrupted)' : ''}`);
  lines.push(`  requests   ${report.requests} (${report.sent} sent, ${report.dropped} dropped over the in-flight cap)`);
  lines.push(`  rate       ${report.rate.toFixed(1)}/s achieved${report.targetRate !== undefined ? ` (target ${report.targetRate}/s)` : ''}`);
  lines.push(`  success    ${formatPercent(report.successRatio, { decimals: 2, spaced: true })} (${report.successes}/${report.requests})`);
  const failures = FAILURE_KINDS.filter((kind) => report.failures[kind]).map((kind) => `${kind} ${report.failures[kind]}`);
  lines.push(`  failures   ${failures.length > 0 ? failures.join(', ') : 'none'}`);
  if (report.latency) lines.push(`  latency    ${formatLatency(report.latency)}${report.mode === 'open' ? '  (from scheduled time)' : ''}`);
  if (report.serviceTime) lines.push(`  service    ${formatLatency(report.serviceTime)}  (from send time)`);
  const servedBy = Object.entries(report.servedBy);
  if (servedBy.length > 0) lines.push(`  served by  ${servedBy.map(([name, count]) => `${name} ${count}`).join(', ')}`);
  return `${lines.join('\n')}\n`;
}

function formatLatency(latency: NonNullable<LoadReport['latency']>): string {
  return `p50 ${formatDuration(latency.p50)}  p90 ${formatDuration(latency.p90)}  p99 ${formatDuration(latency.p99)}  max ${formatDuration(latency.max)}`;
}

function parseCommand(argv: string[]): LoadCommand | 'help' {
  let values: Record<string, string | boolean | string[] | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: joinNegativeValues(argv),
      allowPositionals: true,
      strict: true,
      options: {
        rate: { type: 'string' },
        duration: { type: 'string' },
        connections: { type: 'string' },
        timeout: { type: 'string' },
        'max-in-flight': { type: 'string' },
        drain: { type: 'string' },
        method: { type: 'string' },
        header: { type: 'string', multiple: true },
        body: { type: 'string' },
        'served-by': { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) return 'help';
  if (positionals.length === 0) throw new UsageError('missing <url>');
  if (positionals.length > 1) throw new UsageError(`expected one <url>, got ${positionals.length}: ${positionals.join(' ')}`);
  const url = parseUrl(positionals[0]!);
  const ratePerSecond = values.rate === undefined ? undefined : parseRate(values.rate as string);
  const durationMs = values.duration === undefined ? 10_000 : parseDuration('--duration', values.duration as string);
  const timeoutMs = values.timeout === undefined ? 5_000 : parseDuration('--timeout', values.timeout as string);
  const connections = values.connections === undefined ? (ratePerSecond !== undefined ? 64 : 10) : parseCount('--connections', values.connections as string, 10_000);
  const maxInFlight =
    values['max-in-flight'] === undefined
      ? Math.max(100, Math.ceil(2 * (ratePerSecond ?? 0) * (timeoutMs / 1000)))
      : parseCount('--max-in-flight', values['max-in-flight'] as string, 10_000_000);
  const drainMs = values.drain === undefined ? timeoutMs : parseDuration('--drain', values.drain as string, true);
  const method = ((values.method as string | undefined) ?? 'GET').toUpperCase();
  if (!/^[A-Z]+$/.test(method)) throw new UsageError(`--method: not an HTTP method: '${values.method}'`);
  const headers: Record<string, string> = {};
  for (const header of (values.header as string[] | undefined) ?? []) {
    const colon = header.indexOf(':');
    const name = colon > 0 ? header.slice(0, colon).trim() : '';
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw new UsageError(`--header: expected 'name: value', got '${header}'`);
    headers[name.toLowerCase()] = header.slice(colon + 1).trim();
  }
  const servedBy = values['served-by'] as string | undefined;
  return {
    url,
    ...(ratePerSecond !== undefined ? { ratePerSecond } : {}),
    durationMs,
    connections,
    timeoutMs,
    maxInFlight,
    drainMs,
    method,
    headers,
    ...(values.body !== undefined ? { body: values.body as string } : {}),
    ...(servedBy !== undefined ? { servedBy } : {}),
    json: values.json === true,
  };
}

/** `--rate -5` → `--rate=-5`, so that a negative number gets the flag's own message. */
function joinNegativeValues(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    if (/^--[a-z-]+$/.test(arg) && next !== undefined && /^-\d/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

function parseUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`not a valid URL: '${text}' (expected e.g. http://127.0.0.1:8080/path)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`only http:// and https:// URLs are supported, got '${text}'`);
  if (!url.hostname) throw new UsageError(`URL has no host: '${text}'`);
  return url.href;
}

/** `500`, `500/s`, `3000/m`, `1.5/s`. */
export function parseRate(text: string): number {
  const match = /^\s*(-?\d+(?:\.\d+)?)\s*(?:\/\s*(s|m|h))?\s*$/.exec(text);
  if (!match) throw new UsageError(`--rate: expected requests per second like 500 or 500/s, got '${text}'`);
  const perUnit = Number(match[1]);
  const perSecond = perUnit / ({ s: 1, m: 60, h: 3600 } as const)[(match[2] ?? 's') as 's' | 'm' | 'h'];
  if (!(perSecond > 0)) throw new UsageError(`--rate must be greater than 0, got '${text}'`);
  if (perSecond > MAX_RATE) throw new UsageError(`--rate ${text} is more than this tool can send (max ${MAX_RATE.toLocaleString('en')}/s)`);
  return perSecond;
}

/** `10s`, `500ms`, `1m30s`, `2h`, or a plain number of seconds. */
export function parseDuration(flag: string, text: string, allowZero = false): number {
  const trimmed = text.trim();
  let ms: number;
  if (/^\d+(?:\.\d+)?$/.test(trimmed)) ms = Number(trimmed) * 1000;
  else if (/^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/.test(trimmed)) {
    ms = 0;
    for (const [, amount, unit] of trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) {
      ms += Number(amount) * ({ ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const)[unit as 'ms' | 's' | 'm' | 'h'];
    }
  } else {
    throw new UsageError(`${flag}: expected a duration like 10s, 500ms or 1m30s, got '${text}'`);
  }
  if (!allowZero && !(ms > 0)) throw new UsageError(`${flag} must be greater than 0, got '${text}'`);
  if (ms > 7 * 24 * 3_600_000) throw new UsageError(`${flag} is longer than a week: '${text}'`);
  return Math.round(ms);
}

function parseCount(flag: string, text: string, max: number): number {
  if (!/^\d+$/.test(text.trim())) throw new UsageError(`${flag}: expected a whole number, got '${text}'`);
  const value = Number(text);
  if (value < 1 || value > max) throw new UsageError(`${flag} must be between 1 and ${max}, got ${value}`);
  return value;
}
