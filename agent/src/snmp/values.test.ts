import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { asBigInt, asNumber, asText, byInstance, isMissing } from './values.js';

describe('varbind values', () => {
  const counter64: [string, bigint][] = [
    ['', 0n],
    ['05', 5n],
    ['0100', 256n],
    ['ffffffffffff', 2n ** 48n - 1n],
    ['01000000000000', 2n ** 48n],
    ['ffffffffffffffff', 2n ** 64n - 1n],
    ['00ffffffffffffffff', 2n ** 64n - 1n],
  ];
  for (const [hex, want] of counter64) {
    it(`reads Counter64 bytes "${hex}" as ${want}`, () => {
      assert.equal(asBigInt({ oid: '1.1', type: 70, value: Buffer.from(hex, 'hex') }), want);
    });
  }
  it('reads numbers, numeric strings and text, and treats exceptions as missing', () => {
    assert.equal(asNumber({ oid: '1', type: 4, value: Buffer.from(' 0.25') }), 0.25);
    assert.equal(asNumber({ oid: '1', type: 4, value: Buffer.from('n/a') }), undefined);
    assert.equal(asText({ oid: '1', type: 4, value: Buffer.from('Gi0/1\0\0') }), 'Gi0/1');
    assert.ok(isMissing({ oid: '1', type: 129, value: null }));
    assert.equal(asNumber({ oid: '1', type: 128, value: null }), undefined);
  });
  it('indexes a column by instance and ignores other columns that share a prefix', () => {
    const m = byInstance(
      [
        { oid: '1.3.6.1.2.1.2.2.1.2.5', type: 4, value: Buffer.from('a') },
        { oid: '1.3.6.1.2.1.2.2.1.20.5', type: 2, value: 1 },
      ],
      '1.3.6.1.2.1.2.2.1.2',
    );
    assert.deepEqual([...m.keys()], ['5']);
  });
});
