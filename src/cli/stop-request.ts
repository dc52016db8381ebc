/**
 * When a long-running command (`rebound toxiproxy`, `rebound cluster up`) must stop: on SIGINT,
 * SIGTERM or SIGHUP, and when its parent process is gone. The last one matters for
 * `npx rebound toxiproxy & … kill $!`: the killed wrapper does not pass the signal on, and
 * the orphan is re-parented (to init or a subreaper), which shows as a changed ppid.
 */
const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const PARENT_POLL_MS = 250;

export type StopReason = NodeJS.Signals | 'parent process gone';

export interface StopRequest {
  /** Resolves with the first reason to stop. */
  readonly received: Promise<StopReason>;
  /** Removes the signal listeners and the parent watch. */
  dispose(): void;
}

export function watchForStop(options: { parentPollMs?: number } = {}): StopRequest {
  const parentAtStart = process.ppid;
  let onStop!: (reason: StopReason) => void;
  const received = new Promise<StopReason>((resolve) => {
    onStop = (reason) => {
      dispose();
      resolve(reason);
    };
  });
  const onSignal = (signal: NodeJS.Signals): void => onStop(signal);
  // Unref'd: the watch alone never keeps the process alive.
  const parentPoll = setInterval(() => {
    if (process.ppid !== parentAtStart) onStop('parent process gone');
  }, options.parentPollMs ?? PARENT_POLL_MS).unref();
  const dispose = (): void => {
    clearInterval(parentPoll);
    for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  return { received, dispose };
}
