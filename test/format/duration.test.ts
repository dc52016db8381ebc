import { expect } from 'chai';
import { formatDuration, formatOffset, formatSpecDuration } from '../../src/format/duration.ts';

describe('format/duration', () => {
  it('formats durations for people (results, reports, check reasons)', () => {
    expect(formatDuration(4.25)).to.equal('4.3 ms');
    expect(formatDuration(850)).to.equal('850 ms');
    expect(formatDuration(1300)).to.equal('1.3 s');
    expect(formatDuration(12_340)).to.equal('12.3 s');
    expect(formatDuration(125_000)).to.equal('2 m 05 s');
    expect(formatDuration(3_720_000)).to.equal('1 h 02 m');
    expect(formatDuration(-1500)).to.equal('-1.5 s');
  });

  it('never shows a duration on a limit it does not equal (latency max, pods deadline)', () => {
    expect(formatDuration(500.2, { against: [500] })).to.equal('500.2 ms');
    expect(formatDuration(999.6, { against: [1000] })).to.equal('999.6 ms');
    expect(formatDuration(1000.4, { against: [1000] })).to.equal('1.0004 s');
    expect(formatDuration(10_004, { against: [10_000] })).to.equal('10.004 s');
    expect(formatDuration(60_400, { against: [60_000] })).to.equal('1 m 00.4 s');
    expect(formatDuration(500, { against: [500] })).to.equal('500 ms');
  });

  it('formats durations as an experiment writes them (validation messages, default names)', () => {
    expect(formatSpecDuration(250)).to.equal('250ms');
    expect(formatSpecDuration(1500)).to.equal('1.5s');
    expect(formatSpecDuration(10_050)).to.equal('10.05s');
    expect(formatSpecDuration(120_000)).to.equal('2m');
    expect(formatSpecDuration(90_000)).to.equal('1m30s');
  });

  it('formats run-clock offsets', () => {
    expect(formatOffset(10_000)).to.equal('0:10.0');
    expect(formatOffset(723_400)).to.equal('12:03.4');
    expect(formatOffset(3_725_000)).to.equal('1:02:05');
    expect(formatOffset(-5)).to.equal('0:00.0');
  });
});
