/**
 * chai plugin: SLO assertions over a Rebound Result (`chai.use(reboundChai)`).
 *
 *   expect(result).to.pass()
 *   expect(result).phase('outage').successRatio.at.least(0.99)
 *   expect(result).phase('outage').failureRatio.at.most(0.01)
 *   expect(result).phase('outage').latency.p(95).at.most('300ms')
 *   expect(result).to.failOverWithin('2s').during('outage')
 *   expect(result).to.recoverWithin('5s').after('outage')
 *   expect(result).to.haveServedBy('payments-secondary').during('outage')
 *
 * Values are measured by the built-in checks' rules (result-metrics.ts); failure messages carry
 * the observed value, n and the 95 % interval, as the checks table does. chai is a peer: the
 * plugin uses only the chai instance it is given.
 */
import { servedByMatches } from '../checks/traffic-split.ts';
import { durationToMs } from '../experiment/duration.ts';
import type { Scope } from '../experiment/resolved.ts';
import { formatDuration, formatSpecDuration } from '../format/duration.ts';
import { formatInterval, formatPercent } from '../format/percent.ts';
import type { CheckResult, PhaseResult, Result } from '../result/result.ts';
import { DEFAULT_MIN_SAMPLES, findPhase, isResult, scopeRatio, timeToFailover, timeToRecover, type RatioMeasure } from './result-metrics.ts';

export interface PhaseOptions {
  /** Fewer samples than this in the phase and a ratio assertion fails as inconclusive (default 20, as the checks). */
  readonly minSamples?: number;
  /** Ratios over a window of the phase only, from this offset into it (as a check's `from`, e.g. '1s'). */
  readonly from?: string;
  /** …to this offset into it (as a check's `to`). */
  readonly to?: string;
}

export interface StableWindowOptions {
  /** Sliding window width (default 1s). */
  readonly window?: string | number;
  /** Success ratio every window must reach from then on (default 0.99). */
  readonly threshold?: number;
  /** Fewer samples and the assertion fails as inconclusive (default 20). */
  readonly minSamples?: number;
}

export interface ServedByOptions {
  /** Share of the phase's responses it must have served, 0–1 (default: at least one response). */
  readonly atLeast?: number;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Chai {
    interface Assertion {
      /** Selects a phase of a Result for successRatio, failureRatio or latency. */
      phase(name: string, options?: PhaseOptions): Assertion;
      /** The phase's success ratio (0–1), for least / most / above / below. */
      readonly successRatio: Assertion;
      /** The phase's failure ratio (0–1), for least / most / above / below. */
      readonly failureRatio: Assertion;
      /** The phase's latency summary; pick a percentile with p(50 | 90 | 95 | 99 | 100). */
      readonly latency: Assertion;
      /** A latency percentile of the phase, in ms; limits may be durations ('300ms'). */
      p(percentile: number): Assertion;
      /** The run's verdict is `passed`; the message lists every check that was not. */
      pass(): Assertion;
      /** Then `.after(phase)`: every window is good again within `max` of the phase's faults being reverted. */
      recoverWithin(max: string | number, options?: StableWindowOptions): Assertion;
      /** Then `.during(phase)`: every window is good again within `max` of the phase's faults being applied. */
      failOverWithin(max: string | number, options?: StableWindowOptions): Assertion;
      /** Then `.during(phase)`: responses in the phase were served by this instance (a served-by value equal to it or starting with it and '-', as trafficSplit matches pod names). */
      haveServedBy(instance: string, options?: ServedByOptions): Assertion;
      after(phase: string): Assertion;
      during(phase: string): Assertion;
    }
    interface NumberComparer {
      /** After latency.p(…): a duration such as '300ms' (chai itself takes numbers only). */
      (duration: string, message?: string): Assertion;
    }
  }
}

const PHASE = 'rebound.phase';
const METRIC = 'rebound.metric';
const PENDING = 'rebound.pending';

