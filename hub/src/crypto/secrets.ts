import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const PREFIX = 'v1';

/** Thrown when a blob cannot be decrypted (wrong key, tampered or malformed). */
export class SecretError extends Error {
  readonly code = 'secret_invalid';
}

/**
 * Encrypts secrets at rest with AES-256-GCM. A blob is `v1:<iv>:<tag>:<ciphertext>` (base64url), so the
 * database never holds a secret in clear and a tampered blob fails to decrypt.
 */
export class SecretBox {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new SecretError(`secret key must be 32 bytes, got ${key.length}`);
    this.#key = Buffer.from(key);
  }

  encrypt(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [PREFIX, iv.toString('base64url'), tag.toString('base64url'), ct.toString('base64url')].join(':');
  }

  decrypt(blob: string): string {
    const [prefix, iv, tag, ct] = blob.split(':');
    if (prefix !== PREFIX || iv === undefined || tag === undefined || ct === undefined) {
      throw new SecretError('not an encrypted secret');
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString(
        'utf8',
      );
    } catch (err) {
      throw new SecretError('secret cannot be decrypted with this key (wrong key or tampered data)', {
        cause: err,
      });
    }
  }

  /** A 32-byte subkey for another purpose (e.g. signing tokens), so one master key serves the hub. */
  derive(purpose: string): Uint8Array {
    return new Uint8Array(hkdfSync('sha256', this.#key, Buffer.alloc(0), `outpost ${purpose}`, 32));
  }

  toJSON(): string {
    return '<secret>';
  }
}

/** Parses a 32-byte key given as base64, base64url or hex. */
export function parseKey(text: string): Buffer {
  const t = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (key.length !== 32) {
    throw new SecretError('secret key must be 32 bytes, given as 64 hex characters or base64');
  }
  return key;
}

/**
 * The master key: `configured` (OUTPOST_SECRET_KEY) when given, else `<dataDir>/secret.key`, created with
 * mode 0600 on first start.
 */
export function loadSecretKey(dataDir: string, configured?: string): { key: Buffer; created: boolean } {
  if (configured) return { key: parseKey(configured), created: false };
  const file = join(dataDir, 'secret.key');
  if (existsSync(file)) {
    try {
      return { key: parseKey(readFileSync(file, 'utf8')), created: false };
    } catch (err) {
      throw new SecretError(`${file}: ${(err as Error).message}`, { cause: err });
    }
  }
  const key = randomBytes(32);
  writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return { key, created: true };
}
