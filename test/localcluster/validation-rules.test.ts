import { expect } from 'chai';
import { enforceFieldValidation } from '../../src/localcluster/api/field-validation.ts';
import { isConfigMapKey, isDns1035Label, isEnvVarName, isQualifiedName, isValidLabelValue, isValidPortName } from '../../src/localcluster/api/validation/name-rules.ts';
import { quantityValue } from '../../src/localcluster/api/validation/resources.ts';
import { validateObject } from '../../src/localcluster/api/validation/index.ts';
import { BUILTIN_RESOURCES } from '../../src/localcluster/api/resources.ts';

describe('localcluster validation rules (apimachinery util/validation)', () => {
  it('IANA service names: every rule reported, in the server order', () => {
    expect(isValidPortName('http')).to.deep.equal([]);
    expect(isValidPortName('payments-primary')).to.deep.equal(['must be no more than 15 characters']);
    expect(isValidPortName('8080')).to.deep.equal(['must contain at least one letter (a-z)']);
    expect(isValidPortName('-Web--')).to.deep.equal([
      'must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
      'must not contain consecutive hyphens',
      'must not begin or end with a hyphen',
    ]);
  });

  it('qualified names (label keys), label values, DNS-1035 labels, env var names, config keys', () => {
    expect(isQualifiedName('app.kubernetes.io/name')).to.deep.equal([]);
    expect(isQualifiedName('a/b/c')[0]).to.match(/^a qualified name must consist of .* with an optional DNS subdomain prefix and '\/' \(e\.g\. 'example\.com\/MyName'\)$/);
    expect(isQualifiedName('Example.com/x')[0]).to.match(/^prefix part a lowercase RFC 1123 subdomain/);
    expect(isQualifiedName('x/')).to.deep.equal(['name part must be non-empty', expectNamePartRegex()]);
    expect(isValidLabelValue('x'.repeat(64))).to.deep.equal(['must be no more than 63 characters']);
    expect(isValidLabelValue('')).to.deep.equal([]);
    expect(isDns1035Label('1st')).to.have.length(1);
    expect(isDns1035Label('first')).to.deep.equal([]);
    expect(isEnvVarName('MY_VAR.1')).to.deep.equal([]);
    expect(isEnvVarName('..')).to.deep.equal(["must not be '..'"]);
    expect(isEnvVarName('9LIVES')).to.have.length(1);
    expect(isConfigMapKey('..data')).to.deep.equal(["must not start with '..'"]);
  });

  it('generateName is checked as a prefix, before the generated name', () => {
    const pods = BUILTIN_RESOURCES.find((t) => t.plural === 'pods')!;
    const pod = (meta: Record<string, string>) => ({ apiVersion: 'v1', kind: 'Pod', metadata: meta, spec: { containers: [{ name: 'a', image: 'i' }] } });
    expect(validateObject(pods, pod({ generateName: 'web-', name: 'web-x7k2p' }))).to.deep.equal([]);
    const issues = validateObject(pods, pod({ generateName: 'Web_', name: 'Web_x7k2p' }));
    expect(issues.map((i) => i.field)).to.deep.equal(['metadata.generateName', 'metadata.name']);
  });

  it('quantities: decimal, binary and exponent suffixes', () => {
    expect(quantityValue('500m')).to.equal(0.5);
    expect(quantityValue('1Gi')).to.equal(2 ** 30);
    expect(quantityValue('2k')).to.equal(2000);
    expect(quantityValue('1e3')).to.equal(1000);
    expect(quantityValue('lots')).to.equal(undefined);
  });

  it('decoding: wrong types are 400 in every mode; unknown fields follow the mode', () => {
    const run = (object: Record<string, unknown>, mode: 'Strict' | 'Warn' | 'Ignore') => {
      const warnings: string[] = [];
      try {
        enforceFieldValidation(object as never, mode, 'v1', warnings);
        return { ok: true, warnings, object };
      } catch (error) {
        return { ok: false, message: (error as Error).message, code: (error as { code: number }).code };
      }
    };
    const typed = run({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80, protocol: 7 }] } }, 'Ignore');
    expect(typed).to.deep.include({ ok: false, code: 400 });
    expect(typed.message).to.equal('Service in version "v1" cannot be handled as a Service: json: cannot unmarshal number into Go struct field ServicePort.spec.ports.protocol of type string');
    const probe = run({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'a', readinessProbe: { httpGet: { port: 'http', bogus: 1 } } }] } }, 'Warn');
    expect(probe).to.deep.include({ ok: true, warnings: ['unknown field "spec.containers[0].readinessProbe.httpGet.bogus"'] });
    const volume = run({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'a' }], volumes: [{ name: 'v', awsElasticBlockStore: { volumeID: 'x' } }] } }, 'Strict');
    expect(volume, 'an unmodelled volume source is still a known field').to.deep.include({ ok: true, warnings: [] });
  });
});

function expectNamePartRegex(): string {
  return "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
}
