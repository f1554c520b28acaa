import type { AgentEvent, Sample } from '@outpost/protocol';
import type { AppendResult, BatchLimits, BufferDrop, Outbox, OutboxBatch, OutboxStats } from './types.js';

export interface MemoryOutboxOptions {
  maxBytes: number;
}

interface Row {
  kind: 's' | 'e' | 'd';
  ts: number;
  bytes: number;
  value: Sample | AgentEvent;
  seq?: number;
}

const ENVELOPE_BYTES = 128;

/** An outbox in memory (not durable): same contract as SqliteOutbox, for tests and tools that need no disk. */
export class MemoryOutbox implements Outbox {
  private rows: Row[] = [];
  private batches = new Map<number, number>();
  private lastSeq = 0;
  private ackedUpTo = 0;
  private totalDropped = 0;
  constructor(private readonly options: MemoryOutboxOptions) {}

  private get bytes(): number {
    return this.rows.reduce((sum, r) => sum + r.bytes, 0);
  }

  append(samples: readonly Sample[], events: readonly AgentEvent[], now: number): AppendResult {
    const add = (kind: Row['kind'], value: Sample | AgentEvent) =>
      this.rows.push({
        kind,
        ts: value.ts,
        bytes: Buffer.byteLength(JSON.stringify(value)),
        value: structuredClone(value),
      });
    for (const s of samples) add('s', s);
    for (const e of events) add('e', e);
    let over = this.bytes - this.options.maxBytes;
    let evicted = 0;
    let oldest = Number.POSITIVE_INFINITY;
    let newest = 0;
    while (over > 0) {
      const i = this.rows.findIndex((r) => r.seq === undefined && r.kind !== 'd');
      if (i < 0) break;
      const [row] = this.rows.splice(i, 1);
      if (!row) break;
      over -= row.bytes;
      evicted++;
      oldest = Math.min(oldest, row.ts);
      newest = Math.max(newest, row.ts);
    }
    if (evicted > 0) {
      this.totalDropped += evicted;
      const pending = this.rows.find((r) => r.seq === undefined && r.kind === 'd');
      const prev = pending?.value as BufferDrop | undefined;
      const event = {
        type: 'buffer_drop' as const,
        ts: now,
        dropped: (prev?.dropped ?? 0) + evicted,
        total_dropped: this.totalDropped,
        oldest_ts: Math.min(prev?.oldest_ts ?? oldest, oldest),
        newest_ts: Math.max(prev?.newest_ts ?? 0, newest),
      };
      const bytes = Buffer.byteLength(JSON.stringify(event));
      if (pending) Object.assign(pending, { ts: now, value: event, bytes });
      else this.rows.push({ kind: 'd', ts: now, bytes, value: event });
    }
    return { appended: samples.length + events.length, evicted };
  }

  claimBatch(limits: BatchLimits, now: number): OutboxBatch | null {
    let samples = 0;
    let events = 0;
    let bytes = ENVELOPE_BYTES;
    const take: Row[] = [];
    for (const row of this.rows) {
      if (row.seq !== undefined) continue;
      const isSample = row.kind === 's';
      if (isSample ? samples >= limits.maxSamples : events >= limits.maxEvents) break;
      if (bytes + row.bytes + 1 > limits.maxBytes && take.length > 0) break;
      if (isSample) samples++;
      else events++;
      bytes += row.bytes + 1;
      take.push(row);
    }
    if (take.length === 0) return null;
    const seq = ++this.lastSeq;
    for (const row of take) row.seq = seq;
    this.batches.set(seq, now);
    return this.read(seq, now);
  }

  private read(seq: number, sentAt: number): OutboxBatch {
    const rows = this.rows.filter((r) => r.seq === seq);
    return {
      seq,
      sentAt,
      samples: rows.filter((r) => r.kind === 's').map((r) => structuredClone(r.value as Sample)),
      events: rows.filter((r) => r.kind !== 's').map((r) => structuredClone(r.value as AgentEvent)),
    };
  }

  unacked(): OutboxBatch[] {
    return [...this.batches].sort((a, b) => a[0] - b[0]).map(([seq, sentAt]) => this.read(seq, sentAt));
  }

  ack(upTo: number): number {
    if (!Number.isSafeInteger(upTo) || upTo < 1) return 0;
    const bound = Math.min(upTo, this.lastSeq);
    const before = this.rows.length;
    this.rows = this.rows.filter((r) => r.seq === undefined || r.seq > bound);
    for (const seq of this.batches.keys()) if (seq <= bound) this.batches.delete(seq);
    this.ackedUpTo = Math.max(this.ackedUpTo, bound);
    return before - this.rows.length;
  }

  stats(): OutboxStats {
    return {
      rows: this.rows.length,
      bytes: this.bytes,
      unbatchedRows: this.rows.filter((r) => r.seq === undefined).length,
      unackedBatches: this.batches.size,
      lastSeq: this.lastSeq,
      ackedUpTo: this.ackedUpTo,
      totalDropped: this.totalDropped,
      maxBytes: this.options.maxBytes,
    };
  }

  close(): void {}
}
