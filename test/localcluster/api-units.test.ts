import { expect } from 'chai';
import { matchesLabels, parseLabelSelector } from '../../src/localcluster/api/label-selector.ts';
import { parseFieldSelector } from '../../src/localcluster/api/field-selector.ts';
import { applyJsonPatch, applyMergePatch, applyStrategicMergePatch } from '../../src/localcluster/api/patch.ts';
import { humanDuration } from '../../src/localcluster/api/tables.ts';
import { ApiError } from '../../src/localcluster/api/api-error.ts';

describe('localcluster: selectors, patches, durations', () => {
  it('parses and matches every label selector form', () => {
    const labels = { app: 'web', tier: 'front', env: 'prod' };
    const cases: Array<[string, boolean]> = [
      ['app=web', true], ['app==web', true], ['app!=web', false], ['app in (web,api)', true], ['app notin (web)', false],
      ['tier', true], ['!tier', false], ['!canary', true], ['app=web,env in (dev, staging)', false], ['', true], ['app=web,tier=front', true],
    ];
    for (const [selector, expected] of cases) expect(matchesLabels(parseLabelSelector(selector), labels), selector).to.equal(expected);
  });

  it('rejects bad selectors with a 400 BadRequest', () => {
    for (const bad of ['app=we b', 'app in web', '=x', 'a,,b']) {
      expect(() => parseLabelSelector(bad), bad).to.throw(ApiError).with.property('code', 400);
    }
    expect(() => parseFieldSelector('spec.foo=bar', 'pods')).to.throw(ApiError, /field label not supported: spec.foo/);
    expect(parseFieldSelector('involvedObject.kind=Pod,involvedObject.name=x', 'events')).to.have.length(2);
  });

  it('applies the strategic merge patch kubectl apply sends (lists merged by key, order, deletes)', () => {
    const live = { spec: { template: { spec: { containers: [{ name: 'a', image: 'a:1', env: [{ name: 'X', value: '1' }, { name: 'Y', value: '2' }] }, { name: 'b', image: 'b:1' }] } }, replicas: 1 } };
    const patch = {
      spec: {
        replicas: 3,
        template: {
          spec: {
            $setElementOrder$containers: undefined,
            '$setElementOrder/containers': [{ name: 'b' }, { name: 'a' }],
            containers: [{ name: 'a', image: 'a:2', '$setElementOrder/env': [{ name: 'X' }], env: [{ name: 'Y', $patch: 'delete' }] }, { name: 'c', $patch: 'delete' }],
          },
        },
      },
    };
    delete (patch.spec.template.spec as any).$setElementOrder$containers;
    const out = applyStrategicMergePatch(live, patch) as any;
    expect(out.spec.replicas).to.equal(3);
    expect(out.spec.template.spec.containers.map((c: any) => c.name)).to.deep.equal(['b', 'a']);
    expect(out.spec.template.spec.containers[1]).to.deep.equal({ name: 'a', image: 'a:2', env: [{ name: 'X', value: '1' }] });
  });

  it('applies merge patch (null deletes) and JSON patch (with test failing as 422)', () => {
    expect(applyMergePatch({ a: 1, b: { c: 2, d: 3 } }, { b: { c: null }, e: [1] })).to.deep.equal({ a: 1, b: { d: 3 }, e: [1] });
    expect(applyJsonPatch({ spec: { replicas: 1 } }, [{ op: 'replace', path: '/spec/replicas', value: 4 }, { op: 'add', path: '/metadata', value: { labels: { a: 'b' } } }])).to.deep.equal({ spec: { replicas: 4 }, metadata: { labels: { a: 'b' } } });
    expect(() => applyJsonPatch({ a: 1 }, [{ op: 'test', path: '/a', value: 2 }])).to.throw(ApiError).with.property('code', 422);
  });

  it('formats ages as kubectl does', () => {
    expect([59_000, 119_000, 125_000, 600_000, 3 * 3600_000 + 60_000, 50 * 3600_000].map(humanDuration)).to.deep.equal(['59s', '119s', '2m5s', '10m', '3h1m', '2d2h']);
  });
});
