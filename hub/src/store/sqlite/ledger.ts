import {
  type Gap,
  type GapRow,
  LEDGER_AHEAD_LIMIT,
  type LedgerRepo,
  type LedgerState,
  type LedgerWrite,
} from '../ledger.js';
import type { Scope } from './connection.js';

export class SqliteLedger implements LedgerRepo {
  constructor(private readonly s: Scope) {}

  #upTo(agentId: string): number {
    return (
      (
        this.s.stmt('SELECT up_to FROM agent_acks WHERE agent_id = ?').get(agentId) as
          | { up_to: number }
          | undefined
      )?.up_to ?? 0
    );
  }

  observe(agentId: string, seq: number): Promise<{ state: LedgerState; stored: boolean; below: number }> {
    // One unit of work holds the connection at a time: what is read here cannot change before it records.
    return this.s.run(() => {
      const upTo = this.#upTo(agentId);
      const gaps = this.s
        .stmt(
          `SELECT id, from_seq, to_seq, detected_at FROM agent_gaps
           WHERE agent_id = ? AND filled_at IS NULL AND lost_at IS NULL ORDER BY from_seq`,
        )
        .all(agentId) as Gap[];
      const ahead = (
        this.s
          .stmt('SELECT seq FROM agent_batches WHERE agent_id = ? AND seq > ? ORDER BY seq LIMIT ?')
          .all(agentId, upTo, LEDGER_AHEAD_LIMIT) as { seq: number }[]
      ).map((r) => r.seq);
      const stored =
        this.s.stmt('SELECT 1 FROM agent_batches WHERE agent_id = ? AND seq = ?').get(agentId, seq) !==
        undefined;
      const below =
        (
          this.s
            .stmt('SELECT max(seq) AS m FROM agent_batches WHERE agent_id = ? AND seq < ?')
            .get(agentId, seq) as {
            m: number | null;
          }
        ).m ?? 0;
      return { state: { upTo, gaps, ahead }, stored, below };
    });
  }

  record(agentId: string, w: LedgerWrite): Promise<void> {
    return this.s.atomic(() => {
      this.s
        .stmt(
          'INSERT INTO agent_batches (agent_id, seq, received_at, samples, events) VALUES (?, ?, ?, ?, ?)',
        )
        .run(agentId, w.seq, w.received_at, w.samples, w.events);
      if (w.gap) {
        this.s
          .stmt('INSERT INTO agent_gaps (agent_id, from_seq, to_seq, detected_at) VALUES (?, ?, ?, ?)')
          .run(agentId, w.gap.from_seq, w.gap.to_seq, w.received_at);
      }
      const lose = this.s.stmt('UPDATE agent_gaps SET lost_at = ? WHERE id = ? AND agent_id = ?');
      for (const id of w.lost) lose.run(w.received_at, id, agentId);
      const fill = this.s.stmt('UPDATE agent_gaps SET filled_at = ? WHERE id = ? AND agent_id = ?');
      for (const id of w.filled) fill.run(w.received_at, id, agentId);
      if (w.upTo !== undefined) {
        this.s
          .stmt(
            `INSERT INTO agent_acks (agent_id, up_to, updated_at) VALUES (?, ?, ?)
             ON CONFLICT (agent_id) DO UPDATE SET up_to = excluded.up_to, updated_at = excluded.updated_at`,
          )
          .run(agentId, w.upTo, w.received_at);
      }
    });
  }

  upTo(agentId: string): Promise<number> {
    return this.s.run(() => this.#upTo(agentId));
  }

  gaps(agentId: string): Promise<GapRow[]> {
    return this.s.run(
      () =>
        this.s
          .stmt(
            'SELECT id, from_seq, to_seq, detected_at, filled_at, lost_at FROM agent_gaps WHERE agent_id = ? ORDER BY from_seq, id',
          )
          .all(agentId) as GapRow[],
    );
  }

  batches(agentId: string): Promise<{ count: number; min: number | null; max: number | null }> {
    return this.s.run(
      () =>
        this.s
          .stmt(
            'SELECT count(*) AS count, min(seq) AS min, max(seq) AS max FROM agent_batches WHERE agent_id = ?',
          )
          .get(agentId) as { count: number; min: number | null; max: number | null },
    );
  }
}
