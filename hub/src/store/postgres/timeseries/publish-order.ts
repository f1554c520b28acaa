/**
 * Head-log records join the head in id order: a record whose unit committed waits while a record with a
 * lower id is still in flight (written, its unit not yet ended). Ids are taken in commit order (see
 * PgTimeSeries), so the wait is short: at most the commits that finished in the same turn.
 */
export class PublishOrder {
  /** Records written by units not yet ended (committed-and-waiting ones included). */
  readonly #inflight = new Set<number>();
  readonly #ready = new Map<number, () => void>();

  written(id: number): void {
    this.#inflight.add(id);
  }

  /** The unit of record `id` committed: `publish` runs once no lower record is in flight. */
  ready(id: number, publish: () => void): void {
    if (!this.#inflight.has(id)) {
      publish();
      return;
    }
    this.#ready.set(id, publish);
    this.#drain();
  }

  dropped(id: number): void {
    this.#inflight.delete(id);
    this.#ready.delete(id);
    this.#drain();
  }

  #drain(): void {
    for (;;) {
      let min = Number.POSITIVE_INFINITY;
      for (const id of this.#inflight) if (id < min) min = id;
      const publish = this.#ready.get(min);
      if (!publish) return;
      this.#ready.delete(min);
      this.#inflight.delete(min);
      publish();
    }
  }
}
