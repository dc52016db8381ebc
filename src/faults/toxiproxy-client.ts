/**
 * A thin wrapper around toxiproxy-node-client that keeps the server's own error text.
 *
 * The client turns every non-2xx answer into "Request failed with status code N". When that
 * happens we repeat the request with a raw HTTP call to read the server's body (Toxiproxy
 * answers `{"error":"proxy not found","status":404}`). Only requests whose repetition cannot
 * change anything are repeated blindly (reads, enable/disable, deletes); a failed create is
 * repeated only for a 4xx answer, which the server gives deterministically for the same input.
 */
import { Toxiproxy, Toxic, type ICreateToxicBody } from 'toxiproxy-node-client';
import { InfraError } from '../errors.ts';
import { deadlineSignal } from '../util/deadline-signal.ts';
import { ephemeralPortRange, isEphemeralPort } from '../util/loopback-port.ts';

/** A Toxiproxy API answer other than 2xx, with the server's message. */
export class ToxiproxyApiError extends InfraError {
  override readonly name: string = 'ToxiproxyApiError';
  constructor(
    readonly status: number,
    readonly serverMessage: string,
    readonly operation: string,
    readonly url: string,
  ) {
    super(`Toxiproxy ${url}: ${operation}: ${serverMessage} (HTTP ${status})`);
  }
}

export interface ProxyState {
  readonly name: string;
  readonly listen: string;
  readonly upstream: string;
  readonly enabled: boolean;
  readonly toxics: readonly { readonly name: string; readonly type: string; readonly stream: string }[];
}

export interface ToxicBody {
  readonly name: string;
  readonly type: string;
  readonly stream: 'upstream' | 'downstream';
  readonly toxicity: number;
  readonly attributes: Readonly<Record<string, number>>;
}

interface RawRequest {
  readonly method: string;
  readonly path: string;
  readonly body?: unknown;
  readonly repeatOnlyFor4xx?: boolean;
}

const STATUS_PATTERN = /status code (\d{3})/;
const REQUEST_TIMEOUT_MS = 5000;

export class ToxiproxyClient {
  readonly url: string;
  private readonly client: Toxiproxy;

  constructor(
    url: string,
    private readonly options: { readonly timeoutMs?: number; readonly abortWith?: () => AbortSignal | undefined } = {},
  ) {
    this.url = url.replace(/\/+$/, '');
    this.client = new Toxiproxy(this.url);
    // The client's fetch has no deadline: a server that accepts connections and never answers would
    // hold each call for undici's 5-minute header timeout, and Ctrl-C would wait for it.
    const api = this.client.getApi() as unknown as { doFetch(url: string, init: RequestInit): Promise<Response> };
    const doFetch = api.doFetch.bind(api);
    api.doFetch = (target, init) => doFetch(target, { ...init, signal: this.requestSignal() });
  }

  /** Every request's deadline, combined with the signal `abortWith` gives at the time (none during reverts). */
  private requestSignal(): AbortSignal {
    return deadlineSignal(this.options.timeoutMs ?? REQUEST_TIMEOUT_MS, this.options.abortWith?.());
  }

  /** The server's version string; also the reachability probe. */
  async version(): Promise<string> {
    const text = await this.call('GET /version', () => this.client.getVersion(), { method: 'GET', path: '/version' });
    return parseVersion(text);
  }

  async listProxies(): Promise<ProxyState[]> {
    // The client's getAll() drops the toxics; the raw listing keeps them.
    const all = await this.call('list proxies', () => this.client.getApi().get<Record<string, ProxyState>>(`${this.url}/proxies`), {
      method: 'GET',
      path: '/proxies',
    });
    return Object.values(all.data ?? {}).map(normalizeProxy);
  }

  /** The proxy, or undefined when the server does not know it. */
  async findProxy(name: string): Promise<ProxyState | undefined> {
    try {
      const answer = await this.call(`get proxy ${name}`, () => this.client.getApi().get<ProxyState>(`${this.url}/proxies/${encodeURIComponent(name)}`), {
        method: 'GET',
        path: `/proxies/${encodeURIComponent(name)}`,
      });
      return normalizeProxy(answer.data);
    } catch (error) {
      if (error instanceof ToxiproxyApiError && error.status === 404) return undefined;
      throw error;
    }
  }

