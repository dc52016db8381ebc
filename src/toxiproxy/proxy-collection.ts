import { API_ERRORS, ApiError } from './api-error.ts';
import { goBool, goString, goValueTypeError, isPlainObject } from './go-json.ts';
import { Proxy } from './proxy.ts';

export interface ProxyInput {
  readonly name: string;
  readonly listen: string;
  readonly upstream: string;
  readonly enabled: boolean;
}

export interface PopulateOutcome {
  readonly proxies: Proxy[];
  readonly error?: ApiError;
}

/** Decodes a proxy body (create or populate entry); missing fields come from `defaults`. */
export function decodeProxyInput(body: unknown, defaults: ProxyInput, goType = 'toxiproxy.Proxy'): ProxyInput {
  if (!isPlainObject(body)) return goValueTypeError(body, goType);
  return {
    name: goString(body, 'name', 'Proxy') ?? defaults.name,
    listen: goString(body, 'listen', 'Proxy') ?? defaults.listen,
    upstream: goString(body, 'upstream', 'Proxy') ?? defaults.upstream,
    enabled: goBool(body, 'enabled', 'Proxy') ?? defaults.enabled,
  };
}

const EMPTY: ProxyInput = { name: '', listen: '', upstream: '', enabled: true };

/** Every proxy by name (Toxiproxy's ProxyCollection). Callers serialize mutations. */
export class ProxyCollection {
  private readonly proxies = new Map<string, Proxy>();

  list(): Proxy[] {
    return [...this.proxies.values()];
  }

  get(name: string): Proxy {
    const proxy = this.proxies.get(name);
    if (!proxy) throw API_ERRORS.proxyNotFound;
    return proxy;
  }

  /** POST /proxies. */
  async create(body: unknown): Promise<Proxy> {
    const input = decodeProxyInput(body, EMPTY);
    if (input.name === '') throw ApiError.join(API_ERRORS.missingField, 'name');
    if (input.upstream === '') throw ApiError.join(API_ERRORS.missingField, 'upstream');
    if (this.proxies.has(input.name)) throw API_ERRORS.proxyAlreadyExists;
    const proxy = new Proxy(input.name, input.listen, input.upstream);
    if (input.enabled) await proxy.start();
    this.proxies.set(proxy.name, proxy);
    return proxy;
  }

  async remove(name: string): Promise<void> {
    const proxy = this.get(name);
    await proxy.stop();
    this.proxies.delete(name);
  }

  /**
   * POST /populate: every entry validated first; then an existing proxy with the same
   * listen and upstream is kept as it is, any other is replaced by a fresh one. A failure
   * to listen stops there and answers with the proxies done so far.
   */
  async populate(body: unknown): Promise<PopulateOutcome> {
    if (!Array.isArray(body)) return goValueTypeError(body, '[]toxiproxy.Proxy');
    const inputs = body.map((entry) => decodeProxyInput(entry, EMPTY));
    inputs.forEach((input, i) => {
      if (input.name === '') throw ApiError.join(API_ERRORS.missingField, `name at proxy ${i + 1}`);
      if (input.upstream === '') throw ApiError.join(API_ERRORS.missingField, `upstream at proxy ${i + 1}`);
    });
    const done: Proxy[] = [];
    for (const input of inputs) {
      const existing = this.proxies.get(input.name);
      if (existing && existing.listen === input.listen && existing.upstream === input.upstream) {
        done.push(existing);
        continue;
      }
      await existing?.stop();
      const proxy = new Proxy(input.name, input.listen, input.upstream);
      try {
        if (input.enabled) await proxy.start();
      } catch (error) {
        return { proxies: done, error: error instanceof ApiError ? error : new ApiError(String(error), 500) };
      }
      this.proxies.set(proxy.name, proxy);
      done.push(proxy);
    }
    return { proxies: done };
  }

  /** POST /reset: every proxy enabled again, every toxic removed. */
  async reset(): Promise<void> {
    for (const proxy of this.proxies.values()) {
      await proxy.start();
      proxy.toxics.reset();
    }
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.list().map((proxy) => proxy.stop()));
    this.proxies.clear();
  }
}
