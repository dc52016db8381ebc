/**
 * Free loopback ports for something that binds them later: a pod's process, a Prometheus child,
 * a proxy named in an experiment.
 *
 * `listen(0)` returns a port from the kernel's ephemeral range, the range it also hands to the
 * local end of every outgoing connection. Between closing the probe and the later bind, any
 * connect() on the machine (the load generator opens thousands) may take that port, and the bind
 * fails with EADDRINUSE. Ports below the ephemeral range are only ever taken by an explicit bind,
 * so they are picked from there, at random; one process hands a port out again only after
 * thousands of others.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Ports up to here are left alone: the shipped fixtures bind fixed ports in 21000–22999. */
const FLOOR = 23_000;
/** Below this many candidates (an unusual kernel setting), fall back to listen(0). */
const MIN_CANDIDATES = 1_000;
const ATTEMPTS = 50;

export interface PortRange {
  readonly low: number;
  readonly high: number;
}

let cachedRange: PortRange | undefined;

/** The kernel's ephemeral (outgoing-connection) port range. */
export function ephemeralPortRange(): PortRange {
  if (cachedRange) return cachedRange;
  cachedRange = readEphemeralRange();
  return cachedRange;
}

function readEphemeralRange(): PortRange {
  if (process.platform === 'linux') {
    try {
      const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
      if (Number.isInteger(low) && Number.isInteger(high) && low! > 0 && high! >= low!) return { low: low!, high: high! };
    } catch {
      // not readable (a sandbox): the kernel default
    }
    return { low: 32_768, high: 60_999 };
  }
  // IANA's dynamic range: macOS, Windows and the BSDs use it by default.
  return { low: 49_152, high: 65_535 };
}

export function isEphemeralPort(port: number): boolean {
  const { low, high } = ephemeralPortRange();
  return port >= low && port <= high;
}

/** Ports handed out, oldest first; old ones are forgotten so a long-lived plane never runs dry. */
const handedOut = new Set<number>();

function remember(port: number, limit: number): void {
  handedOut.add(port);
  if (handedOut.size > limit) handedOut.delete(handedOut.values().next().value!);
}

/**
 * A loopback port that is free now, outside the ephemeral range, and not among the ports this
 * process handed out lately. The caller binds it soon; nothing holds it in between.
 */
export async function freeLoopbackPort(host = '127.0.0.1'): Promise<number> {
  const { low } = ephemeralPortRange();
  const candidates = low - FLOOR;
  if (candidates >= MIN_CANDIDATES) {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const port = FLOOR + Math.floor(Math.random() * candidates);
      if (handedOut.has(port)) continue;
      if (await canBind(host, port)) {
        remember(port, candidates / 2);
        return port;
      }
    }
  }
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const port = await bindAny(host);
    if (!handedOut.has(port)) {
      remember(port, Math.max(candidates, MIN_CANDIDATES) / 2);
      return port;
    }
  }
  throw new Error(`no free port on ${host} after ${2 * ATTEMPTS} attempts`);
}

function canBind(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

function bindAny(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error(`no port on ${host}`))));
    });
  });
}
