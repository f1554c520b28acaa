/**
 * Runs async jobs one at a time, in the order they were given, so that work reading and then writing the
 * store (the engine's actions, notice planning) never interleaves. A failing job does not stop the next.
 */
export class Lane {
  #tail: Promise<void> = Promise.resolve();

  run<T>(job: () => Promise<T> | T): Promise<T> {
    const result = this.#tail.then(job);
    this.#tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /** Resolves once every job given so far has finished. */
  idle(): Promise<void> {
    return this.#tail;
  }
}
