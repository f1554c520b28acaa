import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadSecretKey, parseKey, SecretBox, SecretError } from './secrets.js';

const dir = mkdtempSync(join(tmpdir(), 'outpost-secrets-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));

  it('round-trips text, including unicode and the empty string', () => {
    for (const s of ['public', 'pässwörd 🔑', '', 'x'.repeat(10_000)])
      assert.equal(box.decrypt(box.encrypt(s)), s);
  });

  it('never produces the same blob twice and never contains the plaintext', () => {
    const a = box.encrypt('community-string');
    assert.notEqual(a, box.encrypt('community-string'));
    assert.ok(!a.includes('community-string'));
    assert.match(a, /^v1:/);
  });

  it('refuses a tampered blob, a blob from another key and garbage', () => {
    const blob = box.encrypt('secret');
    const parts = blob.split(':');
    const ct = Buffer.from(parts[3] ?? '', 'base64url');
    ct[0] = (ct[0] ?? 0) ^ 1;
    assert.throws(
      () => box.decrypt([parts[0], parts[1], parts[2], ct.toString('base64url')].join(':')),
      SecretError,
    );
    assert.throws(() => new SecretBox(randomBytes(32)).decrypt(blob), SecretError);
    assert.throws(() => box.decrypt('plain text'), SecretError);
  });

  it('derives distinct stable subkeys and serialises as <secret>', () => {
    assert.deepEqual(box.derive('jwt v1'), box.derive('jwt v1'));
    assert.notDeepEqual(box.derive('jwt v1'), box.derive('other'));
    assert.equal(JSON.stringify({ box }), '{"box":"<secret>"}');
  });
});

describe('loadSecretKey', () => {
  it('creates <data>/secret.key with mode 0600 once, then reads it back', () => {
    const first = loadSecretKey(dir);
    assert.equal(first.created, true);
    assert.equal(statSync(join(dir, 'secret.key')).mode & 0o777, 0o600);
    const again = loadSecretKey(dir);
    assert.equal(again.created, false);
    assert.deepEqual(again.key, first.key);
  });

  it('takes a configured key as hex or base64 and rejects a wrong length', () => {
    const key = randomBytes(32);
    assert.deepEqual(parseKey(key.toString('hex')), key);
    assert.deepEqual(parseKey(key.toString('base64')), key);
    assert.deepEqual(loadSecretKey(dir, key.toString('base64')).key, key);
    assert.throws(() => parseKey('c2hvcnQ='), /32 bytes/);
  });
});
