/** `rebound compare` as a console table: per check, each observed value in A and B, the delta, the expectation, and the regressions. */
import type { Paint } from '../format/paint.ts';
import { displayWidth, truncateToWidth } from '../reporters/console/text-width.ts';
import type { CheckComparison, Comparison, ValueRow } from './compare.ts';

const MAX_CELL = 48;

function formatValue(key: string, value: number | null | undefined): string {
  if (value === undefined) return '—';
  if (value === null) return 'n/a';
  if (key === 'ratio') return `${(value * 100).toFixed(2)} %`;
  if (key.endsWith('Ms')) return `${Math.round(value)} ms`;
  return Number.isInteger(value) ? String(value) : value.toFixed(3);
}

function formatDelta(row: ValueRow): string {
  if (row.delta === null) return '';
  const sign = row.delta > 0 ? '+' : row.delta < 0 ? '−' : '±';
  const magnitude = Math.abs(row.delta);
  if (row.key === 'ratio') return `${sign}${(magnitude * 100).toFixed(2)} pt`;
  if (row.key.endsWith('Ms')) return `${sign}${Math.round(magnitude)} ms`;
  return `${sign}${Number.isInteger(magnitude) ? magnitude : magnitude.toFixed(3)}`;
}

function formatExpected(expected: Readonly<Record<string, unknown>>): string {
  return Object.entries(expected)
    .filter(([, value]) => typeof value === 'number' || typeof value === 'string')
    .map(([key, value]) => `${key} ${typeof value === 'number' && (key === 'min' || key === 'max' || key === 'threshold') ? `${(value * 100).toFixed(2)} %` : String(value)}`)
    .join(', ');
}

function verdictCell(check: CheckComparison, paint: Paint): string {
  const colour = (verdict: string | undefined) => {
    if (verdict === undefined) return '—';
    return paint(verdict === 'passed' ? 'green' : verdict === 'failed' ? 'red' : 'yellow', verdict);
  };
  return `${colour(check.a?.verdict)} → ${colour(check.b?.verdict)}`;
}

export function renderComparison(comparison: Comparison, paint: Paint): string {
  const header = ['check', 'A → B', 'value', 'A', 'B', 'Δ', 'expected'];
  const rows: string[][] = [];
  for (const check of comparison.checks) {
    const name = truncateToWidth(`${check.regressions.some((r) => r.strict) ? '✗ ' : check.regressions.length > 0 ? '! ' : '  '}${check.name}${check.strict ? '' : ' (advisory)'}`, MAX_CELL);
    const values = check.values.length > 0 ? check.values : [{ key: '', a: undefined, b: undefined, delta: null }];
    values.forEach((row, i) => {
      rows.push([i === 0 ? name : '', i === 0 ? verdictCell(check, paint) : '', row.key, row.key ? formatValue(row.key, row.a) : '', row.key ? formatValue(row.key, row.b) : '', formatDelta(row), i === 0 ? truncateToWidth(formatExpected(check.expected), MAX_CELL) : '']);
    });
  }
  const widths = header.map((h, col) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(stripAnsi(r[col]!)))));
  const line = (cells: readonly string[]) => cells.map((cell, col) => cell + ' '.repeat(Math.max(0, widths[col]! - displayWidth(stripAnsi(cell))))).join('  ').trimEnd();
  const out: string[] = [];
  out.push(`A: ${comparison.a.label}  (${comparison.a.experiment}, ${comparison.a.startedAt}, ${comparison.a.verdict})`);
  out.push(`B: ${comparison.b.label}  (${comparison.b.experiment}, ${comparison.b.startedAt}, ${comparison.b.verdict})`);
  out.push('');
  out.push(paint('bold', line(header)));
  for (const row of rows) out.push(line(row));
  out.push('');
  for (const note of comparison.notes) out.push(paint('dim', `note: ${note}`));
  if (comparison.regressions.length === 0) {
    out.push(paint('green', `No regression (times: tolerance ${Math.round(comparison.timeTolerance * 100)} % and ${comparison.timeFloorMs} ms; ratios: 95 % Wilson intervals).`));
  } else {
    for (const r of comparison.regressions) out.push(`${r.strict ? paint('red', 'REGRESSION') : paint('yellow', 'advisory regression')}  ${r.check}: ${r.message}`);
    const strict = comparison.regressions.filter((r) => r.strict).length;
    out.push(strict > 0 ? paint('red', `${strict} regression${strict === 1 ? '' : 's'} from A to B.`) : paint('yellow', 'Only advisory checks regressed.'));
  }
  return `${out.join('\n')}\n`;
}

function stripAnsi(text: string): string {
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}
