import type { z } from 'zod';
import { decodeCompactBatch } from './batch/compact-decode.js';
import { isCompactBatch } from './batch/format.js';
import type { SeriesTableCache } from './batch/series-tables.js';
import { validateBatch } from './batch/validate.js';
import { fail, type ProtocolError, schemaFailure } from './errors.js';
import { LIMITS } from './limits.js';
import { AckSchema } from './messages/ack.js';
import { BatchSchema } from './messages/batch.js';
import { CommandSchema } from './messages/command.js';
import { PROTOCOL_VERSION } from './messages/common.js';
import { ConfigSchema } from './messages/config.js';
import { ResultSchema } from './messages/result.js';
import { type SnapshotMessage, SnapshotMetaSchema } from './messages/snapshot.js';
import { StatusSchema } from './messages/status.js';
import { type MessageKind, parseTopic } from './topics.js';

export type { FieldIssue, ProtocolError, ProtocolErrorCode } from './errors.js';

/** The JSON schema of each kind (the snapshot's is for its metadata header). */
export const SCHEMAS = {
  status: StatusSchema,
  batch: BatchSchema,
  result: ResultSchema,
  snapshot: SnapshotMetaSchema,
  ack: AckSchema,
  config: ConfigSchema,
  command: CommandSchema,
} as const;

/** Largest payload of each kind, in bytes. */
export const MAX_BYTES: Record<MessageKind, number> = {
  status: LIMITS.smallBytes,
  batch: LIMITS.batchBytes,
  result: LIMITS.resultBytes,
  snapshot: LIMITS.snapshotBytes,
  ack: LIMITS.smallBytes,
  config: LIMITS.configBytes,
  command: LIMITS.smallBytes,
};

/** The decoded message of each kind. */
export type Messages = {
  status: z.infer<typeof StatusSchema>;
  batch: z.infer<typeof BatchSchema>;
  result: z.infer<typeof ResultSchema>;
  snapshot: SnapshotMessage;
  ack: z.infer<typeof AckSchema>;
  config: z.infer<typeof ConfigSchema>;
  command: z.infer<typeof CommandSchema>;
};

/** What a sender passes to `encode` (defaults may be left out). */
export type MessageInputs = {
  [K in Exclude<MessageKind, 'snapshot'>]: z.input<(typeof SCHEMAS)[K]>;
} & { snapshot: z.input<typeof SnapshotMetaSchema> & { image: Uint8Array } };

export type Decoded = { [K in MessageKind]: { kind: K; agentId: string; message: Messages[K] } }[MessageKind];

export type DecodeResult = ({ ok: true } & Decoded) | { ok: false; error: ProtocolError };
export type EncodeResult = { ok: true; bytes: Uint8Array } | { ok: false; error: ProtocolError };

const utf8 = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();
const JPEG_MAGIC = [0xff, 0xd8];

/** Checks `v` before the schema so that a newer protocol gets a clear answer, not a list of field errors. */
function checkVersion(kind: MessageKind, value: unknown): { ok: false; error: ProtocolError } | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail('schema', `invalid ${kind}: payload must be a JSON object`, [
      { path: '', message: 'not an object' },
    ]);
  }
  const v = (value as { v?: unknown }).v;
  if (v === undefined)
    return fail('version', `invalid ${kind}: v: required`, [{ path: 'v', message: 'required' }]);
  if (v !== PROTOCOL_VERSION) {
    const message = `unsupported protocol version v=${JSON.stringify(v)}; this side speaks v=${PROTOCOL_VERSION}`;
    return fail('version', message, [{ path: 'v', message }]);
  }
  return null;
}

function parseJson(
  kind: MessageKind,
  bytes: Uint8Array,
): { ok: true; value: unknown } | { ok: false; error: ProtocolError } {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return fail('encoding', `invalid ${kind}: payload is not UTF-8`);
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return fail('json', `invalid ${kind}: payload is not JSON (${(err as Error).message})`);
  }
}

/** Validates `value` as a message of `kind` (already parsed from JSON). Never throws. */
export function validate<K extends Exclude<MessageKind, 'snapshot'>>(
  kind: K,
  value: unknown,
): { ok: true; message: Messages[K] } | { ok: false; error: ProtocolError } {
  const versionError = checkVersion(kind, value);
  if (versionError) return versionError;
  // The hot path: a hand-written check that gives the schema's result, or defers to it to name a problem.
  if (kind === 'batch')
    return validateBatch(value) as { ok: true; message: Messages[K] } | { ok: false; error: ProtocolError };
  const parsed = SCHEMAS[kind].safeParse(value);
  if (!parsed.success) return schemaFailure(kind, parsed.error);
  return { ok: true, message: parsed.data as Messages[K] };
}

