/** Every bound a later stage enforces is enforced at validation, with the limit in the message. */
import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValidationError } from '../../src/errors.ts';
import { parseExperiment } from '../../src/experiment/index.ts';

const base = (target: string, phases = '[ { name: only, duration: 1s } ]') => `apiVersion: rebound.dev/v1
kind: Experiment
metadata: { name: bounds }
target: ${target}
load: { rate: 10/s, requests: [ { url: "http://127.0.0.1:9/" } ] }
phases: ${phases}
`;

function issues(text: string, file = '/tmp/bounds.yaml'): string[] {
  try {
    parseExperiment(text, file);
    return [];
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return error.issues.map((issue) => `${issue.line}:${issue.column} ${issue.path}: ${issue.message}`);
  }
}

describe('experiment: bounds checked at validation', () => {
  let dir: string;
  before(async () => (dir = await mkdtemp(join(tmpdir(), 'rebound-bounds-'))));
  after(() => rm(dir, { recursive: true, force: true }));

  it('a duration longer than a timer can hold is refused where it is written, with the limit', () => {
    const found = issues(base('{}', '[ { name: only, duration: 99999999999999999999999h } ]'));
    expect(found).to.have.length(1);
    expect(found[0]).to.match(/^6:\d+ phases\[0\]\.duration: 99999999999999999999999h is longer than the longest duration Rebound can wait \(2147483647 ms, about 24 days/);
    expect(issues(base('{}', '[ { name: only, duration: 596h } ]'))).to.deep.equal([]);
  });

  it('toxic attributes are whole numbers within what Toxiproxy and a timer can hold', () => {
    const target = '{ toxiproxy: { embedded: true, proxies: [ { name: p, listen: "127.0.0.1:0", upstream: "127.0.0.1:9" } ] } }';
    const fault = (attributes: string) => base(target, `[ { name: only, duration: 1s, faults: [ { toxiproxy: { proxy: p, toxic: latency, attributes: ${attributes} } } ] } ]`);
    expect(issues(fault('{ latency: 1e308 }')).join('\n')).to.match(/attributes\.latency: must be ≤ 9007199254740991/);
    expect(issues(fault('{ latency: 2147483648 }')).join('\n')).to.match(/attributes\.latency: 2147483648 is longer than the longest delay a timer can hold \(2147483647 ms\)/);
    expect(issues(fault('{ latency: 1.5 }')).join('\n')).to.match(/attributes\.latency: expected a whole number/);
    expect(issues(fault('{ latency: 2000 }'))).to.deep.equal([]);
  });

  it('the embedded Toxiproxy and its proxies listen on loopback only', () => {
    const found = issues(base('{ toxiproxy: { embedded: true, listen: "0.0.0.0:8474", proxies: [ { name: p, listen: "10.0.0.1:21001", upstream: "127.0.0.1:9" } ] } }')).join('\n');
    expect(found).to.match(/target\.toxiproxy\.listen: the embedded server listens on loopback only \(127\.0\.0\.0\/8, ::1, localhost\), not 0\.0\.0\.0/);
    expect(found).to.match(/target\.toxiproxy\.proxies\[0\]\.listen: the embedded Toxiproxy's proxies listen on loopback only .* not 10\.0\.0\.1/);
    // A real Toxiproxy elsewhere listens where it likes.
    expect(issues(base('{ toxiproxy: { url: "http://toxiproxy:8474", proxies: [ { name: p, listen: "0.0.0.0:21001", upstream: "127.0.0.1:9" } ] } }'))).to.deep.equal([]);
  });

  it('local manifests must be regular files (or a directory of them) holding Kubernetes objects', async () => {
    const local = (path: string) => issues(base(`{ kubernetes: { local: "${path}" } }`)).join('\n');
    expect(local('/dev/zero')).to.match(/target\.kubernetes\.local: \/dev\/zero is not a regular file or a directory/);
    expect(local('/etc/passwd')).to.match(/\/etc\/passwd: document 1 is not a Kubernetes object/);
    expect(local(join(dir, 'missing'))).to.match(/manifests not found/);
    await writeFile(join(dir, 'ok.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata: { name: x }\n');
    expect(local(join(dir, 'ok.yaml'))).to.equal('');
  });
});
