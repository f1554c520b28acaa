/**
 * Runs one pass at a time (a seal pass of a time-series engine): a request made during a pass waits for it to
 * settle, whatever its outcome, then makes its own, so every caller gets a pass that started after its call.
 */
export class OnePassAtATime<T> {
  #running: Promise<T> | undefined;

  async run(pass: () => Promise<T>): Promise<T> {
    while (this.#running) await this.#running.catch(() => undefined);
    const p = pass();
    this.#running = p;
    try {
      return await p;
    } finally {
      if (this.#running === p) this.#running = undefined;
    }
  }
}
