import { createHash } from 'node:crypto';
import { ReleaseError, releaseKeyId, verifyRelease } from '@outpost/protocol';
import type { ReleaseRow } from '../store/releases.js';

/** An uploaded bundle refused, naming the form field at fault. */
export class ReleaseUploadError extends Error {
  constructor(
    readonly field: 'bundle' | 'signature' | 'release_key',
    message: string,
  ) {
    super(message);
    this.name = 'ReleaseUploadError';
  }
}

/**
 * Checks an uploaded bundle against its signature (`<bundle>.sig` from `outpost-hub release sign`) and the
 * hub's release key, and returns the row to store. The hub keeps only what the release key vouches for.
 */
export function checkUpload(
  bytes: Uint8Array,
  signatureText: string,
  publicKey: string | undefined,
  uploadedBy: number | null,
  now: number,
): ReleaseRow {
  if (!publicKey)
    throw new ReleaseUploadError(
      'release_key',
      'this hub has no release key: set releasePublicKey (outpost-hub release keygen prints it) to serve agent upgrades',
    );
  let signed: unknown;
  try {
    signed = JSON.parse(signatureText);
  } catch {
    throw new ReleaseUploadError(
      'signature',
      'not JSON: give the .sig file that `outpost-hub release sign` wrote',
    );
  }
  let statement: ReturnType<typeof verifyRelease>;
  try {
    statement = verifyRelease(signed, publicKey);
  } catch (err) {
    throw new ReleaseUploadError('signature', err instanceof ReleaseError ? err.message : String(err));
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (bytes.length !== statement.size || sha256 !== statement.sha256)
    throw new ReleaseUploadError(
      'bundle',
      `this file (${bytes.length} bytes, SHA-256 ${sha256}) is not the one signed for ${statement.version} (${statement.size} bytes, SHA-256 ${statement.sha256})`,
    );
  return {
    version: statement.version,
    sha256,
    size: bytes.length,
    node: statement.node,
    key_id: releaseKeyId(publicKey),
    signed: JSON.stringify(signed),
    uploaded_at: now,
    uploaded_by: uploadedBy,
  };
}
