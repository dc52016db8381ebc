/**
 * The TypeScript experiment type and the YAML schema agree: what the compiler refuses here
 * (`@ts-expect-error`, checked by `npm run typecheck`) defineExperiment refuses at run time, and
 * a well-typed experiment passes both.
 */
import { expect } from 'chai';
import { defineExperiment, ValidationError, type CheckEntry, type Experiment, type FaultEntry, type Phase } from '../../src/api/index.ts';

const base = {
  apiVersion: 'rebound.dev/v1',
  kind: 'Experiment',
  metadata: { name: 'typed' },
  target: { toxiproxy: { url: 'http://127.0.0.1:8474', proxies: [{ name: 'primary', listen: '127.0.0.1:21001', upstream: '127.0.0.1:21002' }] }, endpoints: { app: 'http://127.0.0.1:21000' } },
  load: { rate: '10/s', requests: [{ url: '{{endpoints.app}}/' }] },
} as const;

function withPhase(phase: Phase, checks: readonly CheckEntry[] = []): Experiment {
  return { ...base, phases: [{ name: 'baseline', duration: '1s' }, phase, { name: 'recovery', duration: '1s' }], checks };
}

describe('api: experiment types and the schema agree', () => {
  it('a well-typed experiment is a valid one', () => {
    const faults: FaultEntry[] = [{ toxiproxy: { proxy: 'primary', down: true } }, { toxiproxy: { proxy: 'primary', toxic: 'latency', attributes: { latency: 100 } } }];
    const checks: CheckEntry[] = [
      { name: 'ratio', successRatio: { phase: 'outage', min: 0.99 } },
      { timeToRecover: { after: 'outage', window: '1s', threshold: 0.99, max: '5s' }, strict: false },
    ];
    const experiment = defineExperiment(withPhase({ name: 'outage', duration: '2s', faults }, checks));
    expect(experiment.metadata.name).to.equal('typed');
  });

  it('what the types refuse, the validator refuses', () => {
    const refused: { value: Experiment; path: string }[] = [
      // @ts-expect-error an unknown fault kind
      { value: withPhase({ name: 'outage', duration: '1s', faults: [{ toxiproxi: { proxy: 'primary', down: true } }] }), path: 'phases[1].faults[0].toxiproxi' },
      // @ts-expect-error a duration is a string such as '5s'
      { value: withPhase({ name: 'outage', duration: 5 }), path: 'phases[1].duration' },
      // @ts-expect-error min is a ratio, not a percentage string
      { value: withPhase({ name: 'outage', duration: '1s' }, [{ successRatio: { phase: 'outage', min: '99%' } }]), path: 'checks[0].successRatio.min' },
      // @ts-expect-error a check kind needs its fields
      { value: withPhase({ name: 'outage', duration: '1s' }, [{ timeToRecover: { after: 'outage' } }]), path: 'checks[0].timeToRecover.window' },
      // @ts-expect-error no such top-level field
      { value: { ...withPhase({ name: 'outage', duration: '1s' }), guardrail: {} }, path: 'guardrail' },
    ];
    for (const { value, path } of refused) {
      let error: unknown;
      try {
        defineExperiment(value);
      } catch (caught) {
        error = caught;
      }
      expect(error, path).to.be.instanceOf(ValidationError);
      expect((error as ValidationError).issues.map((issue) => issue.path), path).to.include(path);
    }
  });
});
