import {
  type AgentEvent,
  EventSchema,
  encode,
  MIN_TIMESTAMP_MS,
  type Sample,
  SampleSchema,
} from '@outpost/protocol';
import type { OutboxBatch } from '../outbox/types.js';

export type EncodedBatch = { bytes: Uint8Array; removed: number; error?: string };

/**
 * Encodes a numbered batch for `up/batch`. Rows were validated when they entered the outbox, so this normally
 * succeeds as is. Should a stored batch still be refused (rows written by an older agent, a clock that was not
 * set), it is sent without the refused items rather than never: a seq that never reaches the hub would hold
 * its acknowledgements back forever. The filter is deterministic, so every re-send carries the same content.
 */
export function encodeBatch(batch: OutboxBatch, now: number): EncodedBatch {
  const sentAt = batch.sentAt >= MIN_TIMESTAMP_MS ? batch.sentAt : Math.max(now, MIN_TIMESTAMP_MS);
  const first = encode('batch', {
    v: 1,
    seq: batch.seq,
    sent_at: sentAt,
    samples: batch.samples,
    events: batch.events,
  });
  if (first.ok) return { bytes: first.bytes, removed: 0 };
  const samples: Sample[] = batch.samples.filter((s) => SampleSchema.safeParse(s).success);
  const events: AgentEvent[] = batch.events.filter((e) => EventSchema.safeParse(e).success);
  const removed = batch.samples.length - samples.length + batch.events.length - events.length;
  const second = encode('batch', { v: 1, seq: batch.seq, sent_at: sentAt, samples, events });
  if (second.ok) return { bytes: second.bytes, removed, error: first.error.message };
  const empty = encode('batch', { v: 1, seq: batch.seq, sent_at: sentAt, samples: [], events: [] });
  if (!empty.ok) throw new Error(`cannot encode batch ${batch.seq}: ${empty.error.message}`);
  return {
    bytes: empty.bytes,
    removed: batch.samples.length + batch.events.length,
    error: second.error.message,
  };
}