function decodeSnapshot(
  bytes: Uint8Array,
): { ok: true; message: SnapshotMessage } | { ok: false; error: ProtocolError } {
  if (bytes.length < 4)
    return fail('frame', 'invalid snapshot: payload shorter than its 4-byte header length');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(0);
  if (headerLength === 0 || 4 + headerLength > bytes.length) {
    return fail(
      'frame',
      `invalid snapshot: header length ${headerLength} does not fit a ${bytes.length}-byte payload`,
    );
  }
  const header = parseJson('snapshot', bytes.subarray(4, 4 + headerLength));
  if (!header.ok) return header;
  const versionError = checkVersion('snapshot', header.value);
  if (versionError) return versionError;
  const parsed = SnapshotMetaSchema.safeParse(header.value);
  if (!parsed.success) return schemaFailure('snapshot', parsed.error);
  const image = bytes.subarray(4 + headerLength);
  if (image.length < 2 || image[0] !== JPEG_MAGIC[0] || image[1] !== JPEG_MAGIC[1]) {
    return fail('frame', 'invalid snapshot: image is not a JPEG (no FF D8 start marker)', [
      { path: 'image', message: 'not a JPEG' },
    ]);
  }
  return { ok: true, message: { ...parsed.data, image } };
}

/**
 * Decodes a payload received on `topic`. Never throws: returns the typed message with the agent id and kind
 * taken from the topic, or an error naming the field path and reason. Unknown fields are dropped. A batch may
 * be JSON or compact (it starts with "OPB"); both decode to the same message. `seriesTables` keeps the series
 * tables of compact batches per agent (a shortcut for tables an agent sends again; the result is the same).
 */
export function decode(
  topic: string,
  bytes: Uint8Array,
  opts: { seriesTables?: SeriesTableCache } = {},
): DecodeResult {
  const parsedTopic = parseTopic(topic);
  if (!parsedTopic.ok) return fail('topic', `invalid topic: ${parsedTopic.reason}`);
  const { agentId, kind } = parsedTopic;
  if (!(bytes instanceof Uint8Array)) return fail('encoding', `invalid ${kind}: payload must be bytes`);
  if (bytes.length > MAX_BYTES[kind]) {
    return fail(
      'too_large',
      `invalid ${kind}: payload is ${bytes.length} bytes, the limit is ${MAX_BYTES[kind]}`,
    );
  }
  if (kind === 'snapshot') {
    const snapshot = decodeSnapshot(bytes);
    return snapshot.ok ? { ok: true, kind, agentId, message: snapshot.message } : snapshot;
  }
  if (kind === 'batch' && isCompactBatch(bytes)) {
    const tables = opts.seriesTables;
    const compact = decodeCompactBatch(bytes, tables && { tables, sender: agentId });
    return compact.ok ? { ok: true, kind, agentId, message: compact.message } : compact;
  }
  const json = parseJson(kind, bytes);
  if (!json.ok) return json;
  const result = validate(kind, json.value);
  if (!result.ok) return result;
  return { ok: true, kind, agentId, message: result.message } as DecodeResult;
}

/** Validates and serialises a message of `kind`. Never throws. */
export function encode<K extends MessageKind>(kind: K, message: MessageInputs[K]): EncodeResult {
  if (kind === 'snapshot') {
    const { image, ...meta } = message as MessageInputs['snapshot'];
    const versionError = checkVersion('snapshot', meta);
    if (versionError) return versionError;
    const parsed = SnapshotMetaSchema.safeParse(meta);
    if (!parsed.success) return schemaFailure('snapshot', parsed.error);
    if (!(image instanceof Uint8Array) || image[0] !== JPEG_MAGIC[0] || image[1] !== JPEG_MAGIC[1]) {
      return fail('frame', 'invalid snapshot: image is not a JPEG (no FF D8 start marker)');
    }
    const header = encoder.encode(JSON.stringify(parsed.data));
    const bytes = new Uint8Array(4 + header.length + image.length);
    new DataView(bytes.buffer).setUint32(0, header.length);
    bytes.set(header, 4);
    bytes.set(image, 4 + header.length);
    if (bytes.length > MAX_BYTES.snapshot) {
      return fail('too_large', `invalid snapshot: ${bytes.length} bytes, the limit is ${MAX_BYTES.snapshot}`);
    }
    return { ok: true, bytes };
  }
  const result = validate(kind as Exclude<MessageKind, 'snapshot'>, message);
  if (!result.ok) return result;
  const bytes = encoder.encode(JSON.stringify(result.message));
  if (bytes.length > MAX_BYTES[kind]) {
    return fail('too_large', `invalid ${kind}: ${bytes.length} bytes, the limit is ${MAX_BYTES[kind]}`);
  }
  return { ok: true, bytes };
}
