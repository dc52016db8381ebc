import { expect } from 'chai';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ValidationError } from '../../src/errors.ts';
import { jsonPointerToPath, loadResult, validateResult } from '../../src/result/validate-result.ts';
import { makeResult } from './fixtures/make-result.ts';
import { withTempDir } from './helpers.ts';

async function issuesOf(promise: Promise<unknown>): Promise<ValidationError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(ValidationError);
    return error as ValidationError;
  }
  expect.fail('expected a ValidationError');
}

describe('result: schema validation', () => {
  it('accepts every fixture variant, as written to disk', async () => {
    for (const variant of ['passed', 'failed', 'error'] as const) {
      const result = JSON.parse(JSON.stringify(makeResult({ variant })));
      expect(validateResult(result, 'result.json').verdict).to.equal(variant);
    }
  });

  it('rejects a broken result, naming each JSON path', async () => {
    const broken = JSON.parse(JSON.stringify(makeResult())) as Record<string, any>;
    broken.checks[2].verdict = 'maybe';
    delete broken.phases[1].total;
    broken.timeline.buckets[5].failures = { teapot: 1 };
    broken.schemaVersion = 2;
    const error = await issuesOf(Promise.resolve().then(() => validateResult(broken, 'r.json')));
    const byPath = new Map(error.issues.map((i) => [i.path, i.message]));
    expect(byPath.get('checks[2].verdict')).to.match(/must be one of "passed"/);
    expect(byPath.get('phases[1].total')).to.equal('is missing (required)');
    expect(byPath.get('timeline.buckets[5].failures')).to.match(/unknown key "teapot"/);
    expect(byPath.get('schemaVersion')).to.equal('must be 1');
    expect(error.message).to.include('r.json: checks[2].verdict: must be one of');
  });

  it('reports unreadable files and bad JSON with a location', async () => {
    await withTempDir(async (dir) => {
      const missing = await issuesOf(loadResult(join(dir, 'nope.json')));
      expect(missing.message).to.include('cannot read result: no such file');
      const file = join(dir, 'bad.json');
      await writeFile(file, '{\n  "schemaVersion": 1,\n  oops\n}');
      const bad = await issuesOf(loadResult(file));
      expect(bad.issues[0]!.message).to.match(/^not valid JSON/);
      expect(bad.issues[0]!.line).to.equal(3);
    });
  });

  it('turns JSON pointers into field paths', () => {
    expect(jsonPointerToPath('/checks/2/observed/a~1b')).to.equal('checks[2].observed.a/b');
    expect(jsonPointerToPath('')).to.equal('');
  });
});
