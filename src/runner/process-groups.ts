import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

interface ProcessRow {
  readonly pid: number;
  readonly ppid: number;
  readonly pgid: number;
}

async function processTable(): Promise<ProcessRow[]> {
  const { stdout } = await run('ps', ['-A', '-o', 'pid=,ppid=,pgid='], { maxBuffer: 8 * 1024 * 1024 });
  return stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number))
    .filter((cols) => cols.length === 3 && cols.every(Number.isInteger))
    .map(([pid, ppid, pgid]) => ({ pid: pid!, ppid: ppid!, pgid: pgid! }));
}

/**
 * Process groups led by descendants of `rootPid`, other than the root's own group: the local
 * plane starts each pod as the leader of its own group, which is what `cleanup` must kill if
 * the run is SIGKILLed (the pods would otherwise outlive it).
 */
export async function descendantProcessGroups(rootPid = process.pid): Promise<number[]> {
  const table = await processTable();
  const children = new Map<number, ProcessRow[]>();
  for (const row of table) {
    const list = children.get(row.ppid) ?? [];
    list.push(row);
    children.set(row.ppid, list);
  }
  const ownGroup = table.find((row) => row.pid === rootPid)?.pgid;
  const groups = new Set<number>();
  const stack = [rootPid];
  while (stack.length > 0) {
    for (const child of children.get(stack.pop()!) ?? []) {
      if (child.pgid === child.pid && child.pgid !== ownGroup) groups.add(child.pgid);
      stack.push(child.pid);
    }
  }
  return [...groups].sort((a, b) => a - b);
}

/** Kills a process group; 'gone' when no such group exists any more. */
export function killProcessGroup(pgid: number, signal: NodeJS.Signals = 'SIGKILL'): 'killed' | 'gone' {
  if (!Number.isInteger(pgid) || pgid <= 1) return 'gone';
  try {
    process.kill(-pgid, signal);
    return 'killed';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return 'gone';
    throw error;
  }
}
