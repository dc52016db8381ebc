/** repeats.html: the verdict across the repeats, each check's pooled value, each repeat's verdicts, links to each repeat's report. No script, no network, every text escaped. */
import type { CombinedCheck } from './repeat-verdict.ts';
import type { CombinedRun } from './repeat-report.ts';

export function escapeHtml(text: unknown): string {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const pct = (value: number | null) => (value === null ? 'n/a' : `${(Math.round(value * 10000) / 100).toFixed(2)} %`);

function pooledCell(check: CombinedCheck): string {
  if (!check.pooled) return `${check.passedRepeats} of ${check.perRepeat.length} passed (needs ${check.requiredRepeats})`;
  const p = check.pooled;
  return `${pct(p.ratio)} of n=${p.n}, 95 % [${pct(p.interval[0])}, ${pct(p.interval[1])}] vs ${p.bound} ${pct(p.limit)}`;
}

function valueText(key: string | undefined, value: number | null | undefined): string {
  if (key === undefined || value === undefined) return '';
  if (value === null) return `${key} n/a`;
  return key === 'ratio' ? pct(value) : `${key} ${Math.round(value)}`;
}

const CSS = `body{font:15px/1.45 system-ui,sans-serif;color:#1b1f24;margin:0}main{max-width:1100px;margin:0 auto;padding:0 24px 40px}
.banner{padding:18px 24px;margin:0 -24px 12px;border-bottom:6px solid #888}.v-passed{background:#dafbe1;border-color:#1a7f37}.v-failed{background:#ffebe9;border-color:#cf222e}
.v-inconclusive,.v-aborted{background:#fff8c5;border-color:#9a6700}.v-error{background:#f6e8ff;border-color:#6e2b8a}
table{border-collapse:collapse;width:100%;margin:8px 0 20px}th,td{border-bottom:1px solid #d5dae1;padding:5px 8px;text-align:left;vertical-align:top;overflow-wrap:anywhere}
.c-passed{color:#1a7f37;font-weight:600}.c-failed{color:#cf222e;font-weight:600}.c-inconclusive,.c-untrusted,.c-missing,.c-error{color:#9a6700;font-weight:600}.muted{color:#4d5661}`;

export function renderRepeatsHtml(combined: CombinedRun): string {
  const e = escapeHtml;
  const checkRows = combined.checks
    .map((check) => {
      const cells = check.perRepeat.map((v) => `<td class="c-${e(v)}">${e(v)}</td>`).join('');
      return `<tr><td>${e(check.name)}${check.strict ? '' : ' <span class="muted">(advisory)</span>'}</td><td class="c-${e(check.verdict)}">${e(check.verdict)}</td><td>${e(pooledCell(check))}</td>${cells}</tr>`;
    })
    .join('\n');
  const repeatHeads = combined.repeats.map((r) => `<th>#${r.index}</th>`).join('');
  const repeatRows = combined.repeats
    .map((r) => {
      const link = r.report ? `<a href="${e(r.report)}">report</a>` : r.result ? `<a href="${e(r.result)}">result.json</a>` : '';
      const values = r.checks.map((c) => `${c.name}: ${c.verdict}${c.key ? ` (${valueText(c.key, c.value)})` : ''}`).join('; ');
      return `<tr><td>#${r.index}</td><td class="c-${e(r.verdict ?? 'missing')}">${e(r.verdict ?? 'no result')}${r.interrupted ? ' (interrupted)' : ''}</td><td>${e(r.verdictReason ?? r.note ?? '')}<div class="muted">${e(values)}</div></td><td>${link}</td></tr>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">
<title>${e(combined.experiment.name)}: ${e(combined.verdict)} across ${combined.repeats.length} repeats</title><style>${CSS}</style></head>
<body><main>
<div class="banner v-${e(combined.verdict)}"><h1>${e(combined.experiment.name)} — ${e(combined.verdict.toUpperCase())} across ${combined.repeats.length} of ${combined.requested} repeats</h1>
<p>${e(combined.verdictReason)}</p>
<p class="muted">Ratio checks: pooled successes over pooled samples, passed when the 95 % Wilson bound clears the SLO. Other checks: passed when at least ⌈${e(combined.quantile)}·N⌉ repeats passed. Repeats that were not conclusive count for nothing.</p></div>
<h2>Checks across the repeats</h2>
<table><thead><tr><th>check</th><th>verdict</th><th>pooled</th>${repeatHeads}</tr></thead><tbody>
${checkRows}
</tbody></table>
<h2>Repeats</h2>
<table><thead><tr><th>repeat</th><th>verdict</th><th>why, and each check</th><th></th></tr></thead><tbody>
${repeatRows}
</tbody></table>
<p class="muted">${e(combined.experiment.file)}</p>
</main></body></html>
`;
}