  async createProxy(spec: { name: string; listen: string; upstream: string }): Promise<ProxyState> {
    const body = { ...spec, enabled: true };
    const created = await this.call(`create proxy ${spec.name}`, () => this.client.createProxy(body), {
      method: 'POST',
      path: '/proxies',
      body,
      repeatOnlyFor4xx: true,
    });
    return { name: created.name, listen: created.listen, upstream: created.upstream, enabled: created.enabled, toxics: [] };
  }

  /** Deletes a proxy; an absent proxy counts as deleted. */
  async deleteProxy(name: string): Promise<void> {
    const path = `/proxies/${encodeURIComponent(name)}`;
    try {
      await this.call(`delete proxy ${name}`, async () => {
        const handle = await this.client.get(name);
        await handle.remove();
      }, { method: 'DELETE', path });
    } catch (error) {
      if (error instanceof ToxiproxyApiError && error.status === 404) return;
      throw error;
    }
  }

  async setEnabled(name: string, enabled: boolean): Promise<void> {
    const path = `/proxies/${encodeURIComponent(name)}`;
    let body: { enabled: boolean; listen: string; upstream: string } | undefined;
    await this.call(`${enabled ? 'enable' : 'disable'} proxy ${name}`, async () => {
      const handle = await this.client.get(name);
      body = { enabled, listen: handle.listen, upstream: handle.upstream };
      await handle.update(body);
    }, () => (body ? { method: 'POST', path, body } : { method: 'GET', path }));
  }

  async addToxic(proxyName: string, toxic: ToxicBody): Promise<void> {
    const path = `/proxies/${encodeURIComponent(proxyName)}/toxics`;
    await this.call(`add toxic ${toxic.name} to proxy ${proxyName}`, async () => {
      const handle = await this.client.get(proxyName);
      await handle.addToxic(toxic as unknown as ICreateToxicBody<unknown>);
    }, { method: 'POST', path, body: toxic, repeatOnlyFor4xx: true });
  }

  /** Removes a toxic. Idempotent: a toxic (or proxy) that is already gone counts as removed. */
  async removeToxic(proxyName: string, toxicName: string): Promise<'removed' | 'absent'> {
    const proxy = await this.findProxy(proxyName);
    if (!proxy || !proxy.toxics.some((toxic) => toxic.name === toxicName)) return 'absent';
    const proxyPath = `${this.url}/proxies/${encodeURIComponent(proxyName)}`;
    try {
      await this.call(`remove toxic ${toxicName} from proxy ${proxyName}`, () => {
        const handle = new Toxic(this.client.getApi(), proxyPath, { name: toxicName, type: 'latency', stream: 'downstream', toxicity: 1, attributes: {} });
        return handle.remove();
      }, { method: 'DELETE', path: `/proxies/${encodeURIComponent(proxyName)}/toxics/${encodeURIComponent(toxicName)}` });
    } catch (error) {
      if (error instanceof ToxiproxyApiError && error.status === 404) return 'absent';
      throw error;
    }
    return 'removed';
  }

  async requireProxy(name: string): Promise<ProxyState> {
    const proxy = await this.findProxy(name);
    if (!proxy) throw new ToxiproxyApiError(404, 'proxy not found', `get proxy ${name}`, this.url);
    return proxy;
  }

  private async call<T>(
    operation: string,
    action: () => Promise<T>,
    rawRequest: RawRequest | (() => RawRequest),
  ): Promise<T> {
    try {
      return await action();
    } catch (error) {
      // Lazily built: the request that failed may depend on what the action read first.
      const raw = typeof rawRequest === 'function' ? rawRequest() : rawRequest;
      const message = error instanceof Error ? error.message : String(error);
      const status = Number(STATUS_PATTERN.exec(message)?.[1] ?? 0);
      if (status === 0) {
        throw new InfraError(`Toxiproxy ${this.url} is not reachable (${operation}): ${await this.networkCause(error)}`, 'start Toxiproxy, or pass --toxiproxy-url');
      }
      if (raw.repeatOnlyFor4xx && (status < 400 || status >= 500)) {
        throw new ToxiproxyApiError(status, await this.failedCreateMessage(raw, status), operation, this.url);
      }
      throw new ToxiproxyApiError(status, await this.serverMessage(raw, status), operation, this.url);
    }
  }

