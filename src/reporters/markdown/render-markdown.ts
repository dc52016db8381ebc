/**
 * Result → summary.md, shaped for $GITHUB_STEP_SUMMARY: verdict, checks table (headline observed
 * vs expected, details in small print under them), why each check that did not pass did not,
 * phases table and where the HTML report is. User text is escaped so that it can neither break
 * a table nor inject markdown or HTML; the only HTML is the `<br>` and `<sub>` added here.
 */
import { basename, isAbsolute } from 'node:path';
import type { Result } from '../../result/result.ts';
import { type CheckHeadline, summarizeCheck } from '../check-summary.ts';
import { formatDuration } from '../../format/duration.ts';
import { formatPercent } from '../../format/percent.ts';
import { CHECK_SYMBOL, REPORT_PERCENT, VERDICT_SYMBOL, formatCount, formatFailures } from '../format.ts';
import { servedByShareLines } from '../html/served-by-shares.ts';
import { failedRatioCodesLine } from '../failure-summary.ts';

export interface MarkdownOptions {
  /** Name of the CI artifact holding report.html, when the workflow uploads one. */
  readonly htmlArtifactName?: string;
  /** report.html relative to summary.md (never a runner-local absolute path: the summary travels to CI pages). */
  readonly htmlPath?: string;
  /** Running under GitHub Actions: the report is read from the workflow artifact, not from the runner's disk. */
  readonly githubActions?: boolean;
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

/** Headline lines, one per line, with the detail line in small print under them. */
function headlineCell(headline: CheckHeadline): string {
  const lines = headline.lines.map(escapeMarkdown);
  if (headline.sub) lines.push(`<sub>${escapeMarkdown(headline.sub)}</sub>`);
  return lines.join('<br>');
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
    lines.push(row(['Verdict', 'Check', 'Observed', 'Expected', 'Mode']));
    lines.push(row(['---', '---', '---', '---', '---']));
    const notPassed: string[] = [];
    for (const check of result.checks) {
      const summary = summarizeCheck(check);
      const verdict = `${CHECK_SYMBOL[check.verdict]} ${check.verdict}`;
      lines.push(row([verdict, e(check.name), headlineCell(summary.observed), headlineCell(summary.expected), summary.mode]));
      if (summary.reason !== undefined) notPassed.push(`- ${verdict} **${e(check.name)}**: ${e(summary.reason)}`);
      const codes = failedRatioCodesLine(check);
      if (codes !== undefined) notPassed.push(`  - ${e(codes)}`);
    }
    lines.push('');
    if (notPassed.length > 0) lines.push(...notPassed, '');
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
        formatPercent(phase.successRatio, REPORT_PERCENT),
        e(formatFailures(phase.failuresByKind)),
        phase.latency ? formatDuration(phase.latency.p99) : '—',
        e(servedByShareLines(phase, result.load.servedByHeader).join(', ')),
      ]),
    );
  }
  lines.push('');

  lines.push(...reportLink(options));
  return lines.join('\n');
}

/** Where report.html is: a relative link (summary.md sits next to it), and under CI the artifact that carries it. */
function reportLink(options: MarkdownOptions): string[] {
  if (options.htmlArtifactName) return [`Full report: \`report.html\` in the workflow artifact **${escapeMarkdown(options.htmlArtifactName)}**.`, ''];
  if (!options.htmlPath) return [];
  // A runner-local absolute path means nothing to whoever reads the summary elsewhere.
  const path = isAbsolute(options.htmlPath) ? basename(options.htmlPath) : options.htmlPath;
  const link = `[${escapeMarkdown(path)}](${encodeURI(path.replace(/\\/g, '/')).replace(/[()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)})`;
  if (options.githubActions) return [`Full report: ${link} in the run's output directory (upload it with actions/upload-artifact to keep it with this run).`, ''];
  return [`Full report: ${link} (next to this summary).`, ''];
}
