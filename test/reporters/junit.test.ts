import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderJunit } from '../../src/reporters/junit/render-junit.ts';
import { xmlAttribute, xmlText } from '../../src/reporters/junit/xml-escape.ts';
import type { Result } from '../../src/result/result.ts';
import { makeResult } from './fixtures/make-result.ts';
import { HOSTILE, requireTool, withTempDir } from './helpers.ts';

const XSD = fileURLToPath(new URL('./junit-10.xsd', import.meta.url));

async function xmllint(xml: string): Promise<{ status: number | null; stderr: string }> {
  return withTempDir(async (dir) => {
    const file = join(dir, 'junit.xml');
    await writeFile(file, xml);
    const run = spawnSync('xmllint', ['--noout', '--schema', XSD, file], { encoding: 'utf8' });
    return { status: run.status, stderr: run.stderr };
  });
}

function testcase(xml: string, name: string): string {
  const start = xml.indexOf(`<testcase name="${name}"`);
  expect(start, `testcase ${name}`).to.be.greaterThan(-1);
  const selfClosing = xml.indexOf('/>', start);
  const close = xml.indexOf('</testcase>', start);
  const next = xml.indexOf('<testcase', start + 1);
  const end = close !== -1 && (next === -1 || close < next) ? close : selfClosing;
  return xml.slice(start, end);
}

describe('reporters: JUnit XML', () => {
  it('validates against the junit-10 XML Schema for every variant, hostile text included', async function () {
    requireTool(this, 'xmllint', 'libxml2-utils');
    const variants: Result[] = [
      makeResult(),
      makeResult({ variant: 'failed' }),
      makeResult({ variant: 'error' }),
      makeResult({ variant: 'error', hostile: `${HOSTILE} "quoted" & \u0007bell\u001b[31m ]]> \ud800` }),
    ];
    for (const result of variants) {
      const outcome = await xmllint(renderJunit(result));
      expect(outcome.stderr, outcome.stderr).to.include('validates');
      expect(outcome.status).to.equal(0);
    }
  });

  it('rejects a document the schema does not allow (the validation can fail)', async function () {
    requireTool(this, 'xmllint', 'libxml2-utils');
    const broken = renderJunit(makeResult()).replace('<testsuite name=', '<testsuite tests-missing="1" name=').replace(/ tests="7"/g, '');
    const outcome = await xmllint(broken);
    expect(outcome.status).to.not.equal(0);
  });

  it('maps check verdicts: failure, error, skipped, advisory note', () => {
    const failed = renderJunit(makeResult({ variant: 'failed' }));
    expect(failed).to.match(/<testsuite name="payments-primary-down" tests="7" failures="2" errors="0" skipped="1"/);
    expect(testcase(failed, 'checkout keeps working')).to.match(/<failure message="30(\.0)?% &lt; 90% \(n=\d+\)" type="successRatio">/);
    expect(testcase(failed, 'last second')).to.include('<skipped message="inconclusive: only 20 samples');
    const advisory = testcase(failed, 'outage p99');
    expect(advisory).not.to.include('<failure');
    expect(advisory).to.include('<system-out>ADVISORY check failed (not strict, does not fail the run)');
    expect(failed).to.include('<property name="verdict" value="failed"/>');

    const error = renderJunit(makeResult({ variant: 'error' }));
    expect(testcase(error, 'recovers')).to.include('<error message="cannot measure recovery');
    expect(testcase(error, 'run')).to.include('<error message="PUT /proxies/payments-primary: connect ECONNREFUSED 127.0.0.1:8474" type="RevertFailed">');
    expect(error).to.match(/tests="8" failures="0" errors="2"/);

    const passed = renderJunit(makeResult());
    expect(passed).to.match(/failures="0" errors="0" skipped="1"/);
    expect(passed).not.to.include('<testcase name="run"');
  });

  it('an inconclusive or interrupted run is never green: a `run` testcase in error says why; every testcase carries its observed values and real time', async function () {
    const passed = makeResult();
    const inconclusive = renderJunit({ ...passed, verdict: 'inconclusive', verdictReason: 'harness overloaded: load driver send lag p99 900 ms > 100 ms' });
    expect(testcase(inconclusive, 'run')).to.include('<error message="inconclusive: harness overloaded: load driver send lag p99 900 ms &gt; 100 ms" type="inconclusive">');
    expect(inconclusive).to.match(/<testsuite name="payments-primary-down" tests="8" failures="0" errors="1"/);
    const interrupted = renderJunit({ ...passed, interrupted: true, verdictReason: 'interrupted by SIGINT' });
    expect(testcase(interrupted, 'run')).to.include('type="interrupted"');
    // A passing check: its observed values, and the length of the window it judged as its time.
    const check = passed.checks.find((c) => c.verdict === 'passed' && c.markers?.fromMs !== undefined && c.markers?.toMs !== undefined)!;
    const ok = testcase(renderJunit(passed), check.name);
    expect(ok).to.include(`time="${((check.markers!.toMs! - check.markers!.fromMs!) / 1000).toFixed(3)}"`);
    expect(ok).to.match(/<system-out>check: [^\n]*\nverdict: passed\nobserved: /);
    if (process.env.CI || existsSync('/usr/bin/xmllint')) {
      const outcome = await xmllint(inconclusive);
      expect(outcome.status, outcome.stderr).to.equal(0);
    }
  });

  it('escapes XML and replaces characters XML 1.0 cannot carry', () => {
    expect(xmlText('a<b>&c')).to.equal('a&lt;b&gt;&amp;c');
    expect(xmlAttribute('say "hi"\nnext')).to.equal('say &quot;hi&quot;&#10;next');
    expect(xmlText('bell\u0007 esc\u001b lone\ud800 ok😀')).to.equal('bell\ufffd esc\ufffd lone\ufffd ok😀');
  });
});
