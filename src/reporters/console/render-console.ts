/** Result → the final terminal summary (plain text, ANSI colour only when asked). */
import { failedRatioCodesLine } from '../failure-summary.ts';
import type { CheckResult, CheckVerdict, Result, Verdict } from '../../result/result.ts';
import type { RunEvent } from '../../timeline/events.ts';
import { summarizeCheck } from '../check-summary.ts';
import { formatDuration, formatOffset } from '../../format/duration.ts';
import { type Paint, type Style, painter } from '../../format/paint.ts';
import { CHECK_SYMBOL, VERDICT_SYMBOL } from '../format.ts';
import { displayWidth, padEnd, truncateToWidth, wrap, wrapCell } from './text-width.ts';

const VERDICT_STYLE: Readonly<Record<Verdict | CheckVerdict, Style>> = {
  passed: 'green',
  failed: 'red',
  inconclusive: 'yellow',
  aborted: 'yellow',
  error: 'magenta',
};

/** Terminal text cannot carry control characters from user text (they could rewrite the screen). */
export function terminalSafe(text: string): string {
   
  return text.replace(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g, '�').replace(/\r?\n/g, ' ');
}

export interface WrittenReport {
  readonly label: string;
  readonly path: string;
}

/**
 * The summary printed at the end of a run. When an HTML report was written its path is the
 * last line (the README promises that the run ends with the report path).
 */
export function renderConsoleSummary(result: Result, written: readonly WrittenReport[], color: boolean): string {
  const paint = painter(color);
  const safe = terminalSafe;
  const lines: string[] = [''];
  const style = VERDICT_STYLE[result.verdict];
  lines.push(`${paint(style, paint('bold', `${VERDICT_SYMBOL[result.verdict]} ${result.verdict.toUpperCase()}`))}  ${paint('bold', safe(result.experiment.name))}  ${paint('dim', formatDuration(result.durationMs))}`);
  lines.push(...wrap(safe(result.verdictReason), SUMMARY_WIDTH, '  '));
  if (result.error) lines.push(...wrap(`harness error (${safe(result.error.kind)}): ${safe(result.error.message)}`, SUMMARY_WIDTH, '  ').map((line) => paint('magenta', line)));
  lines.push('');
  if (result.checks.length > 0) lines.push(...renderCheckTable(result.checks, paint), '');
  const html = written.filter((w) => w.label === 'html');
  const others = written.filter((w) => w.label !== 'html');
  for (const report of others) lines.push(`  ${paint('dim', padEnd(report.label, 9))}${report.path}`);
  for (const report of html) lines.push(`Report: ${report.path}`);
  return `${lines.join('\n')}\n`;
}

/** The summary fits a 100-column terminal. */
export const SUMMARY_WIDTH = 100;
/** The name column never shrinks below this (to leave room for wide observed/expected values). */
const MIN_NAME_WIDTH = 16;
const GAP = '  ';

/**
 * `  ✔ name  observed  expected  strict|advisory`, one row per check, with the headline values
 * (a traffic split has one line per instance group, under each other). Only the name column is
 * cut (with `…`) to fit SUMMARY_WIDTH; a value is never cut: one too wide even next to the
 * shortest name column (a very long instance name) wraps within its column. A check that did
 * not pass is followed by its reason, indented and word-wrapped.
 */
function renderCheckTable(checks: readonly CheckResult[], paint: Paint): string[] {
  const rows = checks.map((check) => {
    const summary = summarizeCheck(check);
    return {
      check,
      name: terminalSafe(check.name),
      observed: summary.observed.lines.map(terminalSafe),
      expected: summary.expected.lines.map(terminalSafe),
      mode: summary.mode,
      reason: summary.reason === undefined ? undefined : terminalSafe(summary.reason),
      codes: failedRatioCodesLine(check),
    };
  });
  const widest = (values: readonly string[], header: string) => Math.max(displayWidth(header), ...values.map(displayWidth));
  const wMode = widest(rows.map((r) => r.mode), 'mode');
  const fixed = 4 + GAP.length * 3 + wMode;
  const wNameWanted = widest(rows.map((r) => r.name), 'check');
  let wObserved = widest(rows.flatMap((r) => r.observed), 'observed');
  let wExpected = widest(rows.flatMap((r) => r.expected), 'expected');
  const valueRoom = SUMMARY_WIDTH - fixed - Math.min(wNameWanted, MIN_NAME_WIDTH);
  if (wObserved + wExpected > valueRoom) {
    // Share the room between the two value columns, neither below its header.
    const half = Math.floor(valueRoom / 2);
    if (wObserved <= half) wExpected = valueRoom - wObserved;
    else if (wExpected <= half) wObserved = valueRoom - wExpected;
    else [wObserved, wExpected] = [half, valueRoom - half];
    wObserved = Math.max(wObserved, 'observed'.length);
    wExpected = Math.max(wExpected, 'expected'.length);
  }
  const wName = Math.max(Math.min(wNameWanted, SUMMARY_WIDTH - fixed - wObserved - wExpected), Math.min(wNameWanted, MIN_NAME_WIDTH));

  const lines = [paint('dim', `    ${padEnd('check', wName)}${GAP}${padEnd('observed', wObserved)}${GAP}${padEnd('expected', wExpected)}${GAP}mode`)];
  for (const r of rows) {
    const style = VERDICT_STYLE[r.check.verdict];
    const observed = r.observed.flatMap((line) => wrapCell(line, wObserved));
    const expected = r.expected.flatMap((line) => wrapCell(line, wExpected));
    const height = Math.max(1, observed.length, expected.length);
    for (let i = 0; i < height; i++) {
      const first = i === 0;
      const head = first ? `  ${paint(style, CHECK_SYMBOL[r.check.verdict])} ${padEnd(truncateToWidth(r.name, wName), wName)}` : `    ${' '.repeat(wName)}`;
      const cells = `${GAP}${padEnd(observed[i] ?? '', wObserved)}${GAP}${padEnd(expected[i] ?? '', wExpected)}`;
      lines.push(first ? `${head}${cells}${GAP}${paint('dim', r.mode)}` : `${head}${cells}`.trimEnd());
    }
    if (r.reason !== undefined) lines.push(...wrap(r.reason, SUMMARY_WIDTH, '      ').map((line) => paint(style, line)));
    if (r.codes !== undefined) lines.push(...wrap(terminalSafe(r.codes), SUMMARY_WIDTH, '      ').map((line) => paint(style, line)));
  }
  return lines;
}

const PROGRESS_KINDS = new Set<RunEvent['kind']>(['phase-started', 'fault-applied', 'fault-reverted', 'fault-revert-failed', 'pod-deleted', 'pod-ready', 'guardrail-tripped', 'interrupted']);

/** One line per notable run event, or undefined for events not worth a line. */
export function renderProgressLine(event: RunEvent, color: boolean): string | undefined {
  if (!PROGRESS_KINDS.has(event.kind)) return undefined;
  const paint = painter(color);
  const style: Style = event.kind === 'fault-revert-failed' || event.kind === 'guardrail-tripped' || event.kind === 'interrupted' ? 'red' : event.kind === 'phase-started' ? 'bold' : 'dim';
  return `  ${paint('dim', formatOffset(event.atMs).padStart(7))}  ${paint(style, event.kind.padEnd(19))} ${terminalSafe(event.message)}\n`;
}
