/**
 * Bookkeeping of the head-log records present (ids and sizes, in id order), for an engine's stats and for
 * trimming: which records may go once the head's frontier (the oldest record still needed) moves on.
 */
export class HeadLogBook {
  readonly #ids: number[] = [];
  readonly #sizes: number[] = [];
  #start = 0;
  #bytes = 0;

  /** A record now present (written and committed, or found when the engine opened). */
  track(id: number, bytes: number): void {
    this.#ids.push(id);
    this.#sizes.push(bytes);
    this.#bytes += bytes;
  }

  /** How many records lie before `frontier` (those a trim deletes). */
  before(frontier: number): number {
    let n = 0;
    while (this.#start + n < this.#ids.length && (this.#ids[this.#start + n] as number) < frontier) n++;
    return n;
  }

  /** Forgets the first `n` records (deleted). */
  drop(n: number): void {
    for (let i = 0; i < n; i++) this.#bytes -= this.#sizes[this.#start + i] as number;
    this.#start += n;
    if (this.#start > 4096 && this.#start * 2 > this.#ids.length) {
      this.#ids.splice(0, this.#start);
      this.#sizes.splice(0, this.#start);
      this.#start = 0;
    }
  }

  get rows(): number {
    return this.#ids.length - this.#start;
  }

  get bytes(): number {
    return this.#bytes;
  }
}
