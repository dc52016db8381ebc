/**
 * Keeps the journal's list of local-plane pod process groups current, so that `cleanup` finds
 * the pods after a SIGKILL: once when the plane is up, then shortly after each pod is created or
 * becomes Ready (replacements are new processes). Leaders' start times are journaled with them,
 * so that a sweep never kills a reused pid.
 */
import type { RunEvent } from '../timeline/events.ts';
import type { Journal } from './journal.ts';
import { descendantProcessGroups } from './process-groups.ts';
import { processStartTime } from './process-identity.ts';

const REFRESH_DELAY_MS = 300;

export class PodProcessRecorder {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly journal: Journal,
    /** Process groups of the infra hosts, journaled on their own. */
    private readonly hostGroups: ReadonlySet<number>,
    private readonly onNote: (line: string) => void,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Lists and journals the pod process groups now. */
  async record(): Promise<void> {
    let all: number[];
    try {
      all = await descendantProcessGroups();
    } catch (error) {
      // Without `ps` the run still works; only `cleanup` after a SIGKILL cannot find the pods.
      this.onNote(`cannot list the local pod processes for the journal: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    const groups = all.filter((pgid) => !this.hostGroups.has(pgid));
    const startTimes: Record<string, string> = {};
    for (const pgid of groups) {
      const startTime = processStartTime(pgid);
      if (startTime) startTimes[String(pgid)] = startTime;
    }
    await this.journal.setInfrastructure({ podProcessGroups: groups, podProcessStartTimes: startTimes });
  }

  /** Feed run events: pod creations and readiness schedule a refresh. */
  readonly observe = (event: RunEvent): void => {
    if ((event.kind !== 'pod-created' && event.kind !== 'pod-ready') || this.timer || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.stopped) this.record().catch(this.onError);
    }, REFRESH_DELAY_MS);
  };

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
