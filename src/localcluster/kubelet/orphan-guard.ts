/**
 * Pod processes must never outlive the plane that started them, even when the plane is
 * SIGKILLed and can clean nothing up. The guard is one small `sh` process per kubelet that
 * holds a list of the pods' process groups, told over a pipe ("add PGID" / "del PGID"). Only
 * the plane holds the other end of that pipe (libuv opens it close-on-exec, so no pod inherits
 * it): when the plane dies, the kernel closes it, `read` sees end-of-file, and the guard SIGTERMs
 * every listed group, then SIGKILLs them after a grace.
 *
 * Why a separate process and not a wrapper around each pod: each container stays the plane's
 * own child, leading its own group, so its pid, start time, exit code and signal are exactly
 * what they were, and no extra process sits in a pod's group, where it would linger as a zombie
 * after the group is killed. The guard is forked off a short-lived `sh` in a session of its own:
 * it is no descendant of the plane, so the runner's journal of pod process groups (groups led by
 * the plane's descendants, src/runner/process-groups.ts) does not list it, and a signal to the
 * plane's process group (Ctrl-C, `kill -9 -PGID`) does not reach it; it ignores INT, TERM, HUP
 * and QUIT. It reads fd 3, not stdin: Node closes a child's stdin when the child (here the
 * short-lived sh) exits.
 */
import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';

/** How long orphaned pods get between SIGTERM and SIGKILL. */
export const ORPHAN_GRACE_SECONDS = 2;

const GUARD_SCRIPT = `(
  trap '' INT TERM HUP QUIT
  groups=' '
  while read -r op pgid <&3; do
    case "$op" in
      add) groups="$groups$pgid " ;;
      del) kept=' '; for g in $groups; do [ "$g" = "$pgid" ] || kept="$kept$g "; done; groups=$kept ;;
    esac
  done
  [ "$groups" = ' ' ] && exit 0
  for g in $groups; do kill -TERM -"$g" 2>/dev/null; done
  sleep ${ORPHAN_GRACE_SECONDS}
  for g in $groups; do kill -KILL -"$g" 2>/dev/null; done
) </dev/null >/dev/null 2>&1 &`;

export class OrphanGuard {
  private pipe: Socket | undefined;
  private readonly groups = new Set<number>();
  private closed = false;

  /** From now on, the group dies with the plane. Starts the guard process on first use. */
  watch(pgid: number | undefined): void {
    if (!pgid || this.closed) return;
    this.groups.add(pgid);
    if (this.pipe) this.tell(`add ${pgid}`);
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
    this.pipe?.end();
    this.pipe = undefined;
  }

  private startGuard(): void {
    const launcher = spawn('/bin/sh', ['-c', GUARD_SCRIPT], { detached: true, stdio: ['ignore', 'ignore', 'ignore', 'pipe'] });
    launcher.on('error', () => undefined);
    launcher.unref();
    const pipe = launcher.stdio[3] as Socket | null;
    if (!pipe) return;
    // Neither the launcher nor the pipe keeps the plane's process alive: when the plane exits, the pipe closes and the guard acts.
    pipe.unref();
    pipe.on('error', () => {
      // The guard was killed from outside: the next watch starts another with the whole list.
      if (this.pipe === pipe) this.pipe = undefined;
    });
    this.pipe = pipe;
    for (const pgid of this.groups) this.tell(`add ${pgid}`);
  }

  private tell(line: string): void {
    const pipe = this.pipe;
    if (pipe && !pipe.destroyed && pipe.writable) pipe.write(`${line}\n`);
  }
}
