import { expect } from 'chai';
import { formatInterval, formatPercent, formatThreshold } from '../../src/format/percent.ts';

describe('format/percent', () => {
  it('prints an observed ratio with the decimals asked for, tight or spaced', () => {
    expect(formatPercent(0.99623, { decimals: 2 })).to.equal('99.62%');
    expect(formatPercent(0.8)).to.equal('80.0%');
    expect(formatPercent(0.8, { spaced: true })).to.equal('80.0 %');
    expect(formatPercent(1)).to.equal('100.0%');
    expect(formatPercent(0)).to.equal('0.0%');
    expect(formatPercent(null)).to.equal('—');
    expect(formatPercent(Number.NaN)).to.equal('—');
  });

  it('never prints a value that fails a threshold rounded onto it', () => {
    expect(formatPercent(0.999996, { decimals: 2, against: [1] })).to.equal('99.9996%');
    expect(formatPercent(0.98999, { decimals: 2, against: [0.99] })).to.equal('98.999%');
    expect(formatPercent(0.0100001, { decimals: 2, against: [0.01] })).to.equal('1.00001%');
    expect(formatPercent(0.9899, { decimals: 1, against: [0.99] })).to.equal('98.99%');
  });

  it('prints a value equal to its threshold as the threshold', () => {
    expect(formatPercent(0.99, { decimals: 2, against: [0.99] })).to.equal('99.00%');
    expect(formatPercent(99 / 100, { decimals: 1, against: [0.99] })).to.equal('99.0%');
    expect(formatPercent(0.12345, { decimals: 2, against: [0.12345] })).to.equal('12.345%');
  });

  it('never prints a value on the wrong side of a threshold that is not on its grid', () => {
    // 99.96 % rounds to 100.0 %, above a 99.97 % threshold it is below.
    expect(formatPercent(0.9996, { decimals: 1, against: [0.9997] })).to.equal('99.96%');
  });

  it('keeps 0 % and 100 % for values that are exactly that', () => {
    expect(formatPercent(0.99996)).to.equal('99.996%');
    expect(formatPercent(0.0004)).to.equal('0.04%');
  });

  it('bounds the decimals, rounding toward the side the value is on past the bound', () => {
    expect(formatPercent(0.99999999999, { decimals: 2, against: [1] })).to.equal('99.999999%');
    expect(formatPercent(1e-12)).to.equal('0.000001%');
    expect(formatPercent(0.01 + 1e-13, { decimals: 2, against: [0.01] })).to.equal('1.000001%');
  });

  it('prints thresholds as written', () => {
    expect(formatThreshold(0.99)).to.equal('99%');
    expect(formatThreshold(0.995)).to.equal('99.5%');
    expect(formatThreshold(0.02, { spaced: true })).to.equal('2 %');
  });

  it('prints Wilson intervals to 0.1 %, with more digits where an endpoint would land on a threshold', () => {
    expect(formatInterval([0.9817, 0.9946])).to.equal('98.2–99.5%');
    expect(formatInterval([0.9962, 1], { spaced: true })).to.equal('99.6–100 %');
    expect(formatInterval([0.98996, 0.99512], { against: [0.99] })).to.equal('98.996–99.5%');
    expect(formatInterval([0.9999, 1])).to.equal('99.99–100%');
    expect(formatInterval(undefined)).to.equal('—');
  });
});
