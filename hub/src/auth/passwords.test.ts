import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkPassword, hashPassword, randomPassword, verifyPassword } from './passwords.js';

const FAST = { log2N: 10, r: 8, p: 1 };

describe('password hashing', () => {
  it('verifies the right password and refuses others', async () => {
    const hash = await hashPassword('Correct-horse-battery', FAST);
    assert.match(hash, /^scrypt\$10\$8\$1\$/);
    assert.equal(await verifyPassword('Correct-horse-battery', hash), true);
    assert.equal(await verifyPassword('correct-horse-battery', hash), false);
    assert.equal(await verifyPassword('Correct-horse-battery', undefined, FAST), false);
    assert.equal(await verifyPassword('x', 'md5$abc', FAST), false);
  });

  it('salts: the same password hashes differently', async () => {
    assert.notEqual(
      await hashPassword('same-password-here', FAST),
      await hashPassword('same-password-here', FAST),
    );
  });
});

describe('password policy', () => {
  const policy = { minLength: 12 };
  const cases: [string, string, string | undefined][] = [
    ['Tr0ub4dor&3xyz', 'alice', undefined],
    ['short', 'alice', 'must be at least 12 characters'],
    ['alice-is-great-2026', 'alice', 'must not contain the username'],
    ['ALICE-is-great-2026', 'alice', 'must not contain the username'],
    ['qwertyuiop', 'bob', 'must be at least 12 characters'],
    ['password1234', 'bob', 'is a common password with a suffix'],
    ['1234567890123', 'bob', 'must not be a keyboard or alphabet sequence'],
    ['qwertyuiopasdf', 'bob', 'must not be a keyboard or alphabet sequence'],
    ['aaaaaaaaaaaaaa', 'bob', 'must not be one repeated character'],
    ['abcabcabcabc', 'bob', 'must not be a short sequence repeated'],
    ['correcthorsebatterystaple', 'bob', 'is one of the most common passwords'],
  ];
  for (const [password, user, expected] of cases) {
    it(`${JSON.stringify(password)} for ${user} -> ${expected ?? 'accepted'}`, () => {
      assert.equal(checkPassword(password, user, policy), expected);
    });
  }

  it('generates random passwords that pass the policy', () => {
    for (let i = 0; i < 50; i++) {
      const p = randomPassword();
      assert.equal(p.length, 20);
      assert.equal(checkPassword(p, 'admin', policy), undefined);
    }
  });
});
