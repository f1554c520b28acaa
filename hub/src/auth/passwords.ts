import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { COMMON_PASSWORDS } from './common-passwords.js';

/** scrypt parameters; N is stored in each hash so a later change of cost still verifies old hashes. */
export interface ScryptCost {
  /** log2 of N (CPU/memory cost). 16 -> 64 MiB, ~100 ms. */
  log2N: number;
  r: number;
  p: number;
}

export const DEFAULT_COST: ScryptCost = { log2N: 16, r: 8, p: 1 };

/** Too many password hashes are already running or waiting: the caller answers 503 and asks to retry. */
export class HashBusyError extends Error {
  readonly code = 'hash_busy';
  constructor() {
    super('the hub is busy checking other passwords; retry in a moment');
    this.name = 'HashBusyError';
  }
}

/**
 * Bounds concurrent work (scrypt at the default cost takes 64 MiB and ~0.1 s of a core): at most `running`
 * at once, at most `queued` waiting; beyond that `run` rejects with HashBusyError at once, so a flood of
 * logins costs neither unbounded memory nor a queue that answers minutes late.
 */
export class WorkGate {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(
    readonly running: number,
    readonly queued: number,
  ) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active >= this.running) {
      if (this.waiting.length >= this.queued) throw new HashBusyError();
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else this.active++;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      // The slot passes straight to the next waiter; `active` only drops when nobody waits.
      if (next) next();
      else this.active--;
    }
  }

  /** Hashes running and waiting (for tests and metrics). */
  get load(): { active: number; waiting: number } {
    return { active: this.active, waiting: this.waiting.length };
  }
}

/** Every scrypt of the hub goes through this gate: one per core (at most 4) at once, 32 waiting. */
export const HASH_GATE = new WorkGate(Math.max(1, Math.min(4, availableParallelism())), 32);

function derive(password: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  return HASH_GATE.run(() => scryptOnce(password, salt, cost));
}

function scryptOnce(password: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  const N = 2 ** cost.log2N;
  return new Promise((resolve, reject) => {
    scrypt(
      password.normalize('NFC'),
      salt,
      32,
      { N, r: cost.r, p: cost.p, maxmem: 256 * N * cost.r },
      (err, key) => (err ? reject(err) : resolve(key)),
    );
  });
}

/** `scrypt$<log2N>$<r>$<p>$<salt>$<hash>` (base64url). */
export async function hashPassword(password: string, cost: ScryptCost = DEFAULT_COST): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, cost);
  return ['scrypt', cost.log2N, cost.r, cost.p, salt.toString('base64url'), key.toString('base64url')].join(
    '$',
  );
}

const DUMMY_SALT = randomBytes(16);

/**
 * Constant-time check. With no stored hash (unknown user) it still spends the time of a hash at `dummyCost`
 * (pass the configured cost), so timing does not tell whether a user exists.
 */
export async function verifyPassword(
  password: string,
  stored: string | undefined,
  dummyCost: ScryptCost = DEFAULT_COST,
): Promise<boolean> {
  const parts = stored?.split('$') ?? [];
  if (parts.length !== 6 || parts[0] !== 'scrypt') {
    await derive(password, DUMMY_SALT, dummyCost);
    return false;
  }
  const [, n, r, p, salt, hash] = parts as [string, string, string, string, string, string];
  const expected = Buffer.from(hash, 'base64url');
  const actual = await derive(password, Buffer.from(salt, 'base64url'), {
    log2N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

const SEQUENCES = [
  '012345678901234567890',
  '987654321098765432109',
  'abcdefghijklmnopqrstuvwxyz',
  'zyxwvutsrqponmlkjihgfedcba',
  'qwertyuiopasdfghjklzxcvbnm',
  '1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p',
];

export interface PasswordPolicy {
  minLength: number;
}

/** Why a password is refused, or undefined when it is acceptable. */
export function checkPassword(
  password: string,
  username: string,
  policy: PasswordPolicy,
): string | undefined {
  if (password.length < policy.minLength) return `must be at least ${policy.minLength} characters`;
  if (password.length > 1024) return 'must be at most 1024 characters';
  const lower = password.toLowerCase();
  if (username && lower.includes(username.toLowerCase())) return 'must not contain the username';
  if (COMMON_PASSWORDS.has(lower)) return 'is one of the most common passwords';
  if (/^(.)\1*$/.test(password)) return 'must not be one repeated character';
  if (SEQUENCES.some((seq) => seq.includes(lower))) return 'must not be a keyboard or alphabet sequence';
  // A common password padded with digits or repeated ("password1234", "qwertyqwerty") is still common.
  const core = lower.replace(/[\d!@#$%^&*._-]+$/, '');
  if (COMMON_PASSWORDS.has(core)) return 'is a common password with a suffix';
  for (let n = 1; n <= lower.length / 2; n++) {
    if (lower.length % n === 0 && lower.slice(0, n).repeat(lower.length / n) === lower && n <= 6) {
      return 'must not be a short sequence repeated';
    }
  }
  return undefined;
}

/** A random password that passes the policy: 20 characters from an unambiguous alphabet (~115 bits). */
export function randomPassword(length = 20): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  const bytes = randomBytes(length * 2);
  let out = '';
  for (const b of bytes) {
    // Rejection sampling keeps the distribution uniform.
    if (b < 256 - (256 % alphabet.length)) out += alphabet[b % alphabet.length];
    if (out.length === length) break;
  }
  return out;
}