/** A number the comparison methods judge with Rebound's words instead of chai's. */
interface Metric {
  readonly label: string;
  readonly value: number | null;
  readonly unit: 'ratio' | 'ms';
  /** Why no comparison can pass (too few samples, no samples). */
  readonly inconclusive?: string;
  readonly detail: (limit: number) => string;
}

interface StableWindowQuery {
  readonly maxMs: number;
  readonly windowMs: number;
  readonly threshold: number;
  readonly minSamples: number;
}

type Pending =
  | ({ readonly kind: 'recover' } & StableWindowQuery)
  | ({ readonly kind: 'failover' } & StableWindowQuery)
  | { readonly kind: 'servedBy'; readonly instance: string; readonly atLeast?: number };

const COMPARISONS = {
  least: { op: '≥', opposite: '<', test: (value: number, limit: number) => value >= limit },
  most: { op: '≤', opposite: '>', test: (value: number, limit: number) => value <= limit },
  above: { op: '>', opposite: '≤', test: (value: number, limit: number) => value > limit },
  below: { op: '<', opposite: '≥', test: (value: number, limit: number) => value < limit },
} as const;
const ALIASES: Record<string, keyof typeof COMPARISONS> = { least: 'least', gte: 'least', most: 'most', lte: 'most', above: 'above', gt: 'above', greaterThan: 'above', below: 'below', lt: 'below', lessThan: 'below' };

const PERCENTILES: Record<number, 'p50' | 'p90' | 'p95' | 'p99' | 'max'> = { 50: 'p50', 90: 'p90', 95: 'p95', 99: 'p99', 100: 'max' };

function toMs(value: string | number, what: string): number {
  if (typeof value === 'number') {
    if (!(value >= 0) || !Number.isFinite(value)) throw new TypeError(`${what}: expected a duration such as '5s' or a number of ms ≥ 0, got ${value}`);
    return value;
  }
  try {
    return durationToMs(value);
  } catch {
    throw new TypeError(`${what}: expected a duration such as '5s', '300ms' or '1m', got ${JSON.stringify(value)}`);
  }
}

function ratioLimit(value: unknown, label: string): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) throw new TypeError(`${label}: expected a ratio between 0 and 1 (0.99 for 99 %), got ${String(value)}`);
  return value;
}

/** `99.00 %`: a threshold in the same style as the observed value. */
function percentLimit(limit: number): string {
  return `${(limit * 100).toFixed(2)} %`;
}

function ratioMetric(label: string, measure: RatioMeasure, minSamples: number): Metric {
  const { n, ratio, interval } = measure;
  const inconclusive =
    n === 0 ? `no samples` : n < minSamples ? `only ${n} sample${n === 1 ? '' : 's'} (fewer than minSamples ${minSamples}): inconclusive` : undefined;
  return {
    label,
    value: ratio,
    unit: 'ratio',
    ...(inconclusive ? { inconclusive } : {}),
    detail: (limit) => `${formatPercent(ratio, { decimals: 2, against: [limit], spaced: true })} (n = ${n}, 95 % CI ${formatInterval(interval, { against: [limit], spaced: true })})`,
  };
}

/** The phase, or a window of it: offsets are checked as a check's `from` / `to` are (durations, from < to). */
function scopeOf(phase: string, options: PhaseOptions): Scope {
  const fromMs = options.from === undefined ? undefined : toMs(options.from, `phase("${phase}"): from`);
  const toMsValue = options.to === undefined ? undefined : toMs(options.to, `phase("${phase}"): to`);
  if (fromMs !== undefined && toMsValue !== undefined && !(fromMs < toMsValue)) throw new TypeError(`phase("${phase}"): from (${options.from}) must come before to (${options.to})`);
  return { phase, ...(fromMs !== undefined ? { fromMs } : {}), ...(toMsValue !== undefined ? { toMs: toMsValue } : {}) };
}

