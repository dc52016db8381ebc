import { expect } from 'chai';
import { isMap, isSeq, parseDocument, type Node as YamlNode } from 'yaml';
import { ValidationError } from '../../src/errors.ts';
import { parseExperiment } from '../../src/experiment/index.ts';
import { VALID } from './helpers.ts';

const RICH = `${VALID}  - failureRatio: { phase: outage, max: 0.01, from: 1s, to: 5s }
  - timeToFailover: { phase: outage, window: 1s, threshold: 0.9, max: 2s }
  - latency: { phase: outage, percentile: 99, max: 1s }
  - trafficSplit: { phase: recovery, expect: { a: 1 }, tolerance: 0.1 }
guardrails: { abortIf: { successRatio: { below: 0.5, for: 5s } }, maxPodsKilled: 1, maxDuration: 2m }
report: { formats: [json], redactHeaders: [x-key], secrets: [s] }
bucket: 100ms
`;

/** Every path to a node of the document. */
function paths(node: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [];
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = String((pair.key as { value?: unknown }).value);
      out.push([...prefix, key], ...paths(pair.value, [...prefix, key]));
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => out.push([...prefix, i], ...paths(item as YamlNode, [...prefix, i])));
  }
  return out;
}

describe('experiment validation: robustness', () => {
  it('turns any wrongly-typed value anywhere into located ValidationErrors, never a crash', function () {
    this.timeout(20_000);
    const base = parseDocument(RICH);
    expect(() => parseExperiment(RICH, 'rich.yaml', { env: {} })).not.to.throw();
    let rejected = 0;
    for (const path of paths(base.contents)) {
      for (const replacement of [42, 'x', [], null]) {
        const doc = base.clone();
        doc.setIn(path, doc.createNode(replacement));
        const text = doc.toString();
        try {
          parseExperiment(text, 'fuzz.yaml', { env: {} });
        } catch (error) {
          if (!(error instanceof ValidationError)) throw new Error(`${path.join('.')} = ${JSON.stringify(replacement)} crashed: ${(error as Error).stack}`, { cause: error });
          for (const issue of error.issues) expect(issue.line, `${path.join('.')} → ${issue.message}`).to.be.greaterThan(0);
          rejected++;
        }
      }
    }
    expect(rejected).to.be.greaterThan(200);
  });
});
