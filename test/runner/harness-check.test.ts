import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { applyHarnessVerdict, assessHarness, harnessBounds, SendLagRecorder } from '../../src/runner/harness-check.ts';
import { isSameProcessAlive, parseProcStatStartTime, processStartTime } from '../../src/runner/process-identity.ts';
import type { CheckResult } from '../../src/result/result.ts';

const calm = { p50: 0, p99: 1, max: 2 };

function ratioCheck(kind: 'successRatio' | 'failureRatio', counts: { n: number; successes: number; timeout?: number; http?: number }, limit: number): CheckResult {
  const failures = counts.n - counts.successes;
  return {
    name: `${kind} check`,
    kind,
    strict: true,
    verdict: 'failed',
    reason: 'below',
    observed: { ratio: counts.successes / counts.n, successes: counts.successes, failures, failuresByKind: { timeout: counts.timeout ?? 0, http_status: counts.http ?? 0 } },
    expected: kind === 'successRatio' ? { min: limit } : { max: limit },
    n: counts.n,
  };
}

describe('runner/harness-check', () => {
  const bounds = harnessBounds(2000, 100);

  it('bounds: send lag min(100 ms, 10 % of the timeout); phase lateness one bucket', () => {
    expect(harnessBounds(2000, 100)).to.deep.equal({ sendLagP99Ms: 100, eventLoopDelayP99Ms: 100, phaseStartLateMs: 100 });
    expect(harnessBounds(300, 250).sendLagP99Ms).to.equal(30);
  });

  it('send lag: p50/p99/max of sent requests; dropped ones are not sent and not counted', () => {
    const recorder = new SendLagRecorder();
    for (let i = 0; i < 99; i++) recorder.record({ scheduledMs: i, sentMs: i + 1, endMs: i + 2, ok: true });
    recorder.record({ scheduledMs: 100, sentMs: 400, endMs: 401, ok: true });
    recorder.record({ scheduledMs: 100, sentMs: 9000, endMs: 9000, ok: false, failure: 'dropped' });
    const stats = recorder.stats();
    expect(recorder.count).to.equal(100);
    expect(stats.p50).to.be.closeTo(1, 0.01);
    expect(stats.p99).to.be.closeTo(1, 0.01);
    expect(stats.max).to.equal(300);
  });

  it('healthy within bounds; each exceeded bound is a "harness overloaded" warning', () => {
    const ok = assessHarness({ sendLagMs: calm, sentRequests: 10, eventLoopDelayMs: calm, phaseStartLateMs: { a: 5, b: 99 } }, bounds);
    expect(ok.healthy).to.equal(true);
    expect(ok.warnings).to.deep.equal([]);
    expect(ok.phaseStartLateMs.max).to.equal(99);
    const bad = assessHarness(
      {
        sendLagMs: { p50: 50, p99: 900, max: 3000 },
        sentRequests: 10,
        eventLoopDelayMs: { p50: 0, p99: 150, max: 400 },
        phaseStartLateMs: { baseline: 3, outage: 2500 },
        infrastructure: [{ role: 'toxiproxy', eventLoopDelayMs: { p50: 1, p99: 500, max: 900 } }],
      },
      bounds,
    );
    expect(bad.healthy).to.equal(false);
    expect(bad.warnings).to.have.length(4);
    expect(bad.warnings[0]).to.equal('harness overloaded: load driver send lag p99 900 ms > 100 ms (max 3000 ms)');
    expect(bad.warnings[1]).to.match(/^harness overloaded: runner event-loop delay p99 150 ms/);
    expect(bad.warnings[2]).to.equal('harness overloaded: phase outage started 2500 ms late (> one bucket, 100 ms)');
    // The infrastructure hosts' delay is informative only.
    expect(bad.warnings[3]).to.match(/^the toxiproxy host process's event-loop delay p99 was 500 ms/);
    const infraOnly = assessHarness({ sendLagMs: calm, sentRequests: 10, eventLoopDelayMs: calm, phaseStartLateMs: {}, infrastructure: [{ role: 'cluster', eventLoopDelayMs: { p50: 1, p99: 500, max: 900 } }] }, bounds);
    expect(infraOnly.healthy).to.equal(true);
  });

  describe('the verdict rule on top of decideVerdict', () => {
    const overloaded = assessHarness({ sendLagMs: { p50: 400, p99: 900, max: 1000 }, sentRequests: 10, eventLoopDelayMs: calm, phaseStartLateMs: {} }, bounds);
    const healthy = assessHarness({ sendLagMs: calm, sentRequests: 10, eventLoopDelayMs: calm, phaseStartLateMs: {} }, bounds);

    it('a healthy harness changes nothing', () => {
      const decided = { verdict: 'failed' as const, reason: 'x' };
      expect(applyHarnessVerdict(decided, healthy, [])).to.equal(decided);
    });

    it('passed → inconclusive, the reason naming the overload and what it would have been', () => {
      const out = applyHarnessVerdict({ verdict: 'passed', reason: 'all 2 strict checks passed' }, overloaded, []);
      expect(out.verdict).to.equal('inconclusive');
      expect(out.reason).to.match(/^harness overloaded: load driver send lag p99 900 ms > 100 ms .*: measurements not trustworthy \(the verdict would have been passed: all 2 strict checks passed\)$/);
    });

    it('failed on timing (latency, time to recover, a success ratio that timeouts explain) → inconclusive', () => {
      const latency: CheckResult = { name: 'p99', kind: 'latency', strict: true, verdict: 'failed', reason: 'slow', observed: {}, expected: {} };
      const recover: CheckResult = { ...latency, name: 'recovers', kind: 'timeToRecover' };
      const ratio = ratioCheck('successRatio', { n: 100, successes: 90, timeout: 8, http: 2 }, 0.95);
      expect(applyHarnessVerdict({ verdict: 'failed', reason: 'r' }, overloaded, [latency, recover, ratio]).verdict).to.equal('inconclusive');
      const failureRatio = ratioCheck('failureRatio', { n: 100, successes: 90, timeout: 9, http: 1 }, 0.02);
      expect(applyHarnessVerdict({ verdict: 'failed', reason: 'r' }, overloaded, [failureRatio]).verdict).to.equal('inconclusive');
    });

    it('failed for a reason a slow harness cannot explain (HTTP errors, traffic split) stays failed', () => {
      const ratio = ratioCheck('successRatio', { n: 100, successes: 50, timeout: 5, http: 45 }, 0.95);
      const out = applyHarnessVerdict({ verdict: 'failed', reason: 'check "successRatio check" failed' }, overloaded, [ratio]);
      expect(out.verdict).to.equal('failed');
      expect(out.reason).to.include('harness overloaded').and.include('cannot explain');
      const split: CheckResult = { name: 'split', kind: 'trafficSplit', strict: true, verdict: 'failed', reason: 'off', observed: {}, expected: {} };
      expect(applyHarnessVerdict({ verdict: 'failed', reason: 'r' }, overloaded, [split]).verdict).to.equal('failed');
      // An advisory check never decides.
      expect(applyHarnessVerdict({ verdict: 'failed', reason: 'r' }, overloaded, [{ ...split, strict: false }]).verdict).to.equal('inconclusive');
    });

    it('error and aborted stay, with the overload appended', () => {
      for (const verdict of ['error', 'aborted'] as const) {
        const out = applyHarnessVerdict({ verdict, reason: 'because' }, overloaded, []);
        expect(out.verdict).to.equal(verdict);
        expect(out.reason).to.match(/^because; also harness overloaded: /);
      }
    });

    it('an interrupted run keeps saying so first', () => {
      const out = applyHarnessVerdict({ verdict: 'passed', reason: 'interrupted before the end; all passed' }, overloaded, []);
      expect(out.reason).to.match(/^interrupted before the end; harness overloaded: /);
    });
  });
});

describe('runner/process-identity', () => {
  it('parses /proc/<pid>/stat field 22 even when the command name holds spaces and parentheses', () => {
    const fields = Array.from({ length: 50 }, (_, i) => String(i + 3)); // fields 3…52 hold their own number
    expect(parseProcStatStartTime(`1234 (a b) c)) ${fields.join(' ')}`)).to.equal('22');
    expect(parseProcStatStartTime('garbage')).to.equal(undefined);
  });

  it('a live pid with another start time is not the recorded process (pid reuse)', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    try {
      await new Promise((resolve) => child.once('spawn', resolve));
      const pid = child.pid!;
      const startTime = processStartTime(pid);
      expect(startTime).to.be.a('string');
      expect(processStartTime(pid)).to.equal(startTime);
      expect(isSameProcessAlive(pid, startTime)).to.equal(true);
      expect(isSameProcessAlive(pid, `${startTime}-earlier-process`)).to.equal(false);
      // An old journal without a start time: the pid is all there is.
      expect(isSameProcessAlive(pid, undefined)).to.equal(true);
    } finally {
      child.kill('SIGKILL');
    }
    await new Promise((resolve) => child.once('exit', resolve));
    expect(isSameProcessAlive(child.pid!, undefined)).to.equal(false);
  });
});
