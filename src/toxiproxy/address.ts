import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

/** A `host:port` split as Go's net.SplitHostPort does (`[::1]:80`, `:80`, `localhost:0`). */
export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** An address Toxiproxy could not use; the message is Go's wording (answered as a 500). */
export class AddressError extends Error {
  override readonly name = 'AddressError';
}

export function splitHostPort(address: string): HostPort {
  let host: string;
  let portText: string;
  if (address.startsWith('[')) {
    const close = address.indexOf(']');
    if (close < 0) throw new AddressError(`address ${address}: missing ']' in address`);
    host = address.slice(1, close);
    if (address[close + 1] !== ':') throw new AddressError(`address ${address}: missing port in address`);
    portText = address.slice(close + 2);
  } else {
    const colon = address.lastIndexOf(':');
    if (colon < 0) throw new AddressError(`address ${address}: missing port in address`);
    host = address.slice(0, colon);
    if (host.includes(':')) throw new AddressError(`address ${address}: too many colons in address`);
    portText = address.slice(colon + 1);
  }
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (!(port >= 0 && port <= 65535)) throw new AddressError(`address ${address}: invalid port`);
  return { host, port };
}

/** Go's rendering of a listener address: IPv6 in brackets. */
export function joinHostPort(host: string, port: number): string {
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * The IP to bind for a listen host. Names resolve preferring IPv4, as Go does for
 * `localhost`. An empty host means every interface, as in Go (`:8080`).
 */
export async function resolveBindHost(address: string, host: string): Promise<string> {
  if (host === '') return '::';
  if (isIP(host)) return host;
  try {
    return (await lookup(host, { family: 4 })).address;
  } catch {
    try {
      return (await lookup(host)).address;
    } catch {
      throw new AddressError(`listen tcp ${address}: lookup ${host}: no such host`);
    }
  }
}

const ERRNO_TEXT: Record<string, string> = {
  EADDRINUSE: 'address already in use',
  EACCES: 'permission denied',
  EADDRNOTAVAIL: 'cannot assign requested address',
  EAFNOSUPPORT: 'address family not supported by protocol',
  EINVAL: 'invalid argument',
  ENOTFOUND: 'no such host',
};

/** The OS error in words (`address already in use`), as Go prints it. */
export function errnoText(error: NodeJS.ErrnoException): string {
  return (error.code && ERRNO_TEXT[error.code]) ?? error.message;
}

/** A bind failure in Go's words: `listen tcp 127.0.0.1:8474: bind: address already in use`. */
export function bindErrorText(address: string, error: NodeJS.ErrnoException): string {
  return `listen tcp ${address}: bind: ${errnoText(error)}`;
}
