/**
 * The journal: what a run must undo if it dies. Each fault's RevertRecord is written (atomically)
 * BEFORE the fault is applied and removed after its revert; the local infrastructure the run
 * started (embedded Toxiproxy, local-plane pod processes) is listed so that `rebound cleanup`
 * can kill what a SIGKILLed run orphaned.
 */
import { readFile, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { RevertRecord } from '../faults/fault-kind.ts';
import { ReboundError } from '../errors.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';
import { bounded } from '../util/bounded-fs.ts';
import { isSameProcessAlive, processStartTime } from './process-identity.ts';

export const JOURNAL_VERSION = 1;
export const DEFAULT_JOURNAL = '.rebound/journal.json';

export interface JournalEntry {
  readonly faultId: string;
  readonly description: string;
  readonly record: RevertRecord;
  readonly writtenAt: string;
}

export interface JournalInfrastructure {
  /** The embedded Toxiproxy this run started (dies with the run's process). */
  readonly embeddedToxiproxyUrl?: string;
  /** Process ids of local-plane pods (each the leader of its own process group). */
  readonly podProcessGroups?: readonly number[];
  /** The local control plane's API URL. */
  readonly localPlaneUrl?: string;
  /** The kubeconfig the local plane wrote to a temp directory of its own (removed by cleanup). */
  readonly localPlaneKubeconfig?: string;
  /** Start times (process-identity.ts) of podProcessGroups' leaders, by pgid: a reused pid is never killed. */
  readonly podProcessStartTimes?: Readonly<Record<string, string>>;
  /**
   * Child processes hosting the embedded Toxiproxy and the local control plane (infra-host.ts),
   * journaled as soon as they are spawned, before they start anything.
   */
  readonly processes?: readonly JournalProcess[];
  /**
   * Proxies this run creates on an EXTERNAL Toxiproxy, journaled before each is created, so that a
   * sweep removes them after a crash (only when name, listen and upstream still match).
   */
  readonly createdProxies?: readonly JournalProxy[];
}

export interface JournalProcess {
  /** What it hosts: 'toxiproxy' or 'cluster'. */
  readonly role: string;
  readonly pid: number;
  /** Its own process group (it is spawned detached): the sweep kills the whole group. */
  readonly pgid: number;
  readonly startTime?: string;
}

export interface JournalProxy {
  readonly toxiproxyUrl: string;
  readonly name: string;
  /** As asked (may end in :0 until the server has reported the real port). */
  readonly listen: string;
  readonly upstream: string;
}

export interface JournalDocument {
  readonly version: typeof JOURNAL_VERSION;
  readonly pid: number;
  /** The owner's start time (process-identity.ts); absent in journals of older versions. */
  readonly pidStartTime?: string;
  readonly experiment: string;
  readonly startedAt: string;
  readonly infrastructure: JournalInfrastructure;
  readonly entries: readonly JournalEntry[];
}

/** The journal file cannot be read, written or is in use by a live run. */
export class JournalError extends ReboundError {
  override readonly name: string = 'JournalError';
}

export async function readJournal(path: string): Promise<JournalDocument | undefined> {
  let text: string;
  try {
    text = await bounded('read', path, () => readFile(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new JournalError(`cannot read journal ${path}: ${(error as Error).message}`);
  }
  try {
    const parsed = JSON.parse(text) as Partial<JournalDocument>;
    if (parsed.version !== JOURNAL_VERSION || !Array.isArray(parsed.entries)) throw new Error(`unknown journal version ${String(parsed.version)}`);
    return { infrastructure: {}, ...parsed } as JournalDocument;
  } catch (error) {
    throw new JournalError(`journal ${path} is not a Rebound journal: ${(error as Error).message}`);
  }
}

/**
 * True when a process with this id exists (and is not us) and, when its start time is given, is
 * the same process (a reused pid is not taken for a live run).
 */
export function isOtherProcessAlive(pid: number, startTime?: string): boolean {
  return isSameProcessAlive(pid, startTime);
}

/** True when the run that owns this journal is still going. */
export function isJournalOwnerAlive(journal: Pick<JournalDocument, 'pid' | 'pidStartTime'>): boolean {
  return isSameProcessAlive(journal.pid, journal.pidStartTime);
}

let ownStartTime: string | undefined;
function ownProcessStartTime(): string | undefined {
  return (ownStartTime ??= processStartTime(process.pid));
}

/** The journal of the current run. Every mutation is written through before it returns. */
export class Journal {
  readonly path: string;
  private entries: JournalEntry[] = [];
  private infrastructure: JournalInfrastructure = {};
  private writing: Promise<void> = Promise.resolve();
  private wrote = false;

  constructor(path: string, private readonly experiment: string, private readonly startedAt = new Date().toISOString()) {
    this.path = resolve(path);
  }

  list(): readonly JournalEntry[] {
    return this.entries;
  }

  /** True once anything was written: the file exists until close(). */
  get written(): boolean {
    return this.wrote;
  }

  infrastructureSnapshot(): JournalInfrastructure {
    return this.infrastructure;
  }

  async add(faultId: string, description: string, record: RevertRecord): Promise<void> {
    this.entries = [...this.entries.filter((entry) => entry.faultId !== faultId), { faultId, description, record, writtenAt: new Date().toISOString() }];
    await this.flush();
  }

  async remove(faultId: string): Promise<void> {
    const before = this.entries.length;
    this.entries = this.entries.filter((entry) => entry.faultId !== faultId);
    if (this.entries.length !== before) await this.flush();
  }

  /** True while a proxy this run created on an external Toxiproxy is not known to be removed. */
  hasCreatedProxies(): boolean {
    return (this.infrastructure.createdProxies ?? []).length > 0;
  }

  async setInfrastructure(update: Partial<JournalInfrastructure>): Promise<void> {
    this.infrastructure = { ...this.infrastructure, ...update };
    await this.flush();
  }

  /** Appends a child process the run started (written through before it returns). */
  async addProcess(record: JournalProcess): Promise<void> {
    this.infrastructure = { ...this.infrastructure, processes: [...(this.infrastructure.processes ?? []), record] };
    await this.flush();
  }

  /** Adds or replaces (by URL and name) a proxy created on an external Toxiproxy. */
  async addCreatedProxy(record: JournalProxy): Promise<void> {
    const others = (this.infrastructure.createdProxies ?? []).filter((p) => !(p.toxiproxyUrl === record.toxiproxyUrl && p.name === record.name));
    this.infrastructure = { ...this.infrastructure, createdProxies: [...others, record] };
    await this.flush();
  }

  async removeCreatedProxy(toxiproxyUrl: string, name: string): Promise<void> {
    const before = this.infrastructure.createdProxies ?? [];
    const after = before.filter((p) => !(p.toxiproxyUrl === toxiproxyUrl && p.name === name));
    if (after.length === before.length) return;
    this.infrastructure = { ...this.infrastructure, createdProxies: after };
    await this.flush();
  }

  /** Removes the file: the run undid everything it did. */
  async close(): Promise<void> {
    await this.writing.catch(() => undefined);
    await rm(this.path, { force: true });
  }

  private flush(): Promise<void> {
    this.wrote = true;
    const document: JournalDocument = {
      version: JOURNAL_VERSION,
      pid: process.pid,
      ...(ownProcessStartTime() ? { pidStartTime: ownProcessStartTime() } : {}),
      experiment: this.experiment,
      startedAt: this.startedAt,
      infrastructure: this.infrastructure,
      entries: this.entries,
    };
    const text = `${JSON.stringify(document, null, 2)}\n`;
    // Writes are serialised so that a later state never lands before an earlier one.
    const next = this.writing.catch(() => undefined).then(() => writeFileAtomic(this.path, text));
    this.writing = next;
    return next.catch((error: unknown) => {
      throw new JournalError(`cannot write journal ${this.path}: ${(error as Error).message}`);
    });
  }
}
