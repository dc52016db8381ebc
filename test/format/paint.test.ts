import { expect } from 'chai';
import { painter } from '../../src/format/paint.ts';

describe('format/paint', () => {
  it('wraps text in ANSI codes that close only what they open, so styles nest', () => {
    const paint = painter(true);
    expect(paint('red', 'x')).to.equal('\u001b[31mx\u001b[39m');
    expect(paint('red', paint('bold', 'x'))).to.equal('\u001b[31m\u001b[1mx\u001b[22m\u001b[39m');
    expect(paint('dim', 'x')).to.equal('\u001b[2mx\u001b[22m');
  });

  it('returns the text unchanged with colour off', () => {
    expect(painter(false)('green', 'ok')).to.equal('ok');
  });
});
