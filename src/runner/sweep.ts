/**
 * Reverts what a journal lists: used before a run (faults an earlier crashed run left) and by
 * `rebound cleanup`. Never throws for one failed revert: every entry is attempted and reported.
 */
import type { RevertRecord } from '../faults/fault-injector.ts';
import { ToxiproxyClient } from '../faults/toxiproxy-client.ts';
import { isOtherProcessAlive, JournalError, readJournal, type JournalDocument } from './journal.ts';
import { killProcessGroup } from './process-groups.ts';
import { existsSync } from 'node:fs';
import { rm, rmdir } from 'node:fs/promises';
import { basename, dirname } from 'node:path';

export interface SweepAction {
  readonly what: string;
  readonly outcome: 'reverted' | 'already-reverted' | 'gone-with-run' | 'not-revertible' | 'killed' | 'removed' | 'failed';
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
  switch (record.kind) {
    case 'toxic':
      return `toxic ${record.toxic} on proxy ${record.proxy} at ${record.toxiproxyUrl}`;
    case 'proxy-down':
      return `proxy ${record.proxy} down at ${record.toxiproxyUrl}`;
    case 'pod-kill':
      return `pod kill ${record.selector} in ${record.namespace}`;
  }
}

export async function revertRecord(record: RevertRecord): Promise<'reverted' | 'already-reverted' | 'not-revertible'> {
  switch (record.kind) {
    case 'toxic': {
      const outcome = await new ToxiproxyClient(record.toxiproxyUrl).removeToxic(record.proxy, record.toxic);
      return outcome === 'removed' ? 'reverted' : 'already-reverted';
    }
    case 'proxy-down': {
      const client = new ToxiproxyClient(record.toxiproxyUrl);
      const proxy = await client.findProxy(record.proxy);
      if (!proxy || proxy.enabled) return 'already-reverted';
      await client.setEnabled(record.proxy, true);
      return 'reverted';
    }
    case 'pod-kill':
      return 'not-revertible';
  }
}

export async function sweepJournal(path: string): Promise<SweepReport> {
  const journal = await readJournal(path);
  if (!journal) return { journal: path, found: false, actions: [], ok: true };
  if (isOtherProcessAlive(journal.pid)) {
    throw new JournalError(`journal ${path} belongs to a run that is still going (pid ${journal.pid}, experiment ${journal.experiment}); stop it first or use another --journal`);
  }
  const actions = await sweepDocument(journal);
  const ok = actions.every((action) => action.outcome !== 'failed');
  if (ok) await rm(path, { force: true });
  return { journal: path, found: true, actions, ok };
}

async function sweepDocument(journal: JournalDocument): Promise<SweepAction[]> {
  const actions: SweepAction[] = [];
  const embedded = journal.infrastructure.embeddedToxiproxyUrl;
  // LIFO, as the run itself would have done.
  for (const entry of [...journal.entries].reverse()) {
    const what = `${entry.faultId}: ${describeRecord(entry.record)}`;
    if ('toxiproxyUrl' in entry.record && entry.record.toxiproxyUrl === embedded) {
      // The embedded server lived in the dead run's process and died with it. Never contact its
      // old address: another server may listen there now.
      actions.push({ what, outcome: 'gone-with-run', detail: 'the embedded Toxiproxy stopped with the run' });
      continue;
    }
    try {
      actions.push({ what, outcome: await revertRecord(entry.record) });
    } catch (error) {
      actions.push({ what, outcome: 'failed', detail: error instanceof Error ? error.message : String(error) });
    }
  }
  for (const pgid of journal.infrastructure.podProcessGroups ?? []) {
    const what = `local pod process group ${pgid}`;
    try {
      const outcome = killProcessGroup(pgid);
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
