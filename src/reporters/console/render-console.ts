/** Result → the final terminal summary (plain text, ANSI colour only when asked). */
import type { CheckVerdict, Result, Verdict } from '../../result/result.ts';
import type { RunEvent } from '../../timeline/events.ts';
import { CHECK_SYMBOL, VERDICT_SYMBOL, formatCheckValues, formatDuration, formatOffset } from '../format.ts';

export interface Paint {
  (style: Style, text: string): string;
}

type Style = 'green' | 'red' | 'yellow' | 'magenta' | 'dim' | 'bold';

const ANSI: Readonly<Record<Style, [number, number]>> = {
  green: [32, 39],
  red: [31, 39],
  yellow: [33, 39],
  magenta: [35, 39],
  dim: [2, 22],
  bold: [1, 22],
};

export function painter(color: boolean): Paint {
  return color ? (style, text) => `\u001b[${ANSI[style][0]}m${text}\u001b[${ANSI[style][1]}m` : (_style, text) => text;
}

const VERDICT_STYLE: Readonly<Record<Verdict | CheckVerdict, Style>> = {
  passed: 'green',
  failed: 'red',
  inconclusive: 'yellow',
  aborted: 'yellow',
  error: 'magenta',
};

/** Terminal text cannot carry control characters from user text (they could rewrite the screen). */
export function terminalSafe(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g, '�').replace(/\r?\n/g, ' ');
}

function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - [...text].length));
}

function truncate(text: string, width: number): string {
  const chars = [...text];
  return chars.length <= width ? text : `${chars.slice(0, width - 1).join('')}…`;
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
  lines.push(`  ${safe(result.verdictReason)}`);
  if (result.error) lines.push(`  ${paint('magenta', `harness error (${safe(result.error.kind)}): ${safe(result.error.message)}`)}`);
  lines.push('');
  if (result.checks.length > 0) {
    const rows = result.checks.map((check) => ({
      symbol: CHECK_SYMBOL[check.verdict],
      style: VERDICT_STYLE[check.verdict],
      name: truncate(safe(check.name), 40),
      observed: truncate(safe(formatCheckValues(check.observed)), 36),
      expected: truncate(safe(formatCheckValues(check.expected)), 44),
      mode: check.strict ? 'strict' : 'advisory',
    }));
    const width = (pick: (r: (typeof rows)[number]) => string, header: string) => Math.max(header.length, ...rows.map((r) => [...pick(r)].length));
    const wName = width((r) => r.name, 'check');
    const wObserved = width((r) => r.observed, 'observed');
    const wExpected = width((r) => r.expected, 'expected');
    lines.push(paint('dim', `    ${pad('check', wName)}  ${pad('observed', wObserved)}  ${pad('expected', wExpected)}  mode`));
    for (const r of rows) {
      lines.push(`  ${paint(r.style, r.symbol)} ${pad(r.name, wName)}  ${pad(r.observed, wObserved)}  ${pad(r.expected, wExpected)}  ${paint('dim', r.mode)}`);
    }
    lines.push('');
  }
  const html = written.filter((w) => w.label === 'html');
  const others = written.filter((w) => w.label !== 'html');
  for (const report of others) lines.push(`  ${paint('dim', pad(report.label, 9))}${report.path}`);
  for (const report of html) lines.push(`Report: ${report.path}`);
  return `${lines.join('\n')}\n`;
}

const PROGRESS_KINDS = new Set<RunEvent['kind']>(['phase-started', 'fault-applied', 'fault-reverted', 'fault-revert-failed', 'pod-deleted', 'pod-ready', 'guardrail-tripped', 'interrupted']);

/** One line per notable run event, or undefined for events not worth a line. */
export function renderProgressLine(event: RunEvent, color: boolean): string | undefined {
  if (!PROGRESS_KINDS.has(event.kind)) return undefined;
  const paint = painter(color);
  const style: Style = event.kind === 'fault-revert-failed' || event.kind === 'guardrail-tripped' || event.kind === 'interrupted' ? 'red' : event.kind === 'phase-started' ? 'bold' : 'dim';
  return `  ${paint('dim', formatOffset(event.atMs).padStart(7))}  ${paint(style, event.kind.padEnd(19))} ${terminalSafe(event.message)}\n`;
}
