import { expect } from 'chai';
import { joinHostPort, splitHostPort } from '../../src/toxiproxy/address.ts';
import { ApiError } from '../../src/toxiproxy/api-error.ts';
import { float32, goField, goStringify, goStringifyMap, parseGoJson } from '../../src/toxiproxy/go-json.ts';
import { sliceOffsets } from '../../src/toxiproxy/toxics/slicer.ts';

describe('toxiproxy Go-compatible JSON', () => {
  it('escapes <, > and & as Go does', () => {
    expect(goStringify({ name: '<a&b>' })).to.equal('{"name":"\\u003ca\\u0026b\\u003e"}');
  });

  it('sorts map keys bytewise (JS objects would put "10" and "9" first, in numeric order)', () => {
    expect(goStringifyMap([['b', 1], ['9', 2], ['10', 3], ['a', 4]])).to.equal('{"10":3,"9":2,"a":4,"b":1}');
  });

  it('prints float32 values the shortest way that round-trips', () => {
    expect(float32(0.5)).to.equal(0.5);
    expect(float32(0.1)).to.equal(0.1);
    expect(float32(0.123456789)).to.equal(0.12345679);
    expect(float32(1)).to.equal(1);
  });

  it('decodes like json.Decoder: first value only, Go messages for empty and truncated bodies', () => {
    expect(parseGoJson('{"a":1} trailing')).to.deep.equal({ a: 1 });
    const message = (text: string): string => {
      try {
        parseGoJson(text);
        return 'parsed';
      } catch (error) {
        expect(error).to.be.instanceOf(ApiError);
        return (error as ApiError).message;
      }
    };
    expect(message('')).to.equal('bad request body: EOF');
    expect(message('  \n')).to.equal('bad request body: EOF');
    expect(message('{"a":')).to.equal('bad request body: unexpected EOF');
    expect(message('{"a":1')).to.equal('bad request body: unexpected EOF');
    expect(message('xyz')).to.equal("bad request body: invalid character 'x' looking for beginning of value");
    expect(message('{"a" 1}')).to.equal("bad request body: invalid character '1' after object key");
  });

  it('matches field names case-insensitively, last key winning, null as absent', () => {
    expect(goField({ Name: 'a', NAME: 'b' }, 'name')).to.equal('b');
    expect(goField({ name: null }, 'name')).to.equal(undefined);
  });
});

describe('toxiproxy addresses', () => {
  it('splits host:port as Go does', () => {
    expect(splitHostPort('localhost:0')).to.deep.equal({ host: 'localhost', port: 0 });
    expect(splitHostPort('[::1]:8474')).to.deep.equal({ host: '::1', port: 8474 });
    expect(splitHostPort(':80')).to.deep.equal({ host: '', port: 80 });
    expect(() => splitHostPort('localhost')).to.throw('missing port in address');
    expect(() => splitHostPort('::1:80')).to.throw('too many colons');
    expect(() => splitHostPort('a:99999')).to.throw('invalid port');
  });

  it('joins IPv6 hosts in brackets', () => {
    expect(joinHostPort('::', 1)).to.equal('[::]:1');
    expect(joinHostPort('127.0.0.1', 2)).to.equal('127.0.0.1:2');
  });
});

describe('toxiproxy slicer offsets', () => {
  const sizes = (cuts: number[]): number[] => cuts.slice(1).map((c, i) => c - cuts[i]!);

  it('cover the chunk exactly, in pieces near average ± variation', () => {
    for (let run = 0; run < 50; run++) {
      const cuts = sliceOffsets(1000, 100, 20);
      expect(cuts[0]).to.equal(0);
      expect(cuts.at(-1)).to.equal(1000);
      for (const size of sizes(cuts)) expect(size).to.be.within(1, 120);
      expect(cuts.length - 1).to.be.at.least(8);
    }
  });

  it('leave a chunk within average + variation whole', () => {
    expect(sliceOffsets(110, 100, 20)).to.deep.equal([0, 110]);
  });

  it('terminate where Toxiproxy would panic or recurse forever (variation 0, average 0)', () => {
    expect(sizes(sliceOffsets(64, 8, 0)).every((s) => s <= 8)).to.equal(true);
    expect(sizes(sliceOffsets(16, 0, 0))).to.deep.equal(new Array(16).fill(1));
  });
});
