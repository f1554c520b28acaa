import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { API_KEY_SHOWN, isApiKey, keyRefusal, lowerRole, newApiKey } from './api-keys.js';
import { hashToken } from './tokens.js';

describe('API keys', () => {
  it('makes a random key, keeps only its hash and a short prefix', () => {
    const a = newApiKey();
    const b = newApiKey();
    assert.notEqual(a.key, b.key);
    assert.match(a.key, /^opk_[A-Za-z0-9_-]{43}$/);
    assert.ok(isApiKey(a.key) && !isApiKey('eyJhbGciOi.x.y'));
    assert.equal(a.prefix, a.key.slice(0, API_KEY_SHOWN));
    assert.equal(a.hash, hashToken(a.key));
    assert.ok(!a.hash.includes(a.key.slice(4, 12)));
  });

  for (const [a, b, want] of [
    ['admin', 'viewer', 'viewer'],
    ['viewer', 'admin', 'viewer'],
    ['operator', 'admin', 'operator'],
    ['admin', 'operator', 'operator'],
    ['operator', 'operator', 'operator'],
  ] as const) {
    it(`acts as ${want} for a ${a} key of an ${b} user`, () => {
      assert.equal(lowerRole(a, b), want);
    });
  }

  const NOW = 1_000_000;
  const live = { revoked_at: null, expires_at: null };
  for (const [name, key, user, want] of [
    ['a live key of an active user', live, { disabled: 0 }, undefined],
    ['an unknown key', undefined, { disabled: 0 }, 'unknown API key'],
    ['a revoked key', { revoked_at: NOW - 1, expires_at: null }, { disabled: 0 }, 'API key revoked'],
    ['a key at its expiry', { revoked_at: null, expires_at: NOW }, { disabled: 0 }, 'API key expired'],
    ['a key before its expiry', { revoked_at: null, expires_at: NOW + 1 }, { disabled: 0 }, undefined],
    ['a key of a disabled user', live, { disabled: 1 }, "the API key's user is no longer active"],
    ['a key of a deleted user', live, undefined, "the API key's user is no longer active"],
  ] as const) {
    it(`refuses or accepts ${name}`, () => {
      assert.equal(keyRefusal(key, user, NOW), want);
    });
  }
});
