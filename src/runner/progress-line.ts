/** Rendering live progress and run events as terminal text (the CLI decides where it goes). */
import type { LiveProgress } from './run-experiment.ts';

export interface Paint {
  readonly dim: (text: string) => string;
  readonly red: (text: string) => string;
  readonly green: (text: string) => string;
  readonly yellow: (text: string) => string;
}

export function paint(color: boolean): Paint {
  const wrap = (open: number, close: number) => (text: string) => (color ? `\u001b[${open}m${text}\u001b[${close}m` : text);
  return { dim: wrap(2, 22), red: wrap(31, 39), green: wrap(32, 39), yellow: wrap(33, 39) };
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/** One line, redrawn on a TTY: phase, elapsed, rate, success ratio, active faults. */
export function formatProgress(progress: LiveProgress, colors: Paint): string {
  const ratio = progress.successRatio === null ? '   –  ' : `${(progress.successRatio * 100).toFixed(1).padStart(5)}%`;
  const ratioText = progress.successRatio === null ? ratio : progress.successRatio >= 0.99 ? colors.green(ratio) : progress.successRatio >= 0.9 ? colors.yellow(ratio) : colors.red(ratio);
  const faults = progress.activeFaults.length > 0 ? colors.yellow(`faults: ${progress.activeFaults.join(', ')}`) : colors.dim('no faults');
  return `${(progress.phase ?? '–').padEnd(12)} ${seconds(progress.elapsedMs)}/${seconds(progress.plannedMs)}  ${String(progress.ratePerSecond).padStart(5)} req/s  ok ${ratioText}  ${faults}`;
}
