/**
 * Property-based checks of the experiment loader (fast-check), shared by the quick pass in
 * `npm test` (loader-fuzz.test.ts) and the long one in `npm run soak -- --fuzz`.
 *
 * Properties, through the API the CLI uses (parseExperiment after the file is read):
 * - a user's file never makes the loader throw anything but a ValidationError (anything else
 *   is "internal error", exit 4, for the CLI);
 * - every issue is located: line ≥ 1, column ≥ 1, a message, and a field path unless it is about
 *   the YAML text itself; no message carries a stack trace;
 * - generated valid experiments are accepted.
 */
import fc from 'fast-check';
import { ValidationError, formatIssue, type InputIssue } from '../../src/errors.ts';
import { parseExperiment } from '../../src/experiment/index.ts';
import { VALID } from './helpers.ts';

export const FILE = 'exp.yaml';

/** Values that have broken YAML loaders or validators somewhere. */
const HOSTILE_VALUES = [
  '.inf', '-.inf', '.nan', '1e309', '-1', '0', '0.0000001', '99999999999999999999999h', '1e-9s', '10', '"10"', '~', 'null', 'true', "''",
  '*nope', '&a x', '&a [*a]', '[', '{', ']', '}', '"unterminated', "'", '!!binary aGk=', '!!js/function f', '!foo bar', '? complex', '- item',
  '{ __proto__: x }', '{ <<: { a: 1 } }', '{ constructor: x }', '[[[[[[[[[[[[]]]]]]]]]]]]', '"\\u0000"', '"\\uD800"', '🎉', 'ﬀ', '${env:NOPE}',
  '{{endpoints.nope}}', 'service/x:99999', '127.0.0.1:70000', 'http://', '|', '>', '%YAML 1.1', '---', '...', '@x', '`x`',
];

const HOSTILE_KEYS = ['__proto__', '<<', 'constructor', 'prototype', 'k6', 'durat1on', '', '"quoted key"', '? complex', '&k key', '*k'];

function lines(text: string): string[] {
  return text.split('\n');
}

/** One text edit of a valid experiment. */
const edit = (base: string): fc.Arbitrary<string> => {
  const count = lines(base).length;
  const line = fc.integer({ min: 0, max: count - 1 });
  return fc.oneof(
    // replace the value after a key
    fc.tuple(line, fc.constantFrom(...HOSTILE_VALUES)).map(([at, value]) => {
      const all = lines(base);
      all[at] = all[at]!.replace(/:\s.*$/, `: ${value}`);
      return all.join('\n');
    }),
    // rename a key
    fc.tuple(line, fc.constantFrom(...HOSTILE_KEYS)).map(([at, key]) => {
      const all = lines(base);
      all[at] = all[at]!.replace(/^(\s*-?\s*)[A-Za-z]+:/, `$1${key}:`);
      return all.join('\n');
    }),
    // delete, duplicate or re-indent a line
    line.map((at) => lines(base).filter((_, i) => i !== at).join('\n')),
    line.map((at) => {
      const all = lines(base);
      all.splice(at, 0, all[at]!);
      return all.join('\n');
    }),
    fc.tuple(line, fc.integer({ min: 0, max: 6 })).map(([at, indent]) => {
      const all = lines(base);
      all[at] = `${' '.repeat(indent)}${all[at]!.trimStart()}`;
      return all.join('\n');
    }),
    // insert arbitrary text anywhere
    fc.tuple(fc.integer({ min: 0, max: base.length }), fc.string({ maxLength: 12 })).map(([at, junk]) => base.slice(0, at) + junk + base.slice(at)),
    // truncate
    fc.integer({ min: 0, max: base.length }).map((at) => base.slice(0, at)),
  );
};

/** A valid experiment with one to three edits: usually invalid, sometimes still valid. */
export const mutatedExperiment = (): fc.Arbitrary<string> =>
  fc
    .integer({ min: 1, max: 3 })
    .chain((edits) => {
      let arbitrary: fc.Arbitrary<string> = fc.constant(VALID);
      for (let i = 0; i < edits; i++) arbitrary = arbitrary.chain(edit);
      return arbitrary;
    });

