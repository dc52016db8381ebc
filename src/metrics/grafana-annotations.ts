/**
 * Grafana annotations while a run goes (`annotations.grafana`): each phase and each fault becomes a
 * region annotation — created when it starts (POST /api/annotations), given its end when it ends
 * (PATCH /api/annotations/:id) — tagged `rebound`, `experiment:<name>`, `phase:<name>` or
 * `fault:<id>`, plus the experiment's tags. Requests go one after another (a PATCH never overtakes
 * its POST), each bounded by a timeout; a failure never stops the run: it is kept and reported as
 * a note at the end. Shapes: Grafana's HTTP API, "Annotations" (time and timeEnd in epoch ms).
 */
import type { GrafanaAnnotationsTarget } from '../experiment/resolved.ts';
import type { RunEvent } from '../timeline/events.ts';
import { deadlineSignal } from '../util/deadline-signal.ts';

const TIMEOUT_MS = 5000;

export class GrafanaAnnotator {
  /** What went wrong, one line each (the token never appears). */
  readonly errors: string[] = [];
  /** Annotations created: key (`phase:outage`, `fault:outage/0`) → Grafana id. */
  readonly created = new Map<string, number>();
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly target: GrafanaAnnotationsTarget,
    private readonly experiment: string,
    /** Applied to every text sent (secrets never leave). */
    private readonly redact: (text: string) => string = (text) => text,
  ) {}

  /** Does Grafana answer the annotations API with these credentials? A problem line, or undefined. */
  async preflight(signal?: AbortSignal): Promise<string | undefined> {
    try {
      const response = await this.request('GET', '/api/annotations?limit=1', undefined, signal);
      if (response.ok) return undefined;
      return `Grafana at ${this.target.url} answered GET /api/annotations with HTTP ${response.status}${response.status === 401 || response.status === 403 ? ' (check annotations.grafana.token)' : ''}`;
    } catch (error) {
      return `Grafana at ${this.target.url} does not answer: ${describe(error)}`;
    }
  }

  /** Feed it the run's events (they carry wall-clock `at`). */
  readonly observe = (event: RunEvent): void => {
    const time = Date.parse(event.at);
    switch (event.kind) {
      case 'phase-started':
        if (event.phase) this.start(`phase:${event.phase}`, time, `phase ${event.phase}`, [`phase:${event.phase}`]);
        break;
      case 'phase-ended':
        if (event.phase) this.end(`phase:${event.phase}`, time);
        break;
      case 'fault-applied':
        if (event.faultId) this.start(`fault:${event.faultId}`, time, `fault ${event.faultId}: ${event.message}`, [`fault:${event.faultId}`, ...(event.data?.kind ? [`kind:${String(event.data.kind)}`] : [])]);
        break;
      case 'fault-reverted':
      case 'fault-revert-failed':
        if (event.faultId) this.end(`fault:${event.faultId}`, time, event.kind === 'fault-revert-failed' ? ` — revert failed: ${event.message}` : undefined);
        break;
      default:
        break;
    }
  };

  /** Waits (at most `timeoutMs`) for the requests still queued. */
  async flush(timeoutMs = 10_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<'expired'>((resolve) => (timer = setTimeout(() => resolve('expired'), timeoutMs)));
    const outcome = await Promise.race([this.chain.then(() => 'done' as const), expired]);
    clearTimeout(timer);
    if (outcome === 'expired') this.errors.push(`annotations still being sent after ${timeoutMs} ms were abandoned`);
  }

  private start(key: string, time: number, text: string, tags: string[]): void {
    const body = {
      ...(this.target.dashboardUID ? { dashboardUID: this.target.dashboardUID } : {}),
      time,
      tags: ['rebound', `experiment:${this.experiment}`, ...tags, ...this.target.tags],
      text: this.redact(`${this.experiment}: ${text}`),
    };
    this.enqueue(`create ${key}`, async () => {
      const response = await this.request('POST', '/api/annotations', body);
      const json = (await response.json().catch(() => ({}))) as { id?: unknown };
      if (!response.ok || typeof json.id !== 'number') throw new Error(`HTTP ${response.status}${typeof json.id === 'number' ? '' : ', no annotation id in the answer'}`);
      this.created.set(key, json.id);
    });
  }

  private end(key: string, timeEnd: number, suffix?: string): void {
    this.enqueue(`end ${key}`, async () => {
      const id = this.created.get(key);
      if (id === undefined) return; // its creation failed (already reported)
      const response = await this.request('PATCH', `/api/annotations/${id}`, { timeEnd, ...(suffix ? { text: this.redact(`${this.experiment}: ${key.replace(':', ' ')}${suffix}`) } : {}) });
      await response.body?.cancel();
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
    });
  }

  private enqueue(what: string, op: () => Promise<void>): void {
    this.chain = this.chain.then(op).catch((error: unknown) => void this.errors.push(`${what}: ${describe(error)}`));
  }

  private request(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<Response> {
    return fetch(`${this.target.url}${path}`, {
      method,
      headers: { accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(this.target.token ? { authorization: `Bearer ${this.target.token}` } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: deadlineSignal(TIMEOUT_MS, signal),
    });
  }
}

function describe(error: unknown): string {
  if ((error as Error)?.name === 'TimeoutError') return `no answer within ${TIMEOUT_MS} ms`;
  const cause = (error as { cause?: { code?: string } }).cause;
  return cause?.code ?? (error instanceof Error ? error.message : String(error));
}
