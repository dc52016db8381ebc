import { expect } from 'chai';
import { ValidationError, type InputIssue } from '../../src/errors.ts';
import { parseExperiment } from '../../src/experiment/index.ts';

/** The issues a text is rejected with; fails the test when it is accepted. */
export function issuesOf(text: string, options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): readonly InputIssue[] {
  try {
    parseExperiment(text, 'exp.yaml', { env: {}, ...options });
  } catch (error) {
    if (error instanceof ValidationError) return error.issues;
    throw error;
  }
  return expect.fail('expected a ValidationError, but the experiment was accepted');
}

/** `line:col path: message` lines, for compact assertions. */
export function located(issues: readonly InputIssue[]): string[] {
  return issues.map((i) => `${i.line}:${i.column} ${i.path}: ${i.message}`);
}

/** A small valid experiment; tests edit it line by line. */
export const VALID = `apiVersion: rebound.dev/v1
kind: Experiment
metadata:
  name: payments-primary-down
target:
  toxiproxy:
    embedded: true
    proxies:
      - name: payments-primary
        listen: 127.0.0.1:21001
        upstream: 127.0.0.1:9001
  endpoints:
    checkout: http://127.0.0.1:8080
load:
  rate: 200/s
  timeout: 2s
  requests:
    - url: "{{endpoints.checkout}}/checkout"
  servedBy: x-served-by
phases:
  - name: baseline
    duration: 10s
  - name: outage
    duration: 20s
    faults:
      - toxiproxy: { proxy: payments-primary, down: true }
  - name: recovery
    duration: 20s
checks:
  - successRatio: { phase: outage, min: 0.99 }
  - timeToRecover: { after: outage, window: 1s, threshold: 0.99, max: 5s }
`;

/** VALID with `from` replaced by `to` (exactly once). */
export function edit(from: string, to: string, text = VALID): string {
  expect(text.split(from).length, `"${from}" must occur once`).to.equal(2);
  return text.replace(from, to);
}
