import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { macSearchHex, normalizeMac } from './mac.js';

describe('MAC addresses', () => {
  const cases: [string, string | null][] = [
    ['00:1A:2b:3C:4d:5E', '00:1a:2b:3c:4d:5e'],
    ['00-1a-2b-3c-4d-5e', '00:1a:2b:3c:4d:5e'],
    ['001a.2b3c.4d5e', '00:1a:2b:3c:4d:5e'],
    [' 001a2b3c4d5e ', '00:1a:2b:3c:4d:5e'],
    ['00:1a:2b-3c:4d:5e', null],
    ['00:1a:2b:3c:4d', null],
    ['00:1a:2b:3c:4d:5g', null],
    ['', null],
  ];
  for (const [input, want] of cases)
    it(`normalizes ${JSON.stringify(input)}`, () => assert.equal(normalizeMac(input), want));

  const searches: [string, string | undefined][] = [
    ['00:1a:2b', '001a2b'],
    ['001A.2B', '001a2b'],
    ['4d5e', '4d5e'],
    ['4d5', undefined],
    ['core-sw', undefined],
    ['10.0.0.5', undefined],
    ['00:1a:2b:3c:4d:5e:6f', undefined],
  ];
  for (const [q, want] of searches)
    it(`searches ${JSON.stringify(q)} as MAC hex`, () => assert.equal(macSearchHex(q), want));
});
