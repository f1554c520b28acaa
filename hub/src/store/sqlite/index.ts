import { StoreError } from '../errors.js';
import type { HubStore, UnitOfWork } from '../port.js';
import { type Db, SqliteConnection, type Statement, StoreScope, UnitScope } from './connection.js';
import { openDatabase } from './database.js';
import type { Migration } from './migrations/types.js';
import { SqliteRepositories } from './repositories.js';
import { UnitSamples } from './series.js';
import { SqliteTimeSeries, type SqliteTimeSeriesOptions } from './timeseries/engine.js';

export interface SqliteStoreOptions {
  /** A unit of work still open after this long is rolled back and rejected (default 60 s). */
  unitTimeoutMs?: number;
  /** The schema (default: every migration); tests pass their own. */
  migrations?: readonly Migration[];
  /** The time-series engine's head policy, clock and hooks. */
  timeseries?: Omit<SqliteTimeSeriesOptions, 'run'>;
}

/** A unit of work on the SQLite connection: its repositories, its samples, and savepoints. */
class SqliteUnit extends SqliteRepositories implements UnitOfWork {
  readonly samples: UnitSamples;
  readonly #savepoints: string[] = [];
  #next = 0;

  constructor(
    private readonly c: SqliteConnection,
    private readonly scope: UnitScope,
    timeseries: SqliteTimeSeries,
    samples = new UnitSamples(timeseries),
  ) {
    super(scope, timeseries, (fn) => samples.afterCommit(fn));
    this.samples = samples;
  }

  async savepoint<T>(fn: (tx: UnitOfWork) => Promise<T>): Promise<T> {
    const name = `sp${++this.#next}`;
    await this.scope.run(() => this.c.stmt(`SAVEPOINT ${name}`).run());
    this.#savepoints.push(name);
    const mark = this.samples.mark();
    try {
      const result = await fn(this);
      this.#end(name);
      await this.scope.run(() => this.c.stmt(`RELEASE ${name}`).run());
      return result;
    } catch (err) {
      this.#end(name);
      this.samples.rollback(mark);
      if (this.c.db.inTransaction) {
        await this.scope.run(() => {
          this.c.stmt(`ROLLBACK TO ${name}`).run();
          this.c.stmt(`RELEASE ${name}`).run();
        });
      }
      throw err;
    }
  }

  #end(name: string): void {
    if (this.#savepoints.at(-1) !== name)
      throw new Error(`savepoint ${name} ended out of order: savepoints of one unit must nest, not overlap`);
    this.#savepoints.pop();
  }
}

/**
 * The embedded engine: one better-sqlite3 connection (WAL). Calls through the store run at once unless a
 * unit of work holds the connection; units run one at a time (see SqliteConnection).
 */
export class SqliteStore extends SqliteRepositories implements HubStore {
  readonly engine = 'sqlite' as const;
  readonly timeseries: SqliteTimeSeries;
  readonly #c: SqliteConnection;
  readonly #timeoutMs: number;
  readonly #begin: Statement;
  readonly #commit: Statement;
  readonly #rollback: Statement;

  constructor(db: Db, opts: SqliteStoreOptions = {}) {
    const c = new SqliteConnection(db);
    // The engine's own work (sealing, retention, reads) waits for the connection like any store call.
    const timeseries = new SqliteTimeSeries(db, { ...opts.timeseries, run: (fn) => c.run(fn) });
    super(new StoreScope(c), timeseries);
    this.timeseries = timeseries;
    this.#c = c;
    this.#timeoutMs = opts.unitTimeoutMs ?? 60_000;
    // IMMEDIATE takes the write lock at BEGIN: another process (a CLI command) waits on busy_timeout instead
    // of failing half-way when a read transaction would have to be upgraded.
    this.#begin = db.prepare('BEGIN IMMEDIATE');
    this.#commit = db.prepare('COMMIT');
    this.#rollback = db.prepare('ROLLBACK');
  }

  /** The better-sqlite3 handle, for engine-specific work inside store/sqlite (backup, tests of this engine). */
  get db(): Db {
    return this.#c.db;
  }

  async unit<T>(fn: (tx: UnitOfWork) => Promise<T>): Promise<T> {
    await this.#c.hold();
    const scope = new UnitScope(this.#c);
    const unit = new SqliteUnit(this.#c, scope, this.timeseries);
    let timer: NodeJS.Timeout | undefined;
    let committed = false;
    try {
      this.#begin.run();
      const work = fn(unit);
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new StoreError(
                'unit_timeout',
                `a unit of work was still open after ${this.#timeoutMs} ms and was rolled back (did it await a call made through the store instead of its own repositories?)`,
              ),
            ),
          this.#timeoutMs,
        );
      });
      const result = await Promise.race([work, timeout]);
      unit.samples.persist();
      this.#commit.run();
      committed = true;
      return result;
    } catch (err) {
      if (this.#c.db.inTransaction) this.#rollback.run();
      throw err;
    } finally {
      clearTimeout(timer);
      scope.close();
      // Samples join the head only once their head-log record is committed.
      if (committed) unit.samples.committed();
      else unit.samples.abort();
      this.#c.release();
    }
  }

  ping(): Promise<void> {
    return this.#c.run(() => {
      this.#c.stmt('SELECT 1').get();
    });
  }

  /** A consistent copy of the database at `file` (SQLite online backup; the store stays usable). */
  async backup(file: string): Promise<void> {
    await this.#c.db.backup(file);
  }

  close(): Promise<void> {
    return this.#c.close();
  }
}

/** Opens (creating and migrating when needed) the SQLite store at `file` (':memory:' for tests). */
export function openSqliteStore(file: string, opts: SqliteStoreOptions = {}): SqliteStore {
  return new SqliteStore(openDatabase(file, opts.migrations), opts);
}
