import { expect } from 'chai';
import { wilsonInterval } from '../../src/checks/index.ts';

describe('wilsonInterval', () => {
  const close = (actual: readonly number[], expected: readonly number[]) =>
    actual.forEach((value, i) => expect(value).to.be.closeTo(expected[i]!, 5e-4));

  it('matches published 95% Wilson intervals', () => {
    close(wilsonInterval(0, 10), [0, 0.2775]);
    close(wilsonInterval(5, 10), [0.2366, 0.7634]);
    close(wilsonInterval(10, 10), [0.7225, 1]);
    close(wilsonInterval(81, 263), [0.2553, 0.3662]);
  });

  it('narrows with more samples and stays inside [0, 1]', () => {
    const small = wilsonInterval(99, 100);
    const large = wilsonInterval(9900, 10_000);
    expect(large[1] - large[0]).to.be.below(small[1] - small[0]);
    expect(small[0]).to.be.at.least(0);
    expect(small[1]).to.be.at.most(1);
  });

  it('is [0, 1] without samples, and honours another z', () => {
    expect(wilsonInterval(0, 0)).to.deep.equal([0, 1]);
    const z1 = wilsonInterval(5, 10, 1);
    expect(z1[1] - z1[0]).to.be.below(0.7634 - 0.2366);
  });
});
