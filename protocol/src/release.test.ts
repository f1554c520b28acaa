import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  compareReleaseVersions,
  type ReleaseStatement,
  rawPublicKey,
  releaseKeyId,
  releasePublicKey,
  signRelease,
  verifyRelease,
} from './release.js';

const statement: ReleaseStatement = {
  kind: 'outpost-agent-bundle',
  name: 'outpost-agent',
  version: '1.4.0',
  sha256: 'a'.repeat(64),
  size: 1234,
  node: '^20.10.0 || ^24.0.0',
  signed_at: Date.UTC(2026, 10, 1),
};

describe('release signatures', () => {
  const { privateKey } = generateKeyPairSync('ed25519');
  const other = generateKeyPairSync('ed25519').privateKey;
  const pub = rawPublicKey(privateKey);

  it('verifies what the release key signed and returns the statement', () => {
    const signed = signRelease(statement, privateKey);
    assert.equal(signed.key_id, releaseKeyId(pub));
    assert.deepEqual(verifyRelease(signed, pub), statement);
    assert.equal(pub.length, 44);
    assert.equal(rawPublicKey(releasePublicKey(pub)), pub);
  });

  it('refuses a statement changed after signing, another key, and malformed input', () => {
    const signed = signRelease(statement, privateKey);
    const cases: [string, unknown, string, RegExp][] = [
      [
        'version changed',
        { ...signed, statement: signed.statement.replace('1.4.0', '1.5.0') },
        pub,
        /does not match/,
      ],
      [
        'checksum changed',
        { ...signed, statement: signed.statement.replace('a'.repeat(64), 'b'.repeat(64)) },
        pub,
        /does not match/,
      ],
      ['signed by another key', signRelease(statement, other), pub, /signed with release key [0-9a-f]{16}/],
      [
        'key id forged to the pinned one',
        { ...signRelease(statement, other), key_id: releaseKeyId(pub) },
        pub,
        /does not match/,
      ],
      ['not an object', 'nope', pub, /signature: /],
      ['signature missing', { ...signed, signature: undefined }, pub, /signature: signature/],
    ];
    for (const [name, input, key, message] of cases) {
      assert.throws(() => verifyRelease(input, key), message, name);
    }
  });

  it('refuses a pinned key that is not a raw Ed25519 key', () => {
    for (const bad of ['', 'abc', 'A'.repeat(44), `${'A'.repeat(43)}`]) {
      assert.throws(() => releasePublicKey(bad), /release key|Ed25519/, JSON.stringify(bad));
    }
  });

  it('refuses to sign a statement that is not one', () => {
    assert.throws(() => signRelease({ ...statement, version: 'latest' }, privateKey), /semantic version/);
  });
});

describe('compareReleaseVersions', () => {
  const ordered = ['0.1.0', '0.1.1-rc.1', '0.1.1-rc.2', '0.1.1-rc.10', '0.1.1', '0.2.0', '0.10.0', '1.0.0'];
  it('orders versions as semantic versioning does', () => {
    for (let i = 0; i < ordered.length; i++) {
      for (let j = 0; j < ordered.length; j++) {
        const a = ordered[i] as string;
        const b = ordered[j] as string;
        assert.equal(compareReleaseVersions(a, b), Math.sign(i - j), `${a} vs ${b}`);
      }
    }
  });
  it('puts numeric pre-release parts before alphanumeric ones', () => {
    assert.equal(compareReleaseVersions('1.0.0-1', '1.0.0-alpha'), -1);
    assert.equal(compareReleaseVersions('1.0.0-alpha', '1.0.0-alpha.1'), -1);
  });
});
