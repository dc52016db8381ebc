/**
 * SIGINT, SIGTERM and SIGHUP (a dropped ssh session) → abort the run (its one AbortController).
 * Reverts still run: the run's teardown stack does them. A second signal asks for the fast path
 * (no waiting for the load's drain) but never skips a revert.
 *
 * npm and npx pass the terminal's Ctrl-C on to the process group, so one Ctrl-C can arrive twice
 * within a moment; a repeat within DUPLICATE_WINDOW_MS of the first is that echo, not a second
 * Ctrl-C (as Playwright's SIGINT watcher does).
 */
export const DUPLICATE_WINDOW_MS = 1000;

export interface SignalWatch {
  /** The signal that interrupted the run, if any. */
  readonly interrupted: () => NodeJS.Signals | undefined;
  /** True once a second signal arrived. */
  readonly hurried: () => boolean;
  dispose(): void;
}

export interface SignalSource {
  on(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  off(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
}

export function watchSignals(
  abort: (reason: string) => void,
  options: { source?: SignalSource; onHurry?: () => void; signals?: readonly NodeJS.Signals[]; now?: () => number } = {},
): SignalWatch {
  const source = options.source ?? process;
  const signals = options.signals ?? ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const now = options.now ?? (() => performance.now());
  let first: { signal: NodeJS.Signals; atMs: number } | undefined;
  let hurried = false;
  const listener = (signal: NodeJS.Signals) => {
    if (first === undefined) {
      first = { signal, atMs: now() };
      abort(`interrupted by ${signal}`);
    } else if (!hurried && now() - first.atMs >= DUPLICATE_WINDOW_MS) {
      hurried = true;
      options.onHurry?.();
    }
  };
  for (const signal of signals) source.on(signal, listener);
  return {
    interrupted: () => first?.signal,
    hurried: () => hurried,
    dispose: () => {
      for (const signal of signals) source.off(signal, listener);
    },
  };
}
