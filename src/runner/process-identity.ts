/**
 * A process named by pid alone is not a process: pids are reused. The journal records a
 * process's start time next to its pid, and a pid only counts as "that process" while its start
 * time still matches.
 *
 * Linux: /proc/<pid>/stat field 22 (starttime, clock ticks since boot) together with the boot id,
 * so that a reboot cannot make an old record match. Elsewhere: `ps -o lstart= -p <pid>` (second
 * resolution, good enough: a pid is not reused within the same second in practice).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let bootId: string | undefined;

/** An opaque token, equal for the same process and different for a later one with the same pid; undefined when the process does not exist. */
export function processStartTime(pid: number): string | undefined {
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  if (process.platform === 'linux') {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      return undefined;
    }
    const ticks = parseProcStatStartTime(stat);
    if (ticks === undefined) return undefined;
    bootId ??= readBootId();
    return `linux:${bootId}:${ticks}`;
  }
  try {
    const text = execFileSync('ps', ['-o', 'lstart=', '-p', String(pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return text ? `ps:${text.replace(/\s+/g, ' ')}` : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Field 22 of /proc/<pid>/stat. Field 2 (comm) is in parentheses and may itself hold spaces and
 * parentheses, so fields are counted from the last ')'.
 */
export function parseProcStatStartTime(stat: string): string | undefined {
  const close = stat.lastIndexOf(')');
  if (close < 0) return undefined;
  // After ')' come fields 3, 4, …: field 22 is the 20th of them.
  const fields = stat.slice(close + 1).trim().split(/\s+/);
  const value = fields[22 - 3];
  return value !== undefined && /^\d+$/.test(value) ? value : undefined;
}

function readBootId(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return 'unknown-boot';
  }
}

/**
 * True when `pid` is a live process other than us and, when `startTime` is known, the same
 * process that was recorded (not a later one that reused the pid).
 */
export function isSameProcessAlive(pid: number, startTime: string | undefined): boolean {
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (startTime === undefined) return true; // an older journal: the pid is all we know
  return processStartTime(pid) === startTime;
}
