import { createHash, createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type ReleaseStatement, rawPublicKey, type SignedRelease, signRelease } from '@outpost/protocol';
import * as tar from 'tar';

/** A new Ed25519 release key: the private key as PKCS#8 PEM (keep it offline) and the public key to publish. */
export function newReleaseKey(): { privatePem: string; publicKey: string } {
  const { privateKey } = generateKeyPairSync('ed25519');
  return {
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    publicKey: rawPublicKey(privateKey),
  };
}

/** Reads a release private key (PKCS#8 PEM, Ed25519); throws naming the file and the problem. */
export function readReleaseKey(file: string): KeyObject {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`--key ${file}: ${(err as Error).message}`);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(text);
  } catch (err) {
    throw new Error(`--key ${file}: not a private key in PEM: ${(err as Error).message}`);
  }
  if (key.asymmetricKeyType !== 'ed25519')
    throw new Error(
      `--key ${file}: an ${key.asymmetricKeyType} key; release keys are Ed25519 (outpost-hub release keygen)`,
    );
  return key;
}

/** The manifest.json inside an agent bundle (as agent/deploy/build.mjs --release writes it). */
export async function bundleManifest(
  file: string,
): Promise<{ name: string; version: string; engines: { node: string } }> {
  let text: string | undefined;
  await tar.t({
    file,
    onReadEntry: (entry) => {
      if (entry.path.replace(/^\.\//, '') !== 'manifest.json') return entry.resume();
      const chunks: Buffer[] = [];
      entry.on('data', (c: Buffer) => chunks.push(c));
      entry.on('end', () => {
        text = Buffer.concat(chunks).toString('utf8');
      });
    },
  });
  if (text === undefined)
    throw new Error(`${file}: no manifest.json inside: is it a bundle from build.mjs --release?`);
  const m = JSON.parse(text) as { name?: string; version?: string; engines?: { node?: string } };
  if (m.name !== 'outpost-agent' || typeof m.version !== 'string' || typeof m.engines?.node !== 'string')
    throw new Error(`${file}: manifest.json is not an agent bundle's (name, version, engines.node)`);
  return m as { name: string; version: string; engines: { node: string } };
}

/** Signs a bundle file: its version and Node.js range from its manifest, its SHA-256 and size from its bytes. */
export async function signBundle(file: string, key: KeyObject, now: number): Promise<SignedRelease> {
  const manifest = await bundleManifest(file);
  const bytes = readFileSync(file);
  const statement: ReleaseStatement = {
    kind: 'outpost-agent-bundle',
    name: 'outpost-agent',
    version: manifest.version,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    size: bytes.length,
    node: manifest.engines.node,
    signed_at: now,
  };
  return signRelease(statement, key);
}
