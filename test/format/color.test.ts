import { expect } from 'chai';
import { decideColor } from '../../src/format/color.ts';

describe('format/color: decideColor', () => {
  it('follows the terminal when neither NO_COLOR nor FORCE_COLOR is set', () => {
    expect(decideColor({}, true)).to.equal(true);
    expect(decideColor({}, false)).to.equal(false);
  });

  it('turns colour off for --no-color, whatever the environment', () => {
    expect(decideColor({ FORCE_COLOR: '1' }, true, { noColorFlag: true })).to.equal(false);
  });

  it('turns colour off for a non-empty NO_COLOR, which wins over FORCE_COLOR; an empty NO_COLOR is ignored', () => {
    expect(decideColor({ NO_COLOR: '1' }, true)).to.equal(false);
    expect(decideColor({ NO_COLOR: '1', FORCE_COLOR: '1' }, true)).to.equal(false);
    expect(decideColor({ NO_COLOR: '' }, true)).to.equal(true);
    expect(decideColor({ NO_COLOR: '' }, false)).to.equal(false);
  });

  for (const value of ['', '1', 'true', '2', '3']) {
    it(`forces colour on a pipe for FORCE_COLOR=${JSON.stringify(value)}`, () => {
      expect(decideColor({ FORCE_COLOR: value }, false)).to.equal(true);
    });
  }

  for (const value of ['0', 'false', 'no']) {
    it(`turns colour off on a terminal for FORCE_COLOR=${JSON.stringify(value)}`, () => {
      expect(decideColor({ FORCE_COLOR: value }, true)).to.equal(false);
    });
  }
});
