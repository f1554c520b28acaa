import { createHash, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import * as z from 'zod';
import { Text, Timestamp } from './messages/common.js';

/**
 * Signed agent releases. A release manager signs a statement naming the bundle (version, SHA-256, size) with
 * an Ed25519 release key kept offline; hubs store and serve the bundle with its signature, and agents verify
 * the statement against the public key pinned at enrollment before they install anything. The hub is never
 * trusted with code: it cannot forge a statement, and a bundle that does not match its statement is refused.
 */

/** A release version: semantic versioning (`1.4.0`, `1.5.0-rc.1`), no build metadata. */
export const ReleaseVersion = z
  .string()
  .max(64)
  .regex(
    /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/,
    'must be a semantic version such as 1.4.0 or 1.5.0-rc.1',
  );

/** The largest bundle an agent accepts (bytes, compressed). */
export const RELEASE_MAX_BYTES = 256 * 1024 * 1024;

/** What the release key vouches for. Serialised once into `SignedRelease.statement`, which is what is signed. */
export const ReleaseStatementSchema = z
  .object({
    kind: z.literal('outpost-agent-bundle'),
    name: z.literal('outpost-agent'),
    version: ReleaseVersion,
    /** SHA-256 of the bundle file (`.tgz`), lower-case hex. */
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits'),
    size: z.int().positive().max(RELEASE_MAX_BYTES),
    /** The Node.js versions the bundle runs on (its `engines.node`). */
    node: Text(128).min(1),
    signed_at: Timestamp,
  })
  .strict();
export type ReleaseStatement = z.infer<typeof ReleaseStatementSchema>;

/** A statement and its signature, as written by `outpost-hub release sign` (`<bundle>.sig`) and sent to agents. */
export const SignedReleaseSchema = z
  .object({
    v: z.literal(1),
    /** The statement exactly as signed (JSON text): verified byte for byte, then parsed. */
    statement: z.string().min(2).max(4096),
    /** First 16 hex digits of the SHA-256 of the raw public key: which key signed (for messages). */
    key_id: z.string().regex(/^[0-9a-f]{16}$/, 'must be 16 lower-case hex digits'),
    /** Ed25519 signature of `statement` (UTF-8), base64. */
    signature: z.string().regex(/^[A-Za-z0-9+/]{86}==$/, 'must be a base64 Ed25519 signature'),
  })
  .strict();
export type SignedRelease = z.infer<typeof SignedReleaseSchema>;

const RAW_KEY = /^[A-Za-z0-9+/]{43}=$/;

/** Why a key, a signature or a statement is refused, in words. */
export class ReleaseError extends Error {
  constructor(
    readonly code: 'bad_key' | 'bad_signature' | 'wrong_key' | 'bad_statement',
    message: string,
  ) {
    super(message);
    this.name = 'ReleaseError';
  }
}

/**
 * Reads a release public key: the raw 32-byte Ed25519 key in base64 (44 characters, what
 * `outpost-hub release keygen` prints and what agents pin). Throws a ReleaseError naming the problem.
 */
export function releasePublicKey(base64: string): KeyObject {
  const text = base64.trim();
  if (!RAW_KEY.test(text))
    throw new ReleaseError('bad_key', 'a release key is 44 base64 characters (a raw Ed25519 public key)');
  try {
    return createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(text, 'base64').toString('base64url') },
      format: 'jwk',
    });
  } catch (err) {
    throw new ReleaseError('bad_key', `not an Ed25519 public key: ${(err as Error).message}`);
  }
}

/** The raw public key (base64) of an Ed25519 key object, private or public. */
export function rawPublicKey(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  const jwk = pub.export({ format: 'jwk' }) as { crv?: string; x?: string };
  if (jwk.crv !== 'Ed25519' || !jwk.x) throw new ReleaseError('bad_key', 'not an Ed25519 key');
  return Buffer.from(jwk.x, 'base64url').toString('base64');
}

/** The id of a raw public key (base64): the first 16 hex digits of its SHA-256. */
export function releaseKeyId(rawBase64: string): string {
  return createHash('sha256').update(Buffer.from(rawBase64.trim(), 'base64')).digest('hex').slice(0, 16);
}

/** Signs a statement with an Ed25519 private key. */
export function signRelease(statement: ReleaseStatement, privateKey: KeyObject): SignedRelease {
  const checked = ReleaseStatementSchema.parse(statement);
  const text = JSON.stringify(checked);
  return {
    v: 1,
    statement: text,
    key_id: releaseKeyId(rawPublicKey(privateKey)),
    signature: sign(null, Buffer.from(text, 'utf8'), privateKey).toString('base64'),
  };
}

/**
 * Verifies a signed release against the pinned public key (raw, base64) and returns its statement. Throws a
 * ReleaseError: another key signed it (`wrong_key`), the signature does not match (`bad_signature`), or the
 * statement is not one (`bad_statement`).
 */
export function verifyRelease(signed: unknown, publicKeyBase64: string): ReleaseStatement {
  const parsed = SignedReleaseSchema.safeParse(signed);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ReleaseError('bad_signature', `signature: ${issue?.path.join('.')}: ${issue?.message}`);
  }
  const key = releasePublicKey(publicKeyBase64);
  const keyId = releaseKeyId(publicKeyBase64);
  if (parsed.data.key_id !== keyId) {
    throw new ReleaseError(
      'wrong_key',
      `signed with release key ${parsed.data.key_id}, but the pinned release key is ${keyId}`,
    );
  }
  const ok = verify(
    null,
    Buffer.from(parsed.data.statement, 'utf8'),
    key,
    Buffer.from(parsed.data.signature, 'base64'),
  );
  if (!ok) throw new ReleaseError('bad_signature', `the signature does not match (key ${keyId})`);
  let json: unknown;
  try {
    json = JSON.parse(parsed.data.statement);
  } catch {
    throw new ReleaseError('bad_statement', 'the signed statement is not JSON');
  }
  const statement = ReleaseStatementSchema.safeParse(json);
  if (!statement.success) {
    const issue = statement.error.issues[0];
    throw new ReleaseError('bad_statement', `statement: ${issue?.path.join('.')}: ${issue?.message}`);
  }
  return statement.data;
}

/**
 * Orders two release versions as semantic versioning does (`1.2.0-rc.1` < `1.2.0` < `1.10.0`): negative when
 * `a` is older, 0 when equal, positive when newer. Both must match ReleaseVersion.
 */
export function compareReleaseVersions(a: string, b: string): number {
  const split = (v: string) => {
    const dash = v.indexOf('-');
    const core = (dash < 0 ? v : v.slice(0, dash)).split('.').map(Number);
    const pre = dash < 0 ? [] : v.slice(dash + 1).split('.');
    return { core, pre };
  };
  const x = split(a);
  const y = split(b);
  for (let i = 0; i < 3; i++) {
    const d = (x.core[i] ?? 0) - (y.core[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  // A version without a pre-release part is newer than one with it.
  if (x.pre.length === 0 || y.pre.length === 0) return Math.sign(y.pre.length - x.pre.length);
  for (let i = 0; i < Math.max(x.pre.length, y.pre.length); i++) {
    const p = x.pre[i];
    const q = y.pre[i];
    if (p === undefined) return -1;
    if (q === undefined) return 1;
    const pn = /^\d+$/.test(p);
    const qn = /^\d+$/.test(q);
    if (pn && qn) {
      const d = Number(p) - Number(q);
      if (d !== 0) return Math.sign(d);
    } else if (pn !== qn) return pn ? -1 : 1;
    else if (p !== q) return p < q ? -1 : 1;
  }
  return 0;
}
