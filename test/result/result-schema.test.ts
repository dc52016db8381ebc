import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import type { AnyCheckKind } from '../../src/checks/check-kind.ts';
import { ValidationError } from '../../src/errors.ts';
import type { AnyFaultKind } from '../../src/faults/fault-kind.ts';
import { FAILURE_KINDS } from '../../src/load/sample.ts';
import { BUILTIN_CHECK_KINDS, BUILTIN_FAULT_KINDS, registerCheckKind, registerFaultKind } from '../../src/plugins/registry.ts';
import { VERDICTS } from '../../src/result/result.ts';
import { validateResult } from '../../src/result/validate-result.ts';
import { renderResultSchemaFile, RESULT_SCHEMA_FILE } from '../../src/result/write-result-schema.ts';
import { EVENT_KINDS } from '../../src/timeline/events.ts';
import { makeResult } from '../reporters/fixtures/make-result.ts';

type Enum = { enum: string[] };
interface SchemaFile {
  properties: { verdict: Enum };
  $defs: {
    fault: { properties: { kind: Enum } };
    check: { properties: { kind: Enum } };
    event: { properties: { kind: Enum } };
    failureKinds: { propertyNames: Enum };
  };
}

/** A plain copy of a fixture result with one fault and one check of these kinds. */
function resultWithKinds(faultKind: string, checkKind: string): Record<string, any> {
  const result = JSON.parse(JSON.stringify(makeResult())) as Record<string, any>;
  result.faults[0].kind = faultKind;
  result.checks[0].kind = checkKind;
  return result;
}

function issuesOf(value: unknown): Map<string, string> {
  try {
    validateResult(value, 'result.json');
  } catch (error) {
    expect(error).to.be.instanceOf(ValidationError);
    return new Map((error as ValidationError).issues.map((issue) => [issue.path, issue.message]));
  }
  return new Map();
}

describe('result: the schema built with TypeBox', () => {
  it('keeps result.schema.json equal to the schema the Result types come from', () => {
    expect(readFileSync(RESULT_SCHEMA_FILE, 'utf8'), 'run: node --import tsx src/result/write-result-schema.ts').to.equal(renderResultSchemaFile());
  });

  it('takes its enums from the registry and the constants, for the built-in kinds in the file', () => {
    const schema = JSON.parse(renderResultSchemaFile()) as SchemaFile;
    expect(schema.$defs.fault.properties.kind.enum).to.deep.equal(BUILTIN_FAULT_KINDS.flatMap((kind) => kind.kinds));
    expect(schema.$defs.check.properties.kind.enum).to.deep.equal(BUILTIN_CHECK_KINDS.map((kind) => kind.key));
    expect(schema.$defs.event.properties.kind.enum).to.deep.equal([...EVENT_KINDS]);
    expect(schema.$defs.failureKinds.propertyNames.enum).to.deep.equal([...FAILURE_KINDS]);
    expect(schema.properties.verdict.enum).to.deep.equal([...VERDICTS]);
  });

  it('accepts a registered extra fault kind and check kind (and a fault kind\'s extra fields), rejects unknown kinds', () => {
    const extra = resultWithKinds('flood', 'queryAnswers');
    extra.faults[0].floodedBytes = 1024;
    expect(issuesOf(extra).get('faults[0].kind')).to.match(/must be one of "toxic"/);
    expect(issuesOf(extra).get('checks[0].kind')).to.match(/must be one of "successRatio"/);

    const unregisterFault = registerFaultKind({ key: 'flood', kinds: ['flood'] } as unknown as AnyFaultKind);
    const unregisterCheck = registerCheckKind({ key: 'queryAnswers' } as unknown as AnyCheckKind);
    try {
      expect(issuesOf(extra)).to.deep.equal(new Map());
      const unknown = issuesOf(resultWithKinds('teleport', 'vibes'));
      expect(unknown.get('faults[0].kind')).to.match(/"flood"/);
      expect(unknown.get('checks[0].kind')).to.match(/"queryAnswers"/);
    } finally {
      unregisterCheck();
      unregisterFault();
    }
    expect(issuesOf(extra).get('faults[0].kind')).to.match(/must be one of/);
  });

  it('checks the harness self-check when present (older results without it still read)', () => {
    const result = JSON.parse(JSON.stringify(makeResult())) as Record<string, any>;
    delete result.harness;
    expect(issuesOf(result)).to.deep.equal(new Map());
    const delay = { p50: 1, p99: 2, max: 3 };
    result.harness = {
      sendLagMs: delay,
      eventLoopDelayMs: delay,
      phaseStartLateMs: { max: 4, byPhase: { baseline: 4 } },
      bounds: { sendLagP99Ms: 50, eventLoopDelayP99Ms: 50, phaseStartLateMs: 250 },
      infrastructure: [{ role: 'toxiproxy', eventLoopDelayMs: delay }],
      healthy: true,
      warnings: [],
    };
    expect(issuesOf(result)).to.deep.equal(new Map());
    result.harness.healthy = 'yes';
    delete result.harness.infrastructure[0].eventLoopDelayMs.p99;
    const issues = issuesOf(result);
    expect(issues.get('harness.healthy')).to.equal('must be boolean');
    expect(issues.get('harness.infrastructure[0].eventLoopDelayMs.p99')).to.equal('is missing (required)');
  });
});