/** ` [1s, end)` for a window of the phase, as the checks name theirs; nothing for the whole phase. */
function windowText(scope: Scope): string {
  if (scope.fromMs === undefined && scope.toMs === undefined) return '';
  return ` [${formatSpecDuration(scope.fromMs ?? 0)}, ${scope.toMs === undefined ? 'end' : formatSpecDuration(scope.toMs)})`;
}

function describeCheck(check: CheckResult): string {
  return `  ✗ ${check.name} [${check.kind}, ${check.verdict}${check.strict ? '' : ', advisory'}]: ${check.reason}`;
}

function servedByText(phase: PhaseResult): string {
  const entries = Object.entries(phase.servedBy).sort((a, b) => b[1] - a[1]);
  return entries.length === 0 ? 'no served-by header seen' : `served by ${entries.map(([name, count]) => `${name} ${count}`).join(', ')}`;
}

export function reboundChai(chai: Chai.ChaiStatic, utils: Chai.ChaiUtils): void {
  const { Assertion, AssertionError } = chai;

  const resultOf = (assertion: object, what: string): Result => {
    const object: unknown = utils.flag(assertion, 'object');
    if (!isResult(object)) throw new AssertionError(`${what}: expected a Rebound Result (what runExperiment resolves to, or a parsed result.json), got ${utils.inspect(object)}`);
    return object;
  };

  const selectedPhase = (assertion: object, what: string): { result: Result; phase: PhaseResult; options: PhaseOptions } => {
    const selected = utils.flag(assertion, PHASE) as { result: Result; phase: PhaseResult; options: PhaseOptions } | undefined;
    if (!selected) throw new TypeError(`${what} needs a phase first: expect(result).phase('outage').${what}…`);
    return selected;
  };

  const phaseOf = (result: Result, name: string, what: string): PhaseResult => {
    if (typeof name !== 'string') throw new TypeError(`${what}: expected a phase name, got ${utils.inspect(name)}`);
    const phase = findPhase(result, name);
    if (!phase) {
      const ran = result.phases.map((p) => `"${p.name}"`).join(', ') || 'none';
      throw new AssertionError(`expected a phase "${name}" in the result of ${result.experiment.name}, but it did not run (phases that ran: ${ran})`);
    }
    return phase;
  };

  Assertion.addMethod('phase', function (this: Chai.AssertionStatic, name: string, options: PhaseOptions = {}) {
    const result = resultOf(this, `phase(${JSON.stringify(name)})`);
    utils.flag(this, PHASE, { result, phase: phaseOf(result, name, 'phase()'), options });
  });

  for (const [property, numerator, words] of [
    ['successRatio', 'successes', 'success ratio'],
    ['failureRatio', 'failures', 'failure ratio'],
  ] as const) {
    Assertion.addProperty(property, function (this: Chai.AssertionStatic) {
      const { result, phase, options } = selectedPhase(this, property);
      const scope = scopeOf(phase.name, options);
      const metric = ratioMetric(`${words} in phase "${phase.name}"${windowText(scope)}`, scopeRatio(result, scope, numerator), options.minSamples ?? DEFAULT_MIN_SAMPLES);
      utils.flag(this, METRIC, metric);
      utils.flag(this, 'object', metric.value);
    });
  }

  Assertion.addProperty('latency', function (this: Chai.AssertionStatic) {
    selectedPhase(this, 'latency');
    utils.flag(this, 'rebound.latency', true);
  });

  Assertion.addMethod('p', function (this: Chai.AssertionStatic, percentile: number) {
    const { phase, options } = selectedPhase(this, `latency.p(${percentile})`);
    if (options.from !== undefined || options.to !== undefined) throw new TypeError(`latency.p(${percentile}): a result keeps latency per phase, not per window of one; use a latency check with from/to in the experiment`);
    if (!utils.flag(this, 'rebound.latency')) throw new TypeError(`p(${percentile}) is a latency percentile: expect(result).phase('${phase.name}').latency.p(${percentile})…`);
    const key = PERCENTILES[percentile];
    if (!key) throw new TypeError(`latency.p(${percentile}): a result keeps p50, p90, p95, p99 and the maximum (p(100)) of each phase; use a latency check in the experiment for another percentile`);
    const value = phase.latency ? phase.latency[key] : null;
    const label = `${key === 'max' ? 'maximum' : key} latency in phase "${phase.name}"`;
    const metric: Metric = {
      label,
      value,
      unit: 'ms',
      ...(value === null ? { inconclusive: 'no latency measured (no samples)' } : {}),
      detail: () => `${value === null ? '—' : formatDuration(value)} (n = ${phase.total})`,
    };
    utils.flag(this, METRIC, metric);
    utils.flag(this, 'object', value);
  });

  for (const name of Object.keys(ALIASES)) {
    const comparison = COMPARISONS[ALIASES[name]!];
    Assertion.overwriteMethod(name, (_super: (...args: unknown[]) => unknown) =>
      function (this: Chai.AssertionStatic, ...args: unknown[]) {
        const metric = utils.flag(this, METRIC) as Metric | undefined;
        if (!metric) return _super.apply(this, args);
        const limit = metric.unit === 'ms' ? toMs(args[0] as string | number, `${metric.label}: ${name}()`) : ratioLimit(args[0], `${metric.label}: ${name}()`);
        const shown = metric.unit === 'ms' ? formatDuration(limit) : percentLimit(limit);
        const negate = Boolean(utils.flag(this, 'negate'));
        if (metric.inconclusive !== undefined || metric.value === null) {
          throw new AssertionError(`expected ${metric.label} ${negate ? comparison.opposite : comparison.op} ${shown}, but ${metric.inconclusive ?? 'nothing was measured'}`);
        }
        this.assert(
          comparison.test(metric.value, limit),
          `expected ${metric.label} ${comparison.op} ${shown}, observed ${metric.detail(limit)}`,
          `expected ${metric.label} ${comparison.opposite} ${shown}, observed ${metric.detail(limit)}`,
          limit,
          metric.value,
        );
        return undefined;
      },
    );
  }

  Assertion.addMethod('pass', function (this: Chai.AssertionStatic) {
    const result = resultOf(this, 'pass()');
    const notPassed = result.checks.filter((check) => check.verdict !== 'passed');
    const lines = notPassed.length > 0 ? `\n${notPassed.map(describeCheck).join('\n')}` : '';
    this.assert(
      result.verdict === 'passed',
      `expected ${result.experiment.name} to pass, but its verdict is ${result.verdict}: ${result.verdictReason}${lines}`,
      `expected ${result.experiment.name} not to pass, but it passed: ${result.verdictReason}`,
      'passed',
      result.verdict,
    );
  });

  const stableWindow = (kind: 'recover' | 'failover', what: string) =>
    function (this: Chai.AssertionStatic, max: string | number, options: StableWindowOptions = {}) {
      resultOf(this, what);
      const threshold = options.threshold ?? 0.99;
      ratioLimit(threshold, `${what}: threshold`);
      const pending: Pending = {
        kind,
        maxMs: toMs(max, what),
        windowMs: toMs(options.window ?? '1s', `${what}: window`),
        threshold,
        minSamples: options.minSamples ?? DEFAULT_MIN_SAMPLES,
      };
      utils.flag(this, PENDING, pending);
    };
  Assertion.addMethod('recoverWithin', stableWindow('recover', 'recoverWithin()'));
  Assertion.addMethod('failOverWithin', stableWindow('failover', 'failOverWithin()'));

  Assertion.addMethod('haveServedBy', function (this: Chai.AssertionStatic, instance: string, options: ServedByOptions = {}) {
    resultOf(this, 'haveServedBy()');
    if (typeof instance !== 'string' || instance === '') throw new TypeError(`haveServedBy(): expected the served-by value (e.g. 'payments-secondary'), got ${utils.inspect(instance)}`);
    if (options.atLeast !== undefined) ratioLimit(options.atLeast, 'haveServedBy(): atLeast');
    utils.flag(this, PENDING, { kind: 'servedBy', instance, ...(options.atLeast !== undefined ? { atLeast: options.atLeast } : {}) } satisfies Pending);
  });

  const stableAssertion = (assertion: Chai.AssertionStatic, result: Result, pending: Extract<Pending, StableWindowQuery>, phase: string) => {
    const query = { phase, maxMs: pending.maxMs, windowMs: pending.windowMs, threshold: pending.threshold, minSamples: pending.minSamples };
    const check = pending.kind === 'recover' ? timeToRecover(result, query) : timeToFailover(result, query);
    const what = pending.kind === 'recover' ? `time to recover after "${phase}"` : `time to fail over in "${phase}"`;
    const rule = `every ${formatDuration(pending.windowMs)} window ≥ ${percentLimit(pending.threshold)}`;
    if (check.verdict === 'inconclusive' || check.verdict === 'error') throw new AssertionError(`expected ${what} ≤ ${formatDuration(pending.maxMs)} (${rule}), but it is ${check.verdict}: ${check.reason}`);
    assertion.assert(
      check.verdict === 'passed',
      `expected ${what} ≤ ${formatDuration(pending.maxMs)} (${rule}), observed: ${check.reason}`,
      `expected ${what} > ${formatDuration(pending.maxMs)} (${rule}), observed: ${check.reason}`,
      pending.maxMs,
      check.observed,
    );
  };

  const pendingOf = (assertion: object, word: string): { result: Result; pending: Pending } => {
    const pending = utils.flag(assertion, PENDING) as Pending | undefined;
    if (!pending) throw new TypeError(`.${word}(phase) follows recoverWithin(), failOverWithin() or haveServedBy()`);
    return { result: resultOf(assertion, `${word}()`), pending };
  };

  Assertion.addMethod('after', function (this: Chai.AssertionStatic, phase: string) {
    const { result, pending } = pendingOf(this, 'after');
    if (pending.kind !== 'recover') throw new TypeError(`.after(phase) follows recoverWithin(); ${pending.kind === 'failover' ? 'failOverWithin' : 'haveServedBy'}() takes .during(phase)`);
    phaseOf(result, phase, 'after()');
    stableAssertion(this, result, pending, phase);
  });

  Assertion.addMethod('during', function (this: Chai.AssertionStatic, phaseName: string) {
    const { result, pending } = pendingOf(this, 'during');
    if (pending.kind === 'recover') throw new TypeError('.during(phase) follows failOverWithin() or haveServedBy(); recoverWithin() takes .after(phase)');
    const phase = phaseOf(result, phaseName, 'during()');
    if (pending.kind === 'failover') return stableAssertion(this, result, pending, phaseName);
    const served = Object.entries(phase.servedBy).reduce((sum, [value, count]) => sum + (servedByMatches(value, pending.instance) ? count : 0), 0);
    const respondents = Object.values(phase.servedBy).reduce((sum, count) => sum + count, 0);
    const share = respondents > 0 ? served / respondents : 0;
    const wanted = pending.atLeast === undefined ? 'at least one response' : `at least ${percentLimit(pending.atLeast)} of its responses`;
    const shareText = pending.atLeast === undefined ? '' : `, ${formatPercent(share, { decimals: 2, against: [pending.atLeast], spaced: true })} of the ${respondents} that named who served them`;
    const observed = `observed ${served} of ${phase.total} requests${shareText} (${servedByText(phase)})`;
    this.assert(
      pending.atLeast === undefined ? served > 0 : respondents > 0 && share >= pending.atLeast,
      `expected phase "${phaseName}" to have been served by "${pending.instance}" (${wanted}), ${observed}`,
      `expected phase "${phaseName}" not to have been served by "${pending.instance}" (${wanted}), ${observed}`,
      pending.instance,
      phase.servedBy,
    );
    return undefined;
  });
}

export default reboundChai;