  /** The client drops the network cause ("fetch failed"); a raw probe recovers e.g. ECONNREFUSED. */
  private async networkCause(error: unknown): Promise<string> {
    // A request that hit its deadline says all there is: probing would wait as long again.
    if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
      return error.name === 'TimeoutError' ? `no answer within ${this.options.timeoutMs ?? REQUEST_TIMEOUT_MS} ms` : 'aborted';
    }
    try {
      await fetch(`${this.url}/version`, { signal: this.requestSignal() });
    } catch (probeError) {
      return describeNetworkError(probeError);
    }
    return describeNetworkError(error);
  }

  /**
   * The server's text for a create answered with a 5xx (Toxiproxy answers 500 when the new
   * proxy cannot listen: `listen tcp 127.0.0.1:21001: bind: address already in use`). The
   * client drops that text, and a create is repeated to read it only when a GET shows it
   * changed nothing (404); should the repeat succeed, what it created is deleted again.
   */
  private async failedCreateMessage(raw: RawRequest, status: number): Promise<string> {
    const name = (raw.body as { name?: unknown } | undefined)?.name;
    if (raw.method !== 'POST' || typeof name !== 'string') return 'server error';
    const item = `${this.url}${raw.path}/${encodeURIComponent(name)}`;
    try {
      const probe = await fetch(item, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
      await probe.body?.cancel();
      if (probe.status !== 404) return 'server error';
    } catch {
      return 'server error';
    }
    const message = await this.serverMessage(raw, status);
    if (message.startsWith('failed with HTTP')) await fetch(item, { method: 'DELETE', signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) }).catch(() => undefined);
    return `${message}${listenHint(message)}`;
  }

  /** Repeats a failed request without the client to read the server's error body. */
  private async serverMessage(raw: { method: string; path: string; body?: unknown }, status: number): Promise<string> {
    try {
      const response = await fetch(`${this.url}${raw.path}`, {
        method: raw.method,
        headers: raw.body === undefined ? undefined : { 'content-type': 'application/json' },
        body: raw.body === undefined ? undefined : JSON.stringify(raw.body),
        signal: this.requestSignal(),
      });
      const text = (await response.text()).trim();
      if (response.ok) return `failed with HTTP ${status}, then succeeded when repeated`;
      try {
        const parsed = JSON.parse(text) as { error?: unknown };
        if (typeof parsed.error === 'string' && parsed.error) return parsed.error;
      } catch {
        // not JSON: fall through to the plain text
      }
      return text || `HTTP ${response.status}`;
    } catch {
      return `HTTP ${status}`;
    }
  }
}

/** The fix for a listen address the server could not bind (Go's error texts). */
function listenHint(serverText: string): string {
  const match = /^listen tcp (\S+): (.*)$/.exec(serverText);
  if (!match) return '';
  const [, address, reason] = match;
  if (/address already in use/.test(reason!)) return `; another process listens on ${address}: stop it, or give the proxy a free port (target.toxiproxy.proxies[].listen)${ephemeralNote(address!)}`;
  if (/cannot assign requested address|no such host/.test(reason!)) return `; ${address} is not an address of the Toxiproxy's machine: listen on 127.0.0.1 or another of its own addresses (target.toxiproxy.proxies[].listen)`;
  return '';
}

/** A port in the ephemeral range may be held by an outgoing connection, not by a listener. */
function ephemeralNote(address: string): string {
  const port = Number(/:(\d+)$/.exec(address)?.[1]);
  if (!isEphemeralPort(port)) return '';
  const { low, high } = ephemeralPortRange();
  return `; ${port} is in this machine's ephemeral range ${low}–${high}, which outgoing connections also take: a port below ${low} is safer`;
}

function normalizeProxy(proxy: ProxyState): ProxyState {
  return {
    name: proxy.name,
    listen: proxy.listen,
    upstream: proxy.upstream,
    enabled: proxy.enabled,
    toxics: (proxy.toxics ?? []).map((toxic) => ({ name: toxic.name, type: toxic.type, stream: toxic.stream })),
  };
}

function parseVersion(text: string): string {
  const trimmed = text.trim();
  try {
    const parsed = JSON.parse(trimmed) as unknown;
    if (typeof parsed === 'string') return parsed;
    if (parsed && typeof parsed === 'object' && typeof (parsed as { version?: unknown }).version === 'string') return (parsed as { version: string }).version;
  } catch {
    // Toxiproxy < 2.6 answers plain text.
  }
  return trimmed;
}

function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const stack = error.stack ?? '';
  const code = /\b(ECONNREFUSED|ENOTFOUND|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|EAI_AGAIN)\b/.exec(`${error.message} ${stack}`)?.[1];
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? code ?? cause?.message ?? error.message;
}
