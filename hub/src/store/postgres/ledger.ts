import {
  type Gap,
  type GapRow,
  LEDGER_AHEAD_LIMIT,
  type LedgerRepo,
  type LedgerState,
  type LedgerWrite,
} from '../ledger.js';
import type { Scope } from './connection.js';

/**
 * Per-agent delivery state on PostgreSQL. Inside a unit of work, `observe` locks the agent's `agent_acks` row
 * (created at 0 when missing) until the unit ends: a second unit ingesting for the same agent waits there, so
 * the state one unit decides on cannot change before it records.
 */
export class PgLedger implements LedgerRepo {
  constructor(private readonly s: Scope) {}

  async observe(
    agentId: string,
    seq: number,
  ): Promise<{ state: LedgerState; stored: boolean; below: number }> {
    return this.s.atomic(async (s) => {
      await s.run(
        'INSERT INTO agent_acks (agent_id, up_to, updated_at) VALUES (?, 0, 0) ON CONFLICT (agent_id) DO NOTHING',
        agentId,
      );
      const upTo =
        (
          await s.get<{ up_to: number }>(
            'SELECT up_to FROM agent_acks WHERE agent_id = ? FOR UPDATE',
            agentId,
          )
        )?.up_to ?? 0;
      const gaps = await s.all<Gap>(
        `SELECT id, from_seq, to_seq, detected_at FROM agent_gaps
         WHERE agent_id = ? AND filled_at IS NULL AND lost_at IS NULL ORDER BY from_seq`,
        agentId,
      );
      const ahead = (
        await s.all<{ seq: number }>(
          'SELECT seq FROM agent_batches WHERE agent_id = ? AND seq > ? ORDER BY seq LIMIT ?',
          agentId,
          upTo,
          LEDGER_AHEAD_LIMIT,
        )
      ).map((r) => r.seq);
      const stored =
        (await s.get('SELECT 1 AS one FROM agent_batches WHERE agent_id = ? AND seq = ?', agentId, seq)) !==
        undefined;
      const below =
        (
          await s.get<{ m: number | null }>(
            'SELECT max(seq) AS m FROM agent_batches WHERE agent_id = ? AND seq < ?',
            agentId,
            seq,
          )
        )?.m ?? 0;
      return { state: { upTo, gaps, ahead }, stored, below };
    });
  }

  record(agentId: string, w: LedgerWrite): Promise<void> {
    return this.s.atomic(async (s) => {
      await s.run(
        'INSERT INTO agent_batches (agent_id, seq, received_at, samples, events) VALUES (?, ?, ?, ?, ?)',
        agentId,
        w.seq,
        w.received_at,
        w.samples,
        w.events,
      );
      if (w.gap) {
        await s.run(
          'INSERT INTO agent_gaps (agent_id, from_seq, to_seq, detected_at) VALUES (?, ?, ?, ?)',
          agentId,
          w.gap.from_seq,
          w.gap.to_seq,
          w.received_at,
        );
      }
      for (const id of w.lost)
        await s.run(
          'UPDATE agent_gaps SET lost_at = ? WHERE id = ? AND agent_id = ?',
          w.received_at,
          id,
          agentId,
        );
      for (const id of w.filled)
        await s.run(
          'UPDATE agent_gaps SET filled_at = ? WHERE id = ? AND agent_id = ?',
          w.received_at,
          id,
          agentId,
        );
      if (w.upTo !== undefined) {
        await s.run(
          `INSERT INTO agent_acks (agent_id, up_to, updated_at) VALUES (?, ?, ?)
           ON CONFLICT (agent_id) DO UPDATE SET up_to = excluded.up_to, updated_at = excluded.updated_at`,
          agentId,
          w.upTo,
          w.received_at,
        );
      }
    });
  }

  async upTo(agentId: string): Promise<number> {
    return (
      (await this.s.get<{ up_to: number }>('SELECT up_to FROM agent_acks WHERE agent_id = ?', agentId))
        ?.up_to ?? 0
    );
  }

  gaps(agentId: string): Promise<GapRow[]> {
    return this.s.all<GapRow>(
      'SELECT id, from_seq, to_seq, detected_at, filled_at, lost_at FROM agent_gaps WHERE agent_id = ? ORDER BY from_seq, id',
      agentId,
    );
  }

  async batches(agentId: string): Promise<{ count: number; min: number | null; max: number | null }> {
    return (await this.s.get(
      'SELECT count(*)::int AS count, min(seq) AS min, max(seq) AS max FROM agent_batches WHERE agent_id = ?',
      agentId,
    )) as { count: number; min: number | null; max: number | null };
  }
}
