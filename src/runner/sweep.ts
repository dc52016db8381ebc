/**
 * Reverts what a journal lists: used before a run (faults an earlier crashed run left) and by
 * `rebound cleanup`. Never throws for one failed revert: every entry is attempted and reported.
 */
import type { RevertRecord, SweepOutcome } from '../faults/fault-kind.ts';
import { ToxiproxyClient } from '../faults/toxiproxy-client.ts';
import { faultKindOf } from '../plugins/registry.ts';
import { isJournalOwnerAlive, JournalError, readJournal, type JournalDocument, type JournalInfrastructure, type JournalProxy } from './journal.ts';
import { killProcessGroup } from './process-groups.ts';
import { processStartTime } from './process-identity.ts';
import { existsSync } from 'node:fs';
import { rm, rmdir } from 'node:fs/promises';
import { basename, dirname } from 'node:path';

export interface SweepAction {
  readonly what: string;
  /** `not-ours`: a proxy of that name exists but with another listen/upstream; it was left alone. */
  readonly outcome: 'reverted' | 'already-reverted' | 'gone-with-run' | 'not-revertible' | 'killed' | 'removed' | 'not-ours' | 'failed';
  readonly detail?: string;
}

export interface SweepReport {
  readonly journal: string;
  /** False when there was no journal (nothing to do). */
  readonly found: boolean;
  readonly actions: readonly SweepAction[];
  /** True when everything listed was dealt with (the journal was then removed). */
  readonly ok: boolean;
}

export function describeRecord(record: RevertRecord): string {
  return faultKindOf(record.kind)?.describeRecord(record) ?? `${record.kind} (no fault kind ${record.kind} is registered)`;
}

export async function revertRecord(record: RevertRecord, infrastructure: JournalInfrastructure = {}): Promise<SweepOutcome> {
  const kind = faultKindOf(record.kind);
  if (!kind) throw new Error(`no fault kind ${record.kind} is registered in this Rebound; revert it by hand`);
  return kind.revertRecord(record, infrastructure);
}

export async function sweepJournal(path: string): Promise<SweepReport> {
  const journal = await readJournal(path);
  if (!journal) return { journal: path, found: false, actions: [], ok: true };
  if (isJournalOwnerAlive(journal)) {
    throw new JournalError(`journal ${path} belongs to a run that is still going (pid ${journal.pid}, experiment ${journal.experiment}); stop it first or use another --journal`);
  }
  const actions = await sweepDocument(journal);
  const ok = actions.every((action) => action.outcome !== 'failed');
  if (ok) await rm(path, { force: true });
  return { journal: path, found: true, actions, ok };
}

/**
 * Kills a journaled process group unless its leader is now another process (a reused pid: its
 * start time differs). A dead leader with a live group is still killed: a pgid is never handed out
 * while any process of the group lives.
 */
function killJournaledGroup(pgid: number, startTime: string | undefined): 'killed' | 'gone' | 'pid-reused' {
  if (startTime !== undefined) {
    const now = processStartTime(pgid);
    if (now !== undefined && now !== startTime) return 'pid-reused';
  }
  return killProcessGroup(pgid);
}

async function sweepDocument(journal: JournalDocument): Promise<SweepAction[]> {
  const actions: SweepAction[] = [];
  // First the processes that hosted the embedded Toxiproxy and the local plane: after this the
  // embedded Toxiproxy's faults are gone with them for certain.
  for (const host of journal.infrastructure.processes ?? []) {
    const what = `${host.role} host process ${host.pid}`;
    try {
      const outcome = killJournaledGroup(host.pgid, host.startTime);
      if (outcome === 'killed') actions.push({ what, outcome: 'killed' });
    } catch (error) {
      actions.push({ what, outcome: 'failed', detail: (error as Error).message });
    }
  }
  // LIFO, as the run itself would have done.
  for (const entry of [...journal.entries].reverse()) {
    const what = `${entry.faultId}: ${describeRecord(entry.record)}`;
    try {
      const outcome = await revertRecord(entry.record, journal.infrastructure);
      actions.push({ what, outcome, ...(outcome === 'gone-with-run' ? { detail: 'the local infrastructure stopped with the run' } : {}) });
    } catch (error) {
      actions.push({ what, outcome: 'failed', detail: error instanceof Error ? error.message : String(error) });
    }
  }
  for (const created of [...(journal.infrastructure.createdProxies ?? [])].reverse()) {
    actions.push(await removeCreatedProxy(created));
  }
  const podStartTimes = journal.infrastructure.podProcessStartTimes ?? {};
  const hostGroups = new Set((journal.infrastructure.processes ?? []).map((host) => host.pgid));
  for (const pgid of journal.infrastructure.podProcessGroups ?? []) {
    if (hostGroups.has(pgid)) continue;
    const what = `local pod process group ${pgid}`;
    try {
      const outcome = killJournaledGroup(pgid, podStartTimes[String(pgid)]);
      if (outcome === 'killed') actions.push({ what, outcome: 'killed' });
    } catch (error) {
      actions.push({ what, outcome: 'failed', detail: (error as Error).message });
    }
  }
  const kubeconfig = journal.infrastructure.localPlaneKubeconfig;
  if (kubeconfig && existsSync(kubeconfig)) {
    const what = `local plane kubeconfig ${kubeconfig}`;
    try {
      await rm(kubeconfig, { force: true });
      // Only the plane's own temp directory, and only when nothing else is in it.
      if (basename(dirname(kubeconfig)).startsWith('rebound-cluster-')) await rmdir(dirname(kubeconfig)).catch(() => undefined);
      actions.push({ what, outcome: 'removed' });
    } catch (error) {
      actions.push({ what, outcome: 'failed', detail: (error as Error).message });
    }
  }
  return actions;
}

/** A proxy the dead run created on an external Toxiproxy: removed only if it is still the one it created. */
async function removeCreatedProxy(created: JournalProxy): Promise<SweepAction> {
  const what = `proxy ${created.name} (listen ${created.listen} → upstream ${created.upstream}) created at ${created.toxiproxyUrl}`;
  try {
    const client = new ToxiproxyClient(created.toxiproxyUrl);
    const proxy = await client.findProxy(created.name);
    if (!proxy) return { what, outcome: 'already-reverted' };
    if (!sameListen(proxy.listen, created.listen) || proxy.upstream !== created.upstream) {
      return { what, outcome: 'not-ours', detail: `it now has listen ${proxy.listen} and upstream ${proxy.upstream}; left alone` };
    }
    await client.deleteProxy(created.name);
    return { what, outcome: 'removed' };
  } catch (error) {
    return { what, outcome: 'failed', detail: error instanceof Error ? error.message : String(error) };
  }
}

/** `host:0` was journaled before the server picked the port: any port on that host matches. */
function sameListen(actual: string, journaled: string): boolean {
  if (actual === journaled) return true;
  return journaled.endsWith(':0') && actual.startsWith(journaled.slice(0, -1)) && /^\d+$/.test(actual.slice(journaled.length - 1));
}
