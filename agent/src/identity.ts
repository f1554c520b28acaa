import fs from 'node:fs';
import path from 'node:path';
import { type ConfigMessage, isValidAgentId, validate } from '@outpost/protocol';
import * as z from 'zod';

/** Files in the data directory. */
export const DATA_FILES = {
  identity: 'identity.json',
  config: 'config.json',
  outbox: 'outbox.db',
  state: 'state.json',
} as const;

/** Who this agent is and how it reaches the hub; written by `enroll`, read by every other command. */
export const IdentitySchema = z.object({
  agent_id: z.string().refine(isValidAgentId, 'not a valid agent id'),
  secret: z.string().min(1),
  site_id: z.int().positive(),
  hub_url: z.url(),
  mqtt_urls: z
    .array(
      z.string().regex(/^(mqtts?|wss?|tcp|ssl):\/\//, 'must be an mqtt://, mqtts://, ws:// or wss:// URL'),
    )
    .min(1),
  hostname: z.string(),
  enrolled_at: z.int().positive(),
  /** The release key (raw Ed25519, base64) that signs the agent releases this agent installs. */
  release_key: z
    .string()
    .regex(/^[A-Za-z0-9+/]{43}=$/, 'must be a raw Ed25519 public key in base64 (44 characters)')
    .optional(),
});
export type Identity = z.infer<typeof IdentitySchema>;

/** Something wrong with the data directory, with the file it concerns. */
export class DataDirError extends Error {
  constructor(
    readonly code: 'not_enrolled' | 'invalid' | 'io',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DataDirError';
  }
}

/** Writes `file` atomically (temp file, fsync, rename) with mode 0600: it may hold secrets. */
export function writePrivateFile(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(tmp, 'w', 0o600);
  try {
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, file);
}

/** Creates the data directory (0700) if needed. */
export function ensureDataDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new DataDirError('io', `cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new DataDirError('invalid', `${file} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
}

/** The identity in `dir`, or null when the agent is not enrolled there. */
export function readIdentity(dir: string): Identity | null {
  const file = path.join(dir, DATA_FILES.identity);
  const raw = readJson(file);
  if (raw === undefined) return null;
  const parsed = IdentitySchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DataDirError('invalid', `${file}: ${issue?.path.join('.')}: ${issue?.message}`);
  }
  return parsed.data;
}

/** The identity in `dir`; throws a DataDirError telling how to enroll when there is none. */
export function requireIdentity(dir: string): Identity {
  const identity = readIdentity(dir);
  if (!identity) {
    throw new DataDirError(
      'not_enrolled',
      `this agent is not enrolled (no ${path.join(dir, DATA_FILES.identity)}); run: outpost-agent enroll --hub URL --token TOKEN --data ${dir}`,
    );
  }
  return identity;
}

export function writeIdentity(dir: string, identity: Identity): void {
  ensureDataDir(dir);
  writePrivateFile(path.join(dir, DATA_FILES.identity), `${JSON.stringify(identity, null, 2)}\n`);
}

/** The last config received from the hub (persisted for edge autonomy), or null. */
export function readPersistedConfig(dir: string): ConfigMessage | null {
  const file = path.join(dir, DATA_FILES.config);
  const raw = readJson(file);
  if (raw === undefined) return null;
  const result = validate('config', raw);
  if (!result.ok) throw new DataDirError('invalid', `${file}: ${result.error.message}`);
  return result.message;
}

/** Persists a config (it carries device and camera secrets: 0600). */
export function writePersistedConfig(dir: string, config: ConfigMessage): void {
  writePrivateFile(path.join(dir, DATA_FILES.config), `${JSON.stringify(config)}\n`);
}

/** An identity safe to print: the secret as `<secret>`. */
export function describeIdentity(identity: Identity): Record<string, unknown> {
  return { ...identity, secret: '<secret>' };
}
