/**
 * Series tables of compact batches kept by a receiver, per sender: an agent polls the same devices again and
 * again, so most batches carry a series table that is byte for byte one it sent before. The decoder compares
 * the table's bytes with the sender's recent tables and reuses the decoded one on a match, skipping its parsing
 * and checks; a receiver may hang what it derived from a table (the store's series ids) on `memo`. Each batch
 * still carries its whole table and is decodable alone (protocol/README.md, "Compact batches"): the cache is
 * only a shortcut, and a batch decodes to the same message with or without it.
 */

import type { BatchMessage } from './validate.js';

/** One series of a table, as the batch names it. */
export interface TableSeries {
  /** 0 the agent, 1 a device, 2 a camera (format.ts TARGET_*). */
  readonly target: number;
  /** The device or camera id (0 for the agent). */
  readonly id: number;
  readonly metric: string;
  readonly unit: string | undefined;
  /** Frozen; shared by every series and sample with the same label set. */
  readonly labels: Readonly<Record<string, string>> | undefined;
}

/** A decoded series table. */
export interface SeriesTable {
  readonly series: readonly TableSeries[];
  /** Length of the table's bytes in the batch body (strings, label sets, series). */
  readonly byteLength: number;
  /** For the receiver: what it derived from this table, with whatever it needs to tell it is still valid. */
  memo: unknown;
}

/** A batch's samples as columns: sample i is of series `table.series[seriesOf[i]]`. */
export interface BatchColumns {
  readonly table: SeriesTable;
  readonly seriesOf: Uint32Array;
  readonly ts: Float64Array;
  readonly values: Float64Array;
}

const columns = new WeakMap<BatchMessage, BatchColumns>();

/**
 * The columns a compact batch was decoded from (the same samples as `message.samples`, in the same order),
 * or undefined for a JSON batch. Lets a receiver work per series of the table rather than per sample.
 */
export function columnsOf(message: BatchMessage): BatchColumns | undefined {
  return columns.get(message);
}

/** Records the columns of a decoded batch (the decoder's side of `columnsOf`). */
export function setColumns(message: BatchMessage, c: BatchColumns): void {
  columns.set(message, c);
}

interface Entry {
  bytes: Buffer;
  table: SeriesTable;
}

export interface SeriesTableCacheOptions {
  /** Tables kept per sender (an agent alternating between a few batch shapes hits every time). */
  perSender?: number;
  /**
   * Tables kept in all; the senders least recently heard from are dropped first. A table of 1,000 series
   * holds about 90 KB (decoded series, their bytes, the receiver's ids): 256 of them about 23 MB.
   */
  total?: number;
}

/** Recent series tables per sender, bounded per sender and in all. */
export class SeriesTableCache {
  readonly #bySender = new Map<string, Entry[]>();
  readonly #perSender: number;
  readonly #total: number;
  #size = 0;
  hits = 0;
  misses = 0;

  constructor(opts: SeriesTableCacheOptions = {}) {
    this.#perSender = Math.max(1, opts.perSender ?? 4);
    this.#total = Math.max(this.#perSender, opts.total ?? 256);
  }

  /**
   * A table of `sender` whose bytes start `body` at `start`. The table layout is self-delimiting, so bytes
   * equal to a whole table once decoded decode to that same table.
   */
  find(sender: string, body: Uint8Array, start: number): SeriesTable | undefined {
    const list = this.#bySender.get(sender);
    if (list === undefined) {
      this.misses++;
      return undefined;
    }
    // Most recently heard from last: Map order is the eviction order.
    this.#bySender.delete(sender);
    this.#bySender.set(sender, list);
    const avail = body.length - start;
    for (let i = 0; i < list.length; i++) {
      const e = list[i] as Entry;
      const n = e.bytes.length;
      if (n > avail) continue;
      if (e.bytes.equals(body.subarray(start, start + n))) {
        if (i > 0) {
          list.splice(i, 1);
          list.unshift(e);
        }
        this.hits++;
        return e.table;
      }
    }
    this.misses++;
    return undefined;
  }

  /** Keeps a table decoded from `bytes` (copied) for `sender`. */
  add(sender: string, bytes: Uint8Array, table: SeriesTable): void {
    let list = this.#bySender.get(sender);
    if (list === undefined) {
      list = [];
      this.#bySender.set(sender, list);
    }
    list.unshift({ bytes: Buffer.from(bytes), table });
    this.#size++;
    if (list.length > this.#perSender) {
      list.pop();
      this.#size--;
    }
    for (const [key, l] of this.#bySender) {
      if (this.#size <= this.#total) break;
      if (l === list) continue;
      this.#size -= l.length;
      this.#bySender.delete(key);
    }
  }

  /** Forgets a sender's tables (the agent was revoked or deleted). */
  forget(sender: string): void {
    const list = this.#bySender.get(sender);
    if (list === undefined) return;
    this.#size -= list.length;
    this.#bySender.delete(sender);
  }

  /** Tables kept in all. */
  get size(): number {
    return this.#size;
  }
}
