/**
 * Pod processes must never outlive the plane that started them, even when the plane is
 * SIGKILLed and can clean nothing up. The guard is one small `sh` process per kubelet that
 * holds a list of the pods' process groups, told over its stdin ("add PGID" / "del PGID"). Only
 * the plane holds the other end of that pipe (libuv opens it close-on-exec, so no pod inherits
 * it): when the plane dies, the kernel closes it, `read` sees end-of-file, and the guard SIGTERMs
 * every listed group, then SIGKILLs them after a grace.
 *
 * Why a separate process and not a wrapper around each pod: each container stays the plane's
 * own child, leading its own group, so its pid, start time, exit code and signal are exactly
 * what they were (the journal finds pod groups through them, see src/runner/process-groups.ts),
 * and no extra process ever sits in a pod's group, where it would be orphaned and linger as a
 * zombie after the group is killed. The guard runs in its own session, so a signal to the plane's
 * process group (Ctrl-C, `kill -9 -PGID`) does not take it along; it ignores INT, TERM, HUP, QUIT.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';

/** How long orphaned pods get between SIGTERM and SIGKILL. */
export const ORPHAN_GRACE_SECONDS = 2;

const GUARD_SCRIPT = `trap '' INT TERM HUP QUIT
groups=' '
while read -r op pgid; do
  case "$op" in
    add) groups="$groups$pgid " ;;
    del) kept=' '; for g in $groups; do [ "$g" = "$pgid" ] || kept="$kept$g "; done; groups=$kept ;;
  esac
done
[ "$groups" = ' ' ] && exit 0
for g in $groups; do kill -TERM -"$g" 2>/dev/null; done
sleep ${ORPHAN_GRACE_SECONDS}
for g in $groups; do kill -KILL -"$g" 2>/dev/null; done
exit 0`;

export class OrphanGuard {
  private guard: ChildProcess | undefined;
  private readonly groups = new Set<number>();
  private closed = false;

  /** From now on, the group dies with the plane. Starts the guard process on first use. */
  watch(pgid: number | undefined): void {
    if (!pgid || this.closed) return;
    this.groups.add(pgid);
    if (this.guard) this.tell(`add ${pgid}`);
    else this.startGuard();
  }

  /** The group is gone (its leader exited and the group was killed). */
  unwatch(pgid: number | undefined): void {
    if (!pgid || !this.groups.delete(pgid)) return;
    this.tell(`del ${pgid}`);
  }

  /** Every pod is stopped: the guard exits without killing anything still listed. */
  close(): void {
    this.closed = true;
    for (const pgid of this.groups) this.tell(`del ${pgid}`);
    this.groups.clear();
    this.guard?.stdin?.end();
    this.guard = undefined;
  }

  /** The guard's pid (diagnostics and tests). */
  get pid(): number | undefined {
    return this.guard?.pid;
  }

  private startGuard(): void {
    const guard = spawn('/bin/sh', ['-c', GUARD_SCRIPT], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
    this.guard = guard;
    // Neither the guard nor its pipe keeps the plane's process alive: when the plane exits, the pipe closes and the guard acts.
    guard.unref();
    (guard.stdin as Socket | null)?.unref();
    guard.stdin?.on('error', () => undefined); // a guard killed from outside: 'exit' below starts another
    guard.on('error', () => undefined);
    guard.once('exit', () => {
      if (this.guard !== guard) return;
      this.guard = undefined;
      if (!this.closed && this.groups.size > 0) this.startGuard();
    });
    for (const pgid of this.groups) this.tell(`add ${pgid}`);
  }

  private tell(line: string): void {
    const stdin = this.guard?.stdin;
    if (stdin && !stdin.destroyed && stdin.writable) stdin.write(`${line}\n`);
  }
}