const dnsLabel = fc.stringMatching(/^[a-z]([a-z0-9-]{0,20}[a-z0-9])?$/);
const seconds = fc.integer({ min: 1, max: 600 });

/** Experiments the format accepts: names, rates, durations, phases and checks varied. */
export const validExperiment = (): fc.Arbitrary<string> =>
  fc
    .record({
      name: dnsLabel,
      rate: fc.integer({ min: 1, max: 5000 }),
      perMinute: fc.boolean(),
      timeoutMs: fc.integer({ min: 1, max: 30_000 }),
      phases: fc.array(seconds, { minLength: 3, maxLength: 5 }),
      min: fc.double({ min: 0, max: 1, noNaN: true }),
      port: fc.integer({ min: 1, max: 65535 }),
    })
    .map(({ name, rate, perMinute, timeoutMs, phases, min, port }) => {
      const [baseline, outage, ...rest] = phases;
      const more = rest.map((duration, i) => `  - { name: after-${i}, duration: ${duration}s }`).join('\n');
      return `apiVersion: rebound.dev/v1
kind: Experiment
metadata: { name: ${name} }
target:
  toxiproxy:
    embedded: true
    proxies: [ { name: primary, listen: "127.0.0.1:${port}", upstream: "127.0.0.1:9001" } ]
  endpoints: { app: "http://127.0.0.1:8080" }
load:
  rate: ${rate}/${perMinute ? 'm' : 's'}
  timeout: ${timeoutMs}ms
  requests: [ { url: "{{endpoints.app}}/" } ]
phases:
  - { name: baseline, duration: ${baseline}s }
  - name: outage
    duration: ${outage}s
    faults: [ { toxiproxy: { proxy: primary, down: true } } ]
${more}
checks:
  - successRatio: { phase: outage, min: ${min} }
`;
    });

export type LoaderOutcome = { accepted: true } | { accepted: false; issues: readonly InputIssue[] };

/** Loads `text`; a throw other than ValidationError fails the property (that is exit 4 for a user's file). */
export function load(text: string): LoaderOutcome {
  try {
    parseExperiment(text, FILE, { env: {}, cwd: '/nonexistent-rebound-fuzz' });
    return { accepted: true };
  } catch (error) {
    if (error instanceof ValidationError) return { accepted: false, issues: error.issues };
    throw new Error(`the loader threw ${(error as Error)?.name}: ${(error as Error)?.message} for:\n${text}`, { cause: error });
  }
}

const LOCATED = /^exp\.yaml:[1-9]\d*:[1-9]\d*: \S/;
const STACK = /\n\s+at |\bat .*\(.*:\d+:\d+\)/;

/** Every issue located, printable as `file:line:col: path: message`, with no stack trace. */
export function assertLocated(outcome: LoaderOutcome, text: string): void {
  if (outcome.accepted) return;
  if (outcome.issues.length === 0) throw new Error(`a ValidationError without issues for:\n${text}`);
  for (const issue of outcome.issues) {
    const printed = formatIssue(issue);
    if (!LOCATED.test(printed)) throw new Error(`not located: ${printed}\nfor:\n${text}`);
    if (!issue.message.trim()) throw new Error(`an empty message: ${printed}`);
    // Only problems of the text itself (syntax) or of the whole document have no field path.
    if (issue.path === '' && !/^YAML|^the file is empty|^expected a map of fields|^a key must be/.test(issue.message)) throw new Error(`no field path: ${printed}\nfor:\n${text}`);
    if (STACK.test(issue.message)) throw new Error(`a stack trace in a message: ${printed}`);
  }
}

export function mutantProperty(): fc.IPropertyWithHooks<[string]> {
  return fc.property(mutatedExperiment(), (text) => assertLocated(load(text), text));
}

export function validProperty(): fc.IPropertyWithHooks<[string]> {
  return fc.property(validExperiment(), (text) => {
    const outcome = load(text);
    if (!outcome.accepted) throw new Error(`a valid experiment was rejected:\n${outcome.issues.map(formatIssue).join('\n')}\n---\n${text}`);
  });
}
