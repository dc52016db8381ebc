/**
 * What a killed run may have left behind, counted from outside: proxies and toxics on the
 * Toxiproxy, processes, listening ports, and the journal.
 *
 * A process counts as the soak's when its environment carries the soak's marker (every run and
 * what it spawns inherit it) or when it runs in the shop fixture of this repository (the local
 * plane gives pods their own environment). Other engineers' processes on the machine never count.
 */
import { readFile, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';

export const SOAK_MARKER = 'REBOUND_SOAK_RUN';

export interface ToxiproxyLeft {
  readonly proxies: number;
  readonly toxics: number;
  readonly disabled: number;
  /** Set when the API did not answer: nothing could be counted. */
  readonly error?: string;
}

export async function toxiproxyLeft(url: string): Promise<ToxiproxyLeft> {
  try {
    const response = await fetch(`${url}/proxies`, { signal: AbortSignal.timeout(5000) });
    const proxies = Object.values((await response.json()) as Record<string, { enabled: boolean; toxics?: unknown[] }>);
    return {
      proxies: proxies.length,
      toxics: proxies.reduce((sum, proxy) => sum + (proxy.toxics?.length ?? 0), 0),
      disabled: proxies.filter((proxy) => !proxy.enabled).length,
    };
  } catch (error) {
    return { proxies: 0, toxics: 0, disabled: 0, error: (error as Error).message };
  }
}

export interface ProcessInfo {
  readonly pid: number;
  readonly cmdline: string;
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** The soak's processes still alive, other than `exclude` (the soak itself, its Toxiproxy). */
export async function soakProcesses(token: string, fixtureDir: string, exclude: ReadonlySet<number>): Promise<ProcessInfo[]> {
  const found: ProcessInfo[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (exclude.has(pid)) continue;
    const stat = await readText(`/proc/${pid}/stat`);
    if (!stat || / Z /.test(stat.slice(stat.lastIndexOf(')')))) continue; // gone, or a zombie awaiting its reaper
    const environ = (await readText(`/proc/${pid}/environ`)) ?? '';
    const cwd = await readlink(`/proc/${pid}/cwd`).catch(() => '');
    if (!environ.split('\0').includes(`${SOAK_MARKER}=${token}`) && !cwd.startsWith(fixtureDir)) continue;
    const cmdline = ((await readText(`/proc/${pid}/cmdline`)) ?? '').split('\0').join(' ').trim();
    found.push({ pid, cmdline });
  }
  return found;
}

/** Inode → pid of every socket some process holds (root sees them all). */
async function socketOwners(): Promise<Map<string, number>> {
  const owners = new Map<string, number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fds = await readdir(`/proc/${entry}/fd`).catch(() => [] as string[]);
    for (const fd of fds) {
      const target = await readlink(join(`/proc/${entry}/fd`, fd)).catch(() => '');
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode) owners.set(inode, Number(entry));
    }
  }
  return owners;
}

export interface ListeningPort {
  readonly port: number;
  readonly inode: string;
}

/** TCP ports in LISTEN state (IPv4 and IPv6). */
export async function listeningPorts(): Promise<ListeningPort[]> {
  const ports: ListeningPort[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = (await readText(table)) ?? '';
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10 || cols[3] !== '0A') continue;
      ports.push({ port: parseInt(cols[1]!.split(':').pop()!, 16), inode: cols[9]! });
    }
  }
  return ports;
}

/**
 * Ports listening now that did not before the soak, held by one of the soak's processes or by
 * nobody we can see; ports of unrelated processes started meanwhile are not counted.
 */
export async function portsLeft(before: ReadonlySet<number>, ours: ReadonlySet<number>): Promise<number[]> {
  const owners = await socketOwners();
  const left = new Set<number>();
  for (const { port, inode } of await listeningPorts()) {
    if (before.has(port)) continue;
    const owner = owners.get(inode);
    if (owner === undefined || ours.has(owner)) left.add(port);
  }
  return [...left].sort((a, b) => a - b);
}

export type JournalState = 'absent' | `present: ${number} entries, ${number} processes, ${number} created proxies` | `unreadable: ${string}`;

export async function journalState(path: string): Promise<JournalState> {
  const text = await readText(path);
  if (text === undefined) return 'absent';
  try {
    const journal = JSON.parse(text) as { entries?: unknown[]; infrastructure?: { processes?: unknown[]; createdProxies?: unknown[] } };
    return `present: ${journal.entries?.length ?? 0} entries, ${journal.infrastructure?.processes?.length ?? 0} processes, ${journal.infrastructure?.createdProxies?.length ?? 0} created proxies`;
  } catch (error) {
    return `unreadable: ${(error as Error).message}`;
  }
}
