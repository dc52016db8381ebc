import { expect } from 'chai';
import {
  DenseLatencyHistogram,
  INDEX_COUNT,
  encodeSortedIndices,
  forEachEncoded,
  indexLowerBound,
  indexWidth,
  latencyIndex,
} from '../../src/timeline/latency-histogram.ts';
import { seededRandom as random } from '../helpers/seeded-random.ts';

describe('latency histogram maths', () => {
  it('keeps values below 2,048 µs exact and larger ones within 1/1,024 (3 significant digits)', () => {
    for (let us = 0; us < 2_048; us++) expect(indexLowerBound(latencyIndex(us))).to.equal(us);
    const next = random(1);
    for (let n = 0; n < 20_000; n++) {
      const us = Math.floor(2 ** (11 + next() * 21));
      const index = latencyIndex(us);
      const low = indexLowerBound(index);
      expect(us).to.be.at.least(low);
      expect(us).to.be.below(low + indexWidth(index));
      expect(indexWidth(index) / us).to.be.at.most(1 / 1_024);
    }
  });

  it('indices are contiguous and monotonic up to the clamp (≈ 71 min)', () => {
    let previousEnd = 0;
    for (let index = 0; index < INDEX_COUNT; index++) {
      expect(indexLowerBound(index), `index ${index}`).to.equal(previousEnd);
      previousEnd = indexLowerBound(index) + indexWidth(index);
    }
    expect(previousEnd).to.equal(2 ** 32);
    expect(latencyIndex(1e12)).to.equal(INDEX_COUNT - 1);
    expect(latencyIndex(-5)).to.equal(0);
  });

  it('encodes sorted indices as varint runs and decodes them back exactly', () => {
    const next = random(2);
    const values = Uint32Array.from({ length: 5_000 }, () => latencyIndex(Math.floor(next() * 5e6))).sort();
    const encoded = encodeSortedIndices(values, values.length);
    const decoded: number[] = [];
    forEachEncoded(encoded, 0, encoded.length, (index, count) => {
      for (let i = 0; i < count; i++) decoded.push(index);
    });
    expect(decoded).to.deep.equal([...values]);
    expect(encoded.length).to.be.below(values.length * 4);
  });

  it('percentiles match the exact sorted values within 0.1 %', () => {
    const next = random(3);
    const histogram = new DenseLatencyHistogram();
    const values = Array.from({ length: 50_000 }, () => Math.round(500 + -Math.log(1 - next()) * 20_000));
    for (const us of values) histogram.recordUs(us);
    values.sort((a, b) => a - b);
    for (const p of [50, 90, 99, 99.9]) {
      const exact = values[Math.ceil((p / 100) * values.length) - 1]!;
      expect(histogram.valueAtPercentileUs(p)).to.be.closeTo(exact, exact / 1_000);
    }
    expect(histogram.valuesAtPercentilesUs([50, 99])).to.deep.equal([histogram.valueAtPercentileUs(50), histogram.valueAtPercentileUs(99)]);
    expect(histogram.maxUs).to.equal(values.at(-1));
    expect(histogram.meanUs).to.be.closeTo(values.reduce((a, b) => a + b, 0) / values.length, 1e-6);
  });

  it('merging two histograms equals recording everything into one; reset empties it', () => {
    const a = new DenseLatencyHistogram();
    const b = new DenseLatencyHistogram();
    const both = new DenseLatencyHistogram();
    for (let us = 1; us < 100_000; us += 37) {
      (us % 2 ? a : b).recordUs(us);
      both.recordUs(us);
    }
    a.add(b);
    expect(a.totalCount).to.equal(both.totalCount);
    for (const p of [1, 25, 50, 75, 99, 100]) expect(a.valueAtPercentileUs(p)).to.equal(both.valueAtPercentileUs(p));
    a.reset();
    expect(a.totalCount).to.equal(0);
    expect(a.valueAtPercentileUs(50)).to.equal(0);
  });
});
