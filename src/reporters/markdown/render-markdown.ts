/**
 * Result → summary.md, shaped for $GITHUB_STEP_SUMMARY: verdict, checks table, phases table and
 * where the HTML report is. User text is escaped so that it can neither break a table nor
 * inject markdown or HTML.
 */
import type { Result } from '../../result/result.ts';
import { CHECK_SYMBOL, VERDICT_SYMBOL, formatCheckValues, formatCount, formatDuration, formatInterval, formatRatio } from '../format.ts';
import { formatFailures, formatServedBy } from '../html/view-model.ts';

export interface MarkdownOptions {
  /** Name of the CI artifact holding report.html, when the workflow uploads one. */
  readonly htmlArtifactName?: string;
  /** Where report.html was written (shown when no artifact name is known). */
  readonly htmlPath?: string;
}

/** Escapes markdown and HTML metacharacters; newlines become spaces (table cells are one line). */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\r?\n|\r/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|~])/g, '\\$1');
}

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

export function renderMarkdown(result: Result, options: MarkdownOptions = {}): string {
  const e = escapeMarkdown;
  const lines: string[] = [];
  lines.push(`## ${VERDICT_SYMBOL[result.verdict]} ${result.verdict.toUpperCase()}: ${e(result.experiment.name)}`, '');
  lines.push(`**${e(result.verdictReason)}**`, '');
  if (result.error) lines.push(`> Harness error (${e(result.error.kind)}): ${e(result.error.message)}`, '');
  if (result.interrupted) lines.push('> The run was interrupted; applied faults were reverted.', '');
  lines.push(
    `${formatDuration(result.durationMs)} · ${formatCount(result.load.total)} requests · ${e(result.load.targetRate)} target · ${result.faults.length} fault${result.faults.length === 1 ? '' : 's'} · started ${e(result.startedAt)}`,
    '',
  );

  lines.push('### Checks', '');
  if (result.checks.length === 0) lines.push('_No checks were defined._', '');
  else {
    lines.push(row(['Verdict', 'Check', 'Observed', 'Expected', 'n', '95% interval', 'Mode', 'Why']));
    lines.push(row(['---', '---', '---:', '---', '---:', '---', '---', '---']));
    for (const check of result.checks) {
      lines.push(
        row([
          `${CHECK_SYMBOL[check.verdict]} ${check.verdict}`,
          e(check.name),
          e(formatCheckValues(check.observed)),
          e(formatCheckValues(check.expected)),
          check.n === undefined ? '—' : formatCount(check.n),
          e(formatInterval(check.interval)),
          check.strict ? 'strict' : 'advisory',
          e(check.reason),
        ]),
      );
    }
    lines.push('');
  }

  lines.push('### Phases', '');
  lines.push(row(['Phase', 'Duration', 'Requests', 'Success', 'Failures', 'p99', 'Served by']));
  lines.push(row(['---', '---:', '---:', '---:', '---', '---:', '---']));
  for (const phase of result.phases) {
    lines.push(
      row([
        e(phase.name),
        formatDuration(phase.endMs - phase.startMs),
        formatCount(phase.total),
        formatRatio(phase.successRatio),
        e(formatFailures(phase.failuresByKind)),
        phase.latency ? formatDuration(phase.latency.p99) : '—',
        e(formatServedBy(phase.servedBy)),
      ]),
    );
  }
  lines.push('');

  if (options.htmlArtifactName) lines.push(`Full report: \`report.html\` in the workflow artifact **${e(options.htmlArtifactName)}**.`, '');
  else if (options.htmlPath) lines.push(`Full report: \`${options.htmlPath.replace(/`/g, "'")}\``, '');
  return lines.join('\n');
}
