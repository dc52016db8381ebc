/** Rendering live progress as one terminal line (the CLI decides where it goes). */
import { formatOffset } from '../format/duration.ts';
import type { Paint } from '../format/paint.ts';
import { formatPercent } from '../format/percent.ts';
import type { LiveProgress } from './run-experiment.ts';

/** One line, redrawn on a TTY: phase, elapsed of planned on the run clock, rate, success ratio, active faults. */
export function formatProgress(progress: LiveProgress, paint: Paint): string {
  const ratio = progress.successRatio === null ? '   –  ' : formatPercent(progress.successRatio).padStart(6);
  const ratioText = progress.successRatio === null ? ratio : paint(progress.successRatio >= 0.99 ? 'green' : progress.successRatio >= 0.9 ? 'yellow' : 'red', ratio);
  const faults = progress.activeFaults.length > 0 ? paint('yellow', `faults: ${progress.activeFaults.join(', ')}`) : paint('dim', 'no faults');
  return `${(progress.phase ?? '–').padEnd(12)} ${formatOffset(progress.elapsedMs)}/${formatOffset(progress.plannedMs)}  ${String(progress.ratePerSecond).padStart(5)} req/s  ok ${ratioText}  ${faults}`;
}
