import type { AgentEvent, KnownEvent, Sample } from '@outpost/protocol';

/** How large one batch may be (the protocol LIMITS, with room for the envelope). */
export interface BatchLimits {
  maxSamples: number;
  maxEvents: number;
  maxBytes: number;
}

/** A numbered batch: once numbered it keeps its seq and content until the hub acknowledges it. */
export interface OutboxBatch {
  seq: number;
  /** When the batch was numbered; sent as `sent_at` every time it is (re-)sent. */
  sentAt: number;
  samples: Sample[];
  events: AgentEvent[];
}

export interface AppendResult {
  /** Rows written. */
  appended: number;
  /** Rows evicted to stay under the byte bound while appending. */
  evicted: number;
}

export interface OutboxStats {
  /** Rows waiting for the hub's ack (numbered or not). */
  rows: number;
  /** Bytes those rows take (JSON bodies). */
  bytes: number;
  /** Rows not yet in a batch. */
  unbatchedRows: number;
  /** Batches numbered but not yet acknowledged. */
  unackedBatches: number;
  /** Highest seq ever numbered (0 before the first batch). */
  lastSeq: number;
  /** Highest seq the hub acknowledged. */
  ackedUpTo: number;
  /** Rows evicted since the outbox was created. */
  totalDropped: number;
  /** The configured bound. */
  maxBytes: number;
}

/**
 * The agent's store-and-forward buffer: the source of truth for every result until the hub acknowledges it.
 * Implementations must pass `runOutboxContract` (outbox/contract.ts).
 */
export interface Outbox {
  /** Stores samples and events durably; evicts the oldest unbatched rows when over the byte bound. */
  append(samples: readonly Sample[], events: readonly AgentEvent[], now: number): AppendResult;
  /** Numbers the oldest unbatched rows as the next batch, or returns null when there is none. */
  claimBatch(limits: BatchLimits, now: number): OutboxBatch | null;
  /** Batches numbered and not yet acknowledged, in seq order (to re-send after a reconnect). */
  unacked(): OutboxBatch[];
  /** Deletes every batch with seq <= upTo and its rows; returns the rows deleted. */
  ack(upTo: number): number;
  stats(): OutboxStats;
  close(): void;
}

/** Thrown when the outbox cannot be opened or used. */
export class OutboxError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OutboxError';
    this.code = code;
  }
}

/** The `buffer_drop` event the outbox queues when it evicts rows. */
export type BufferDrop = Extract<KnownEvent, { type: 'buffer_drop' }>;
