/**
 * Result → junit.xml in the Jenkins/Ant "junit-10" shape that CI servers accept: one
 * <testsuite> per run (named after the experiment), one <testcase> per check.
 *   failed strict check  → <failure message type>
 *   check in error       → <error message type>
 *   inconclusive check   → <skipped message>
 *   advisory failure     → a passing testcase with a <system-out> note (advisory checks never
 *                          fail a run; the note keeps them visible in CI)
 *   every testcase       → the observed and expected values in <system-out>, and as its time
 *                          the length of the window the check judged
 * A run that did not pass on its checks alone — `error`, `aborted`, `inconclusive` (the harness
 * could not measure reliably, or too few samples), interrupted — gets one more testcase, `run`,
 * carrying why as <error>/<failure>, so a CI test view never shows green for a job that failed.
 */
import type { CheckResult, Result } from '../../result/result.ts';
import { formatInterval } from '../../format/percent.ts';
import { ratioLimits, formatCheckRecord } from '../check-summary.ts';
import { REPORT_PERCENT } from '../format.ts';
import { xmlAttribute, xmlText } from './xml-escape.ts';

interface Case {
  readonly name: string;
  readonly classname: string;
  /** Seconds, as JUnit counts them. */
  readonly time: string;
  readonly outcome?: { readonly tag: 'failure' | 'error' | 'skipped'; readonly message: string; readonly type?: string; readonly body?: string };
  readonly systemOut?: string;
}

function seconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(3);
}

function details(check: CheckResult): string {
  const lines = [
    `check: ${check.name} (${check.kind}, ${check.strict ? 'strict' : 'advisory'})`,
    `verdict: ${check.verdict}`,
    `observed: ${formatCheckRecord(check, 'observed')}`,
    `expected: ${formatCheckRecord(check, 'expected')}`,
  ];
  if (check.n !== undefined) lines.push(`n: ${check.n}`);
  if (check.interval) lines.push(`95% interval: ${formatInterval(check.interval, { ...REPORT_PERCENT, against: ratioLimits(check) })}`);
  lines.push(`reason: ${check.reason}`);
  return lines.join('\n');
}

/** The length of the window a check judged (its markers), 0 when it names none. */
function windowSeconds(check: CheckResult): string {
  const { fromMs, toMs } = (check.markers ?? {}) as { fromMs?: number; toMs?: number };
  return seconds(fromMs !== undefined && toMs !== undefined ? toMs - fromMs : 0);
}

function caseFor(check: CheckResult, classname: string): Case {
  const base = { name: check.name, classname, time: windowSeconds(check), systemOut: details(check) };
  if (check.verdict === 'inconclusive') return { ...base, outcome: { tag: 'skipped', message: `inconclusive: ${check.reason}` } };
  if (!check.strict) {
    if (check.verdict === 'passed') return base;
    return { ...base, systemOut: `ADVISORY check ${check.verdict} (not strict, does not fail the run): ${check.reason}\n${details(check)}` };
  }
  if (check.verdict === 'failed') return { ...base, outcome: { tag: 'failure', message: check.reason, type: check.kind, body: details(check) } };
  if (check.verdict === 'error') return { ...base, outcome: { tag: 'error', message: check.reason, type: check.kind, body: details(check) } };
  return base;
}

function runCase(result: Result, classname: string): Case | undefined {
  const base = { name: 'run', classname, time: seconds(result.durationMs) };
  if (result.verdict === 'error') {
    const message = result.error?.message ?? result.verdictReason;
    return { ...base, outcome: { tag: 'error', message, type: result.error?.kind ?? 'error', body: `${result.verdictReason}\n${message}` } };
  }
  if (result.verdict === 'aborted') return { ...base, outcome: { tag: 'failure', message: result.verdictReason, type: 'aborted' } };
  if (result.interrupted) return { ...base, outcome: { tag: 'error', message: `interrupted: ${result.verdictReason}`, type: 'interrupted' } };
  if (result.verdict === 'inconclusive') {
    const harness = result.harness && !result.harness.healthy ? `\n${result.harness.warnings.join('\n')}` : '';
    return { ...base, outcome: { tag: 'error', message: `inconclusive: ${result.verdictReason}`, type: 'inconclusive', body: `${result.verdictReason}${harness}` } };
  }
  return undefined;
}

function renderCase(c: Case): string {
  const open = `    <testcase name="${xmlAttribute(c.name)}" classname="${xmlAttribute(c.classname)}" time="${c.time}"`;
  const children: string[] = [];
  if (c.outcome) {
    const type = c.outcome.type !== undefined ? ` type="${xmlAttribute(c.outcome.type)}"` : '';
    const attributes = `message="${xmlAttribute(c.outcome.message)}"${type}`;
    children.push(c.outcome.body !== undefined ? `      <${c.outcome.tag} ${attributes}>${xmlText(c.outcome.body)}</${c.outcome.tag}>` : `      <${c.outcome.tag} ${attributes}/>`);
  }
  if (c.systemOut !== undefined) children.push(`      <system-out>${xmlText(c.systemOut)}</system-out>`);
  return children.length === 0 ? `${open}/>` : `${open}>\n${children.join('\n')}\n    </testcase>`;
}

export function renderJunit(result: Result): string {
  const classname = `rebound.${result.experiment.name}`;
  const cases = result.checks.map((check) => caseFor(check, classname));
  const run = runCase(result, classname);
  if (run) cases.push(run);
  const failures = cases.filter((c) => c.outcome?.tag === 'failure').length;
  const errors = cases.filter((c) => c.outcome?.tag === 'error').length;
  const skipped = cases.filter((c) => c.outcome?.tag === 'skipped').length;
  const time = seconds(result.durationMs);
  const properties: [string, string][] = [
    ['verdict', result.verdict],
    ['verdictReason', result.verdictReason],
    ['interrupted', String(result.interrupted)],
    ['experimentFile', result.experiment.file],
    ['rebound', result.rebound.version],
    ['node', result.environment.node],
    ['loadDriver', result.load.driver],
    ['targetRate', result.load.targetRate],
    ['requests', String(result.load.total)],
  ];
  if (result.environment.toxiproxy) properties.push(['toxiproxy', result.environment.toxiproxy.url]);
  if (result.environment.kubernetes) properties.push(['kubernetes', result.environment.kubernetes.local ? 'local' : (result.environment.kubernetes.context ?? 'kubeconfig')]);
  if (result.error) properties.push(['error', `${result.error.kind}: ${result.error.message}`]);
  const timestamp = result.startedAt.replace(/\.\d+Z$/, '').replace(/Z$/, '');
  const hostname = result.environment.hostname ?? 'localhost';
  const counts = `tests="${cases.length}" failures="${failures}" errors="${errors}"`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="rebound" ${counts} time="${time}">`,
    `  <testsuite name="${xmlAttribute(result.experiment.name)}" ${counts} skipped="${skipped}" time="${time}" timestamp="${xmlAttribute(timestamp)}" hostname="${xmlAttribute(hostname)}" id="0" package="rebound">`,
    '    <properties>',
    ...properties.map(([name, value]) => `      <property name="${xmlAttribute(name)}" value="${xmlAttribute(value)}"/>`),
    '    </properties>',
    ...cases.map(renderCase),
    `    <system-out>${xmlText(`${result.verdict.toUpperCase()}: ${result.verdictReason}`)}</system-out>`,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
