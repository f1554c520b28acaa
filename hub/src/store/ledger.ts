/** A range of seqs found missing when a later batch arrived (an open gap). */
export interface Gap {
  id: number;
  from_seq: number;
  to_seq: number;
  detected_at: number;
}

/** A gap with what became of it. */
export interface GapRow extends Gap {
  filled_at: number | null;
  lost_at: number | null;
}

/** What is stored of one agent's delivery (the input of ingest/ledger.ts). */
export interface LedgerState {
  /** Highest seq up to which everything is stored or given up (the last ack; 0 before any). */
  upTo: number;
  /** Gaps still open (neither filled nor given up), ordered by from_seq. */
  gaps: readonly Gap[];
  /** Stored seqs above `upTo`, ascending (held back by a gap; at most LEDGER_AHEAD_LIMIT). */
  ahead: readonly number[];
}

/** Seqs above the ack loaded with the state: enough for any outbox window, bounded per batch. */
export const LEDGER_AHEAD_LIMIT = 10_000;

/** What storing one batch changes in the ledger, as ingest/ledger.ts decided it. */
export interface LedgerWrite {
  seq: number;
  received_at: number;
  samples: number;
  events: number;
  /** The new ack, when it moved. */
  upTo?: number;
  /** A gap the batch revealed. */
  gap?: { from_seq: number; to_seq: number };
  /** Open gaps given up, by id. */
  lost: readonly number[];
  /** Open gaps the ack passed, by id. */
  filled: readonly number[];
}

/**
 * Per-agent delivery state: which seqs are stored, the contiguous ack, the gaps. The store keeps it; the
 * policy (what a seq does to it) is ingest/ledger.ts.
 */
export interface LedgerRepo {
  /**
   * The agent's state with the facts about one arriving seq: whether it is stored already and the highest
   * stored seq below it. Read through a unit of work, the agent's ledger stays with that unit until it ends:
   * another unit observing the same agent waits for it (one unit at a time on SQLite; a row lock elsewhere).
   */
  observe(agentId: string, seq: number): Promise<{ state: LedgerState; stored: boolean; below: number }>;
  /** Stores the batch's seq and what the decision changed; the same seq twice rejects with `conflict`. */
  record(agentId: string, w: LedgerWrite): Promise<void>;
  /** The agent's ack (0 before any). */
  upTo(agentId: string): Promise<number>;
  /** The agent's gaps, open or not, by from_seq. */
  gaps(agentId: string): Promise<GapRow[]>;
  /** How many seqs are stored for the agent, the lowest and the highest. */
  batches(agentId: string): Promise<{ count: number; min: number | null; max: number | null }>;
}
