/**
 * SIGINT/SIGTERM → abort the run (its one AbortController). Reverts still run: the runner's
 * `finally` does them. A second signal asks for the fast path (shorter drain and timeouts)
 * but never skips a revert.
 */
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
  options: { source?: SignalSource; onHurry?: () => void; signals?: readonly NodeJS.Signals[] } = {},
): SignalWatch {
  const source = options.source ?? process;
  const signals = options.signals ?? ['SIGINT', 'SIGTERM'];
  let first: NodeJS.Signals | undefined;
  let hurried = false;
  const listener = (signal: NodeJS.Signals) => {
    if (first === undefined) {
      first = signal;
      abort(`interrupted by ${signal}`);
    } else if (!hurried) {
      hurried = true;
      options.onHurry?.();
    }
  };
  for (const signal of signals) source.on(signal, listener);
  return {
    interrupted: () => first,
    hurried: () => hurried,
    dispose: () => {
      for (const signal of signals) source.off(signal, listener);
    },
  };
}
