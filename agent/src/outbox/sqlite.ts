import type { AgentEvent, Sample } from '@outpost/protocol';
import Database from 'better-sqlite3';
import {
  type AppendResult,
  type BatchLimits,
  type BufferDrop,
  type Outbox,
  type OutboxBatch,
  OutboxError,
  type OutboxStats,
} from './types.js';

export interface SqliteOutboxOptions {
  /** Database file, or ':memory:'. */
  file: string;
  /** Bound on the bytes of stored rows; the oldest unbatched rows are evicted beyond it. */
  maxBytes: number;
}

// Row kinds: a sample, an event, or the pending buffer_drop event (never evicted, updated while unbatched).
type Kind = 's' | 'e' | 'd';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS rows (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL CHECK (kind IN ('s', 'e', 'd')),
  ts INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  body TEXT NOT NULL,
  batch_seq INTEGER
);
CREATE INDEX IF NOT EXISTS rows_batch ON rows (batch_seq);
CREATE TABLE IF NOT EXISTS batches (seq INTEGER PRIMARY KEY, sent_at INTEGER NOT NULL);
INSERT OR IGNORE INTO meta (key, value) VALUES ('schema', 1), ('last_seq', 0), ('acked_up_to', 0), ('total_dropped', 0);
`;

// Bytes a batch envelope takes besides its rows: {"v":1,"seq":...,"sent_at":...,"samples":[],"events":[]}.
const ENVELOPE_BYTES = 128;
const EVICT_CHUNK = 512;

/** The SQLite outbox: WAL, synchronous=FULL, one transaction per append, claim and ack. */
export class SqliteOutbox implements Outbox {
  private readonly db: Database.Database;
  private readonly maxBytes: number;
  // Counters kept in memory (the outbox has one owner) so that stats() costs nothing on a large backlog.
  private bytes = 0;
  private rows = 0;
  private unbatched = 0;
  private batches = 0;
  private readonly q;

  constructor(options: SqliteOutboxOptions) {
    if (!(options.maxBytes > 0))
      throw new OutboxError('config', `outbox maxBytes must be > 0, got ${options.maxBytes}`);
    this.maxBytes = options.maxBytes;
    try {
      this.db = new Database(options.file);
      this.db.pragma('journal_mode = WAL');
      // A result is acknowledged to nobody before it is on disk: an ack from the hub deletes it, a crash must not.
      this.db.pragma('synchronous = FULL');
      this.db.exec(SCHEMA);
    } catch (err) {
      throw new OutboxError('open', `cannot open outbox ${options.file}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    const db = this.db;
    this.q = {
      meta: db.prepare<[string], { value: number }>('SELECT value FROM meta WHERE key = ?'),
      setMeta: db.prepare<[number, string]>('UPDATE meta SET value = ? WHERE key = ?'),
      insert: db.prepare<[Kind, number, number, string]>(
        'INSERT INTO rows (kind, ts, bytes, body) VALUES (?, ?, ?, ?)',
      ),
      oldestEvictable: db.prepare<[number, number], { id: number; ts: number; bytes: number }>(
        "SELECT id, ts, bytes FROM rows WHERE batch_seq IS NULL AND kind != 'd' AND id > ? ORDER BY id LIMIT ?",
      ),
      evictUpTo: db.prepare<[number]>("DELETE FROM rows WHERE batch_seq IS NULL AND kind != 'd' AND id <= ?"),
      pendingDrop: db.prepare<[], { id: number; body: string; bytes: number }>(
        "SELECT id, body, bytes FROM rows WHERE batch_seq IS NULL AND kind = 'd' LIMIT 1",
      ),
      updateRow: db.prepare<[number, string, number]>('UPDATE rows SET bytes = ?, body = ? WHERE id = ?'),
      unbatched: db.prepare<[number], { id: number; kind: Kind; bytes: number }>(
        'SELECT id, kind, bytes FROM rows WHERE batch_seq IS NULL ORDER BY id LIMIT ?',
      ),
      number: db.prepare<[number, number]>(
        'UPDATE rows SET batch_seq = ? WHERE batch_seq IS NULL AND id <= ?',
      ),
      insertBatch: db.prepare<[number, number]>('INSERT INTO batches (seq, sent_at) VALUES (?, ?)'),
      batches: db.prepare<[], { seq: number; sent_at: number }>(
        'SELECT seq, sent_at FROM batches ORDER BY seq',
      ),
      batchRows: db.prepare<[number], { kind: Kind; body: string }>(
        'SELECT kind, body FROM rows WHERE batch_seq = ? ORDER BY id',
      ),
      ackRows: db.prepare<[number], { n: number; b: number | null }>(
        'SELECT COUNT(*) AS n, SUM(bytes) AS b FROM rows WHERE batch_seq IS NOT NULL AND batch_seq <= ?',
      ),
      deleteRows: db.prepare<[number]>('DELETE FROM rows WHERE batch_seq IS NOT NULL AND batch_seq <= ?'),
      deleteBatches: db.prepare<[number]>('DELETE FROM batches WHERE seq <= ?'),
      counts: db.prepare<[], { rows: number; unbatched: number | null; bytes: number | null }>(
        'SELECT COUNT(*) AS rows, SUM(batch_seq IS NULL) AS unbatched, SUM(bytes) AS bytes FROM rows',
      ),
      batchCount: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM batches'),
    };
    this.recount();
  }

  /** Reads the counters from the database (at open, and after a failed transaction rolled back). */
  private recount(): void {
    const c = this.q.counts.get();
    this.rows = c?.rows ?? 0;
    this.unbatched = c?.unbatched ?? 0;
    this.bytes = c?.bytes ?? 0;
    this.batches = this.q.batchCount.get()?.n ?? 0;
  }

  /** Runs `fn` in a transaction; if it fails, the database rolled back, so the counters are read again. */
  private tx<T>(fn: () => T): T {
    try {
      return this.db.transaction(fn)();
    } catch (err) {
      this.recount();
      throw err;
    }
  }

  private getMeta(key: string): number {
    return this.q.meta.get(key)?.value ?? 0;
  }

  append(samples: readonly Sample[], events: readonly AgentEvent[], now: number): AppendResult {
    if (samples.length === 0 && events.length === 0) return { appended: 0, evicted: 0 };
    return this.tx(() => {
      for (const s of samples) this.insert('s', s.ts, s);
      for (const e of events) this.insert('e', e.ts, e);
      const evicted = this.bytes > this.maxBytes ? this.evict(now) : 0;
      return { appended: samples.length + events.length, evicted };
    });
  }

  private insert(kind: Kind, ts: number, value: unknown): void {
    const body = JSON.stringify(value);
    const bytes = Buffer.byteLength(body);
    this.q.insert.run(kind, ts, bytes, body);
    this.bytes += bytes;
    this.rows++;
    this.unbatched++;
  }

  /** Deletes the oldest unbatched rows until under the bound; records them in one pending buffer_drop event. */
  private evict(now: number): number {
    let lastId = 0;
    let freed = 0;
    let count = 0;
    let oldest: number | undefined;
    let newest: number | undefined;
    const need = this.bytes - this.maxBytes;
    scan: while (freed < need) {
      const chunk = this.q.oldestEvictable.all(lastId, EVICT_CHUNK);
      if (chunk.length === 0) break;
      for (const row of chunk) {
        lastId = row.id;
        freed += row.bytes;
        count++;
        oldest = oldest === undefined ? row.ts : Math.min(oldest, row.ts);
        newest = newest === undefined ? row.ts : Math.max(newest, row.ts);
        if (freed >= need) break scan;
      }
    }
    if (count === 0) return 0;
    this.q.evictUpTo.run(lastId);
    this.bytes -= freed;
    this.rows -= count;
    this.unbatched -= count;
    const total = this.getMeta('total_dropped') + count;
    this.q.setMeta.run(total, 'total_dropped');
    const pending = this.q.pendingDrop.get();
    if (pending) {
      const prev = JSON.parse(pending.body) as BufferDrop;
      const next = {
        ...prev,
        ts: now,
        dropped: prev.dropped + count,
        total_dropped: total,
        oldest_ts: Math.min(prev.oldest_ts ?? oldest ?? now, oldest ?? now),
        newest_ts: Math.max(prev.newest_ts ?? 0, newest ?? 0),
      };
      const body = JSON.stringify(next);
      const bytes = Buffer.byteLength(body);
      this.q.updateRow.run(bytes, body, pending.id);
      this.bytes += bytes - pending.bytes;
    } else {
      const event = {
        type: 'buffer_drop',
        ts: now,
        dropped: count,
        total_dropped: total,
        oldest_ts: oldest,
        newest_ts: newest,
      };
      this.insert('d', now, event);
    }
    return count;
  }

  claimBatch(limits: BatchLimits, now: number): OutboxBatch | null {
    return this.tx((): OutboxBatch | null => {
      const rows = this.q.unbatched.all(limits.maxSamples + limits.maxEvents);
      let samples = 0;
      let events = 0;
      let bytes = ENVELOPE_BYTES;
      let lastId = -1;
      for (const row of rows) {
        const isSample = row.kind === 's';
        if (isSample ? samples >= limits.maxSamples : events >= limits.maxEvents) break;
        if (bytes + row.bytes + 1 > limits.maxBytes && lastId >= 0) break;
        if (isSample) samples++;
        else events++;
        bytes += row.bytes + 1;
        lastId = row.id;
      }
      if (lastId < 0) return null;
      const seq = this.getMeta('last_seq') + 1;
      this.unbatched -= this.q.number.run(seq, lastId).changes;
      this.q.insertBatch.run(seq, now);
      this.batches++;
      this.q.setMeta.run(seq, 'last_seq');
      return this.readBatch(seq, now);
    });
  }

  private readBatch(seq: number, sentAt: number): OutboxBatch {
    const samples: Sample[] = [];
    const events: AgentEvent[] = [];
    for (const row of this.q.batchRows.all(seq)) {
      if (row.kind === 's') samples.push(JSON.parse(row.body) as Sample);
      else events.push(JSON.parse(row.body) as AgentEvent);
    }
    return { seq, sentAt, samples, events };
  }

  unacked(): OutboxBatch[] {
    return this.q.batches.all().map((b) => this.readBatch(b.seq, b.sent_at));
  }

  ack(upTo: number): number {
    if (!Number.isSafeInteger(upTo) || upTo < 1) return 0;
    return this.tx(() => {
      const bound = Math.min(upTo, this.getMeta('last_seq'));
      const { n, b } = this.q.ackRows.get(bound) ?? { n: 0, b: 0 };
      this.q.deleteRows.run(bound);
      this.batches -= this.q.deleteBatches.run(bound).changes;
      this.bytes -= b ?? 0;
      this.rows -= n;
      if (bound > this.getMeta('acked_up_to')) this.q.setMeta.run(bound, 'acked_up_to');
      return n;
    });
  }

  stats(): OutboxStats {
    return {
      rows: this.rows,
      bytes: this.bytes,
      unbatchedRows: this.unbatched,
      unackedBatches: this.batches,
      lastSeq: this.getMeta('last_seq'),
      ackedUpTo: this.getMeta('acked_up_to'),
      totalDropped: this.getMeta('total_dropped'),
      maxBytes: this.maxBytes,
    };
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

/** Reads an outbox's counters without taking part in it (for `outpost-agent status`). */
export function readOutboxStats(file: string): Omit<OutboxStats, 'maxBytes'> {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const meta = new Map(
      db
        .prepare<[], { key: string; value: number }>('SELECT key, value FROM meta')
        .all()
        .map((r) => [r.key, r.value]),
    );
    const c = db
      .prepare<[], { rows: number; unbatched: number | null; bytes: number | null }>(
        'SELECT COUNT(*) AS rows, SUM(batch_seq IS NULL) AS unbatched, SUM(bytes) AS bytes FROM rows',
      )
      .get();
    const batches = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM batches').get();
    return {
      rows: c?.rows ?? 0,
      bytes: c?.bytes ?? 0,
      unbatchedRows: c?.unbatched ?? 0,
      unackedBatches: batches?.n ?? 0,
      lastSeq: meta.get('last_seq') ?? 0,
      ackedUpTo: meta.get('acked_up_to') ?? 0,
      totalDropped: meta.get('total_dropped') ?? 0,
    };
  } finally {
    db.close();
  }
}
