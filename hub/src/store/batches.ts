import type { Db } from './db.js';

/** A range of seqs found missing when a later batch arrived. */
export interface Gap {
  id: number;
  from_seq: number;
  to_seq: number;
  detected_at: number;
}

/** What storing a batch's seq did to the agent's delivery state. */
export interface SeqOutcome {
  duplicate: boolean;
  /** Highest contiguous seq stored (or declared lost) after this batch: the `upTo` of the ack. */
  upTo: number;
  /** A new gap recorded by this batch. */
  gap?: { from_seq: number; to_seq: number };
  /** Gaps given up on by this batch (the agent no longer has them). */
  lost: { from_seq: number; to_seq: number }[];
}

interface AgentState {
  upTo: number;
  gaps: Gap[];
}

/**
 * Per-agent delivery state: which seqs are stored (agent_batches), the contiguous ack (agent_acks) and the
 * gaps (agent_gaps). `record` runs inside the ingest transaction; the in-memory copy is dropped with
 * `forget` when that transaction fails, so it never runs ahead of the database.
 */
export class BatchStore {
  readonly #cache = new Map<string, AgentState>();
  readonly #insert;
  readonly #ack;
  readonly #getAck;
  readonly #below;
  readonly #above;
  readonly #openGaps;
  readonly #newGap;
  readonly #fillGaps;
  readonly #loseGap;

  constructor(db: Db) {
    this.#insert = db.prepare(
      'INSERT OR IGNORE INTO agent_batches (agent_id, seq, received_at, samples, events) VALUES (?, ?, ?, ?, ?)',
    );
    this.#ack = db.prepare(
      `INSERT INTO agent_acks (agent_id, up_to, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (agent_id) DO UPDATE SET up_to = excluded.up_to, updated_at = excluded.updated_at`,
    );
    this.#getAck = db.prepare('SELECT up_to FROM agent_acks WHERE agent_id = ?').pluck();
    this.#below = db.prepare('SELECT max(seq) FROM agent_batches WHERE agent_id = ? AND seq < ?').pluck();
    this.#above = db
      .prepare('SELECT seq FROM agent_batches WHERE agent_id = ? AND seq > ? ORDER BY seq LIMIT 1000')
      .pluck();
    this.#openGaps = db.prepare(
      `SELECT id, from_seq, to_seq, detected_at FROM agent_gaps
       WHERE agent_id = ? AND filled_at IS NULL AND lost_at IS NULL ORDER BY from_seq`,
    );
    this.#newGap = db.prepare(
      'INSERT INTO agent_gaps (agent_id, from_seq, to_seq, detected_at) VALUES (?, ?, ?, ?)',
    );
    this.#fillGaps = db.prepare(
      'UPDATE agent_gaps SET filled_at = ? WHERE agent_id = ? AND to_seq <= ? AND filled_at IS NULL AND lost_at IS NULL',
    );
    this.#loseGap = db.prepare('UPDATE agent_gaps SET lost_at = ? WHERE id = ?');
  }

  #state(agentId: string): AgentState {
    let s = this.#cache.get(agentId);
    if (!s) {
      const upTo = (this.#getAck.get(agentId) as number | undefined) ?? 0;
      s = { upTo, gaps: this.#openGaps.all(agentId) as Gap[] };
      this.#cache.set(agentId, s);
    }
    return s;
  }

  /** The `upTo` to acknowledge for this agent now. */
  upTo(agentId: string): number {
    return this.#state(agentId).upTo;
  }

  /** Drops the cached state (after a failed transaction, or when the agent is removed). */
  forget(agentId: string): void {
    this.#cache.delete(agentId);
  }

  /** Open gaps of an agent. */
  gaps(agentId: string): readonly Gap[] {
    return this.#state(agentId).gaps;
  }

  /**
   * Records `seq` as stored, inside the caller's transaction. A gap open for `lostAfterMs` of connected time
   * (counted from `connectedAt`, the start of the agent's current connection) is declared lost when a batch
   * above it arrives: the agent re-sends unacknowledged batches after every reconnect, so a seq it has not
   * re-sent in that time is one it no longer has (evicted from a full outbox).
   */
  record(
    agentId: string,
    seq: number,
    counts: { samples: number; events: number },
    opts: { now: number; connectedAt: number; lostAfterMs: number },
  ): SeqOutcome {
    const s = this.#state(agentId);
    const inserted = this.#insert.run(agentId, seq, opts.now, counts.samples, counts.events).changes > 0;
    if (!inserted) return { duplicate: true, upTo: s.upTo, lost: [] };
    const before = s.upTo;
    let gap: SeqOutcome['gap'];
    if (seq > s.upTo + 1) {
      const below = (this.#below.get(agentId, seq) as number | null) ?? 0;
      const from = Math.max(below, s.upTo) + 1;
      if (from <= seq - 1) {
        const id = Number(this.#newGap.run(agentId, from, seq - 1, opts.now).lastInsertRowid);
        gap = { from_seq: from, to_seq: seq - 1 };
        s.gaps.push({ id, ...gap, detected_at: opts.now });
        s.gaps.sort((a, b) => a.from_seq - b.from_seq);
      }
    }
    const lost: SeqOutcome['lost'] = [];
    for (const g of s.gaps) {
      if (g.to_seq >= seq) continue;
      if (opts.now - Math.max(g.detected_at, opts.connectedAt) < opts.lostAfterMs) continue;
      this.#loseGap.run(opts.now, g.id);
      lost.push({ from_seq: g.from_seq, to_seq: g.to_seq });
    }
    if (lost.length > 0) s.gaps = s.gaps.filter((g) => !lost.some((l) => l.from_seq === g.from_seq));
    this.#advance(agentId, s, lost);
    if (s.upTo !== before) {
      this.#ack.run(agentId, s.upTo, opts.now);
      if (s.gaps.some((g) => g.to_seq <= s.upTo)) {
        this.#fillGaps.run(opts.now, agentId, s.upTo);
        s.gaps = s.gaps.filter((g) => g.to_seq > s.upTo);
      }
    }
    return { duplicate: false, upTo: s.upTo, ...(gap ? { gap } : {}), lost };
  }

  /** Moves upTo over every stored seq and every lost range that follows it contiguously. */
  #advance(agentId: string, s: AgentState, lost: SeqOutcome['lost']): void {
    for (;;) {
      const skip = lost.find((l) => l.from_seq === s.upTo + 1);
      if (skip) {
        s.upTo = skip.to_seq;
        continue;
      }
      const next = this.#above.all(agentId, s.upTo) as number[];
      let moved = false;
      for (const n of next) {
        if (n !== s.upTo + 1) break;
        s.upTo = n;
        moved = true;
      }
      if (!moved || next.length < 1000) {
        if (!lost.some((l) => l.from_seq === s.upTo + 1)) return;
      }
    }
  }
}
