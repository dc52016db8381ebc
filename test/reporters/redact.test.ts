import { expect } from 'chai';
import { REDACTED, createRedactor, redactResult } from '../../src/result/redact.ts';
import type { Result } from '../../src/result/result.ts';
import { makeResult } from './fixtures/make-result.ts';

const redactor = createRedactor({ secrets: ['s3cr3t-T0ken', 'p@ss word'], headerNames: ['X-Api-Key'] });

describe('result: redaction', () => {
  it('redacts credential header values in YAML, JSON and HTTP text', () => {
    expect(redactor.text('authorization: Bearer xyz')).to.equal(`authorization: ${REDACTED}`);
    expect(redactor.text('  Authorization:   Basic dXNlcjpwdw==\nnext: 1')).to.equal(`  Authorization:   ${REDACTED}\nnext: 1`);
    expect(redactor.text('headers: { content-type: application/json, authorization: "Bearer abc", x: 1 }')).to.equal(`headers: { content-type: application/json, authorization: "${REDACTED}", x: 1 }`);
    expect(redactor.text('{ cookie: a=b; c=d }')).to.equal(`{ cookie: ${REDACTED} }`);
    expect(redactor.text('{"Cookie":"sid=1","ok":true}')).to.equal(`{"Cookie":"${REDACTED}","ok":true}`);
    expect(redactor.text('Set-Cookie: sid=abc; Path=/')).to.equal(`Set-Cookie: ${REDACTED}`);
    expect(redactor.text('proxy-authorization: Basic zz')).to.equal(`proxy-authorization: ${REDACTED}`);
    expect(redactor.text('x-api-key: k-123')).to.equal(`x-api-key: ${REDACTED}`);
    expect(redactor.text("authorization: 'it''s secret'")).to.equal(`authorization: '${REDACTED}'`);
  });

  it('redacts a YAML block scalar under a credential header', () => {
    const yaml = 'headers:\n  authorization: >-\n    Bearer\n    xyz\n  accept: json\n';
    expect(redactor.text(yaml)).to.equal(`headers:\n  authorization: ${REDACTED}\n  accept: json\n`);
  });

  it('redacts literal secrets (and their URL-encoded form) and URL passwords', () => {
    expect(redactor.text('token s3cr3t-T0ken used')).to.equal(`token ${REDACTED} used`);
    expect(redactor.text('q=p%40ss%20word')).to.equal(`q=${REDACTED}`);
    expect(redactor.text('http://admin:hunter2@127.0.0.1:8474/proxies')).to.equal(`http://admin:${REDACTED}@127.0.0.1:8474/proxies`);
  });

  it('leaves ordinary text alone', () => {
    const text = 'x-authorization-mode is not a credential; servedBy: payments-primary';
    expect(redactor.text(text)).to.equal(text);
  });

  it('scrubs every string field of a Result, keys included, without mutating the input', () => {
    const base = makeResult();
    const dirty = JSON.parse(JSON.stringify(base)) as Result & Record<string, unknown>;
    const token = 'Bearer s3cr3t-T0ken';
    const mutable = dirty as unknown as {
      experiment: { source: string; description: string };
      error?: { kind: string; message: string };
      events: { message: string }[];
      phases: { servedBy: Record<string, number> }[];
      load: { extra?: Record<string, unknown> };
    };
    mutable.experiment.source = `load:\n  requests:\n    - headers: { authorization: "${token}", x-api-key: abc123 }\n`;
    mutable.experiment.description = 'uses s3cr3t-T0ken';
    mutable.error = { kind: 'Http', message: `401 with Authorization: ${token}` };
    mutable.events[0]!.message = 'cookie: sid=deadbeef';
    mutable.phases[0]!.servedBy = { 's3cr3t-T0ken-pod': 3, 'p@ss word-pod': 4 };
    mutable.load.extra = { headers: { Authorization: token, Cookie: 'sid=deadbeef' } };
    const clean = redactResult(dirty, { secrets: ['s3cr3t-T0ken', 'p@ss word'], headerNames: ['x-api-key'] });
    const json = JSON.stringify(clean);
    for (const leaked of ['s3cr3t-T0ken', 'deadbeef', 'abc123', 'p@ss word']) expect(json).not.to.include(leaked);
    expect(clean.experiment.source).to.equal(`load:\n  requests:\n    - headers: { authorization: "${REDACTED}", x-api-key: ${REDACTED} }\n`);
    expect(clean.phases[0]!.servedBy).to.deep.equal({ [`${REDACTED}-pod`]: 7 });
    expect(dirty.experiment.description).to.equal('uses s3cr3t-T0ken');
    expect(clean.timeline.buckets.length).to.equal(base.timeline.buckets.length);
  });
});
