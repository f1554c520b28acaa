import {
  type AgentEvent,
  type BatchInput,
  CAPABILITY_COMPACT_BATCH,
  type ConfigMessage,
  type EncodeResult,
  EventSchema,
  encode,
  encodeCompactBatch,
  MIN_TIMESTAMP_MS,
  type Sample,
  SampleSchema,
} from '@outpost/protocol';
import type { OutboxBatch } from '../outbox/types.js';

/** How a batch travels: JSON (every hub) or compact (a hub that announces `batch.compact.1`). */
export type BatchEncoding = 'json' | 'compact';

/**
 * How to send batches to the hub that published `config`: compact only when it announces that it reads them
 * (an older hub does not) and the agent's `batch_encoding` setting leaves the choice to the hub.
 */
export function batchEncodingFor(
  setting: 'auto' | 'json',
  config: Pick<ConfigMessage, 'capabilities'>,
): BatchEncoding {
  return setting === 'auto' && config.capabilities?.includes(CAPABILITY_COMPACT_BATCH) ? 'compact' : 'json';
}

export type EncodedBatch = { bytes: Uint8Array; removed: number; encoding: BatchEncoding; error?: string };

const ENCODERS: Record<BatchEncoding, (batch: BatchInput) => EncodeResult> = {
  json: (batch) => encode('batch', batch),
  compact: (batch) => encodeCompactBatch(batch),
};

/**
 * Encodes a numbered batch for `up/batch`. Rows were validated when they entered the outbox, so this normally
 * succeeds as is. Should a stored batch still be refused (rows written by an older agent, a clock that was not
 * set), it is sent without the refused items rather than never: a seq that never reaches the hub would hold
 * its acknowledgements back forever. The filter is deterministic, so every re-send carries the same content.
 * A batch the compact form cannot carry for another reason (a string UTF-8 cannot hold) goes as JSON, which
 * every hub reads.
 */
export function encodeBatch(batch: OutboxBatch, now: number, encoding: BatchEncoding = 'json'): EncodedBatch {
  const sentAt = batch.sentAt >= MIN_TIMESTAMP_MS ? batch.sentAt : Math.max(now, MIN_TIMESTAMP_MS);
  const enc = ENCODERS[encoding];
  const first = enc({ v: 1, seq: batch.seq, sent_at: sentAt, samples: batch.samples, events: batch.events });
  if (first.ok) return { bytes: first.bytes, removed: 0, encoding };
  if (encoding === 'compact' && first.error.code !== 'schema') return encodeBatch(batch, now, 'json');
  const samples: Sample[] = batch.samples.filter((s) => SampleSchema.safeParse(s).success);
  const events: AgentEvent[] = batch.events.filter((e) => EventSchema.safeParse(e).success);
  const removed = batch.samples.length - samples.length + batch.events.length - events.length;
  const second = enc({ v: 1, seq: batch.seq, sent_at: sentAt, samples, events });
  if (second.ok) return { bytes: second.bytes, removed, encoding, error: first.error.message };
  if (encoding === 'compact') return encodeBatch(batch, now, 'json');
  const empty = encode('batch', { v: 1, seq: batch.seq, sent_at: sentAt, samples: [], events: [] });
  if (!empty.ok) throw new Error(`cannot encode batch ${batch.seq}: ${empty.error.message}`);
  return {
    bytes: empty.bytes,
    removed: batch.samples.length + batch.events.length,
    encoding: 'json',
    error: second.error.message,
  };
}
