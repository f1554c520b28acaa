import type Database from 'better-sqlite3';
import { StoreError } from '../errors.js';

export type Db = Database.Database;

const MAX_STATEMENTS = 500;
export type Statement = Database.Statement;

/** Engine errors callers can act on become StoreErrors; the rest pass unchanged. */
export function translate(err: unknown): unknown {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
    return new StoreError('conflict', (err as Error).message, { cause: err });
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY')
    return new StoreError('reference', (err as Error).message, { cause: err });
  return err;
}

/** Runs `fn` now and turns its result or throw into a promise. */
export function settle<T>(fn: () => T): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (err) {
    return Promise.reject(translate(err));
  }
}

/**
 * The one better-sqlite3 connection of a store. better-sqlite3 is synchronous, so a statement runs the moment
 * it is called; what must not happen is a statement of other work running while a unit of work's transaction
 * is open between two of its awaits. The connection is therefore held by at most one unit at a time: calls
 * made outside that unit while it is open wait in a FIFO queue (with the units waiting for their turn) and
 * run, in order, when it ends. When nothing holds the connection a call runs at once, with no queueing cost.
 */
export class SqliteConnection {
  readonly #statements = new Map<string, Statement>();
  readonly #queue: (() => void)[] = [];
  #held = false;
  #closed = false;

  constructor(readonly db: Db) {}

  /** A prepared statement, prepared once per SQL text (the least recently prepared go past MAX_STATEMENTS). */
  stmt(sql: string): Statement {
    let s = this.#statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      // Filters build SQL from a bounded set of clauses, but IN lists vary in length: keep the cache bounded.
      if (this.#statements.size >= MAX_STATEMENTS)
        this.#statements.delete(this.#statements.keys().next().value as string);
      this.#statements.set(sql, s);
    }
    return s;
  }

  get held(): boolean {
    return this.#held;
  }

  /** Runs `fn` on the connection now when no unit holds it, otherwise once the units before it are done. */
  run<T>(fn: () => T): Promise<T> {
    if (this.#closed) return Promise.reject(new StoreError('unavailable', 'the store is closed'));
    if (!this.#held && this.#queue.length === 0) return settle(fn);
    return new Promise<T>((resolve, reject) => {
      this.#queue.push(() => settle(fn).then(resolve, reject));
    });
  }

  /** Resolves when the caller holds the connection (for a unit of work); `release` must follow. */
  hold(): Promise<void> {
    if (this.#closed) return Promise.reject(new StoreError('unavailable', 'the store is closed'));
    if (!this.#held && this.#queue.length === 0) {
      this.#held = true;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      this.#queue.push(() => {
        this.#held = true;
        resolve();
      });
    });
  }

  /** Lets the next waiting calls run, up to the next unit of work. */
  release(): void {
    this.#held = false;
    while (!this.#held && this.#queue.length > 0) (this.#queue.shift() as () => void)();
  }

  /** Waits for the work queued so far, then refuses new work and closes the database. */
  async close(): Promise<void> {
    if (this.#closed) return;
    await this.hold();
    this.#closed = true;
    this.#statements.clear();
    this.db.close();
  }
}

/** Where a repository runs its statements: on the store (each call on its own) or inside one unit of work. */
export interface Scope {
  stmt(sql: string): Statement;
  run<T>(fn: () => T): Promise<T>;
  /** Runs `fn` in one transaction when the scope is not already inside one (multi-statement writes). */
  atomic<T>(fn: () => T): Promise<T>;
}

/** Calls made through the store itself: each waits for the connection, then runs as its own transaction. */
export class StoreScope implements Scope {
  constructor(private readonly c: SqliteConnection) {}
  stmt(sql: string): Statement {
    return this.c.stmt(sql);
  }
  run<T>(fn: () => T): Promise<T> {
    return this.c.run(fn);
  }
  atomic<T>(fn: () => T): Promise<T> {
    return this.c.run(() => this.c.db.transaction(fn)());
  }
}

/** Calls made through a unit of work's repositories: they run at once inside its transaction, until it ends. */
export class UnitScope implements Scope {
  #open = true;
  constructor(private readonly c: SqliteConnection) {}
  stmt(sql: string): Statement {
    return this.c.stmt(sql);
  }
  run<T>(fn: () => T): Promise<T> {
    if (!this.#open)
      return Promise.reject(
        new StoreError('unit_closed', 'a repository of a finished unit of work was used'),
      );
    return settle(fn);
  }
  atomic<T>(fn: () => T): Promise<T> {
    return this.run(fn);
  }
  close(): void {
    this.#open = false;
  }
}
