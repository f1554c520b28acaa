import { StreamAppender } from './codec/stream.js';

/**
 * The head: recent samples of every series, in memory, compressed as they arrive, not yet in sealed chunks.
 * Each sample also sits in a durable head-log record (one per committed unit of work); the head is rebuilt
 * from those records after a crash. A series' head is a list of chunks in write order: closed ones wait to
 * be sealed, the last one may be open. Chunks are cut only between log records, so "every sample of this
 * series up to record R is sealed" is exact and replay can skip what is already sealed.
 */

export interface HeadPolicy {
  /** A chunk is closed once it holds this many samples (at the next log record). */
  maxSamples: number;
  /** ... or once a sample lies this far after its first one. */
  maxSpanMs: number;
  /** An open chunk older than this (wall clock) is closed by the next seal pass. */
  maxAgeMs: number;
}

export const DEFAULT_HEAD_POLICY: HeadPolicy = {
  maxSamples: 480,
  maxSpanMs: 2 * 3_600_000,
  maxAgeMs: 2 * 3_600_000,
};

/** A chunk of the head: its samples (compressed as they come) and where they came from. */
export class HeadChunk extends StreamAppender {
  /** Last head-log record that contributed (the first is `minLog`). */
  maxLog: number;
  closed = false;

  constructor(
    readonly minLog: number,
    /** Wall clock when its first sample was written. */
    readonly openedAt: number,
    bytes?: number,
  ) {
    super(bytes);
    this.maxLog = minLog;
  }
}

export interface SeriesHead {
  readonly id: number;
  /** In write order; closed chunks first. */
  chunks: HeadChunk[];
  /** The last chunk when it is open (the hot path goes straight to it). */
  open: HeadChunk | undefined;
}

export class Head {
  /** By series id (ids are small dense integers: an array beats a Map on the hot path). */
  #byId: (SeriesHead | undefined)[] = [];
  readonly #series = new Map<number, SeriesHead>();
  /** Series with at least one closed chunk. */
  readonly #due = new Set<SeriesHead>();
  #samples = 0;

  constructor(readonly policy: HeadPolicy = DEFAULT_HEAD_POLICY) {}

  /** Appends a sample written in head-log record `logId` at wall-clock `now`. */
  append(id: number, t: number, v: number, logId: number, now: number): void {
    let s = this.#byId[id];
    if (s === undefined) {
      s = { id, chunks: [], open: undefined };
      this.#series.set(id, s);
      // Filled up to the id, so that the array stays a dense one (a hole far out makes it a dictionary).
      while (this.#byId.length < id) this.#byId.push(undefined);
      this.#byId[id] = s;
    }
    let open = s.open;
    if (open !== undefined && open.maxLog < logId) {
      if (open.count >= this.policy.maxSamples || t - open.firstT >= this.policy.maxSpanMs) {
        this.#close(s, open);
        // Sized like the chunk before it: few buffer growths per chunk.
        open = this.#openChunk(s, logId, now, open.usedBytes + 8);
      }
    } else if (open === undefined) open = this.#openChunk(s, logId, now, undefined);
    open.append(t, v);
    open.maxLog = logId;
    this.#samples++;
  }

  #openChunk(s: SeriesHead, logId: number, now: number, bytes: number | undefined): HeadChunk {
    const c = new HeadChunk(logId, now, bytes);
    s.chunks.push(c);
    s.open = c;
    return c;
  }

  #close(s: SeriesHead, c: HeadChunk): void {
    c.closed = true;
    s.open = undefined;
    this.#due.add(s);
  }

  get(id: number): SeriesHead | undefined {
    return this.#byId[id];
  }

  /**
   * Series to seal now: those with closed chunks, and those whose open chunk is older than the age limit
   * (closed here, when `scanAge`: the scan visits every series). With `all`, every chunk is closed.
   */
  dueSeries(now: number, opts: { all?: boolean; scanAge?: boolean } = {}): SeriesHead[] {
    const all = opts.all === true;
    if (all || opts.scanAge) {
      for (const s of this.#series.values()) {
        const open = s.open;
        if (open && (all || now - open.openedAt >= this.policy.maxAgeMs)) this.#close(s, open);
      }
    }
    return [...this.#due];
  }

  /** Closed chunks of a series, oldest first (what a seal of it writes). */
  closedChunks(s: SeriesHead): HeadChunk[] {
    const out: HeadChunk[] = [];
    for (const c of s.chunks) {
      if (!c.closed) break;
      out.push(c);
    }
    return out;
  }

  /** After the transaction that wrote them committed: forgets the first `n` chunks of a series. */
  sealed(s: SeriesHead, n: number): void {
    for (const c of s.chunks.slice(0, n)) this.#samples -= c.count;
    s.chunks = s.chunks.slice(n);
    if (!s.chunks.some((c) => c.closed)) this.#due.delete(s);
    if (s.chunks.length === 0) this.#forget(s.id);
  }

  #forget(id: number): void {
    this.#series.delete(id);
    this.#byId[id] = undefined;
  }

  /** The head-log record up to which a series' samples are all sealed, given the last record written. */
  sealedThrough(id: number, lastLogId: number): number {
    const first = this.#byId[id]?.chunks[0];
    return first ? first.minLog - 1 : lastLogId;
  }

  /** The oldest head-log record still needed: records before it may be deleted. */
  frontier(lastLogId: number): number {
    let min = lastLogId + 1;
    for (const s of this.#series.values()) {
      const first = s.chunks[0];
      if (first && first.minLog < min) min = first.minLog;
    }
    return min;
  }

  /** Forgets a series (deleted with its target). */
  drop(id: number): void {
    const s = this.#byId[id];
    if (!s) return;
    for (const c of s.chunks) this.#samples -= c.count;
    this.#forget(id);
    this.#due.delete(s);
  }

  get seriesCount(): number {
    return this.#series.size;
  }

  get sampleCount(): number {
    return this.#samples;
  }

  get bytes(): number {
    let n = 0;
    for (const s of this.#series.values()) for (const c of s.chunks) n += c.capacity + 160;
    return n;
  }
}
