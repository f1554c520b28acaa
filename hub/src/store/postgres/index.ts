import pg from 'pg';
import { StoreError } from '../errors.js';
import type { HubStore, UnitOfWork } from '../port.js';
import { ClientScope, connect, PoolScope, TYPES, translate, unreachable } from './connection.js';
import { migrate } from './database.js';
import type { PgMigration } from './migrations/index.js';
import { PgRepositories } from './repositories.js';
import { PgUnitSamples } from './series.js';
import { PgTimeSeriesLock, type TimeSeriesLockOptions } from './time-series-lock.js';
import { PgTimeSeries, type PgTimeSeriesOptions } from './timeseries/engine.js';

export interface PostgresStoreOptions {
  /** A unit of work still open after this long is rolled back and rejected (default 60 s). */
  unitTimeoutMs?: number;
  /** Connections of the pool (default 10). */
  maxConnections?: number;
  /** The schema (default: every migration); tests pass their own. */
  migrations?: readonly PgMigration[];
  /** The time-series engine's head policy, clock and hooks. */
  timeseries?: PgTimeSeriesOptions;
  /** How openPostgresStore's time-series writer lock waits and checks (tests shorten it). */
  timeSeriesLock?: TimeSeriesLockOptions;
}

/** A unit of work on one pooled connection: its repositories, and savepoints inside its transaction. */
class PgUnit extends PgRepositories implements UnitOfWork {
  readonly samples: PgUnitSamples;
  readonly #savepoints: string[] = [];
  #next = 0;

  constructor(
    readonly scope: ClientScope,
    timeseries: PgTimeSeries,
    samples = new PgUnitSamples(timeseries),
  ) {
    super(scope, timeseries, (fn) => samples.afterCommit(fn));
    this.samples = samples;
  }

  async savepoint<T>(fn: (tx: UnitOfWork) => Promise<T>): Promise<T> {
    const name = `sp${++this.#next}`;
    await this.scope.run(`SAVEPOINT ${name}`);
    this.#savepoints.push(name);
    const mark = this.samples.mark();
    try {
      const result = await fn(this);
      this.#end(name);
      await this.scope.run(`RELEASE SAVEPOINT ${name}`);
      return result;
    } catch (err) {
      this.#end(name);
      this.samples.rollback(mark);
      await this.scope.run(`ROLLBACK TO SAVEPOINT ${name}`);
      await this.scope.run(`RELEASE SAVEPOINT ${name}`);
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
 * The PostgreSQL engine: a pool of connections (node-postgres), named prepared statements, units of work as
 * transactions on one connection each (READ COMMITTED; races are settled with row locks, ON CONFLICT and
 * guarded updates in the repositories), calls through the store each on a connection of their own.
 */
export class PostgresStore extends PgRepositories implements HubStore {
  readonly engine = 'postgres' as const;
  readonly timeseries: PgTimeSeries;
  readonly #pool: pg.Pool;
  readonly #scope: PoolScope;
  readonly #timeoutMs: number;
  readonly #units = new Set<Promise<unknown>>();
  #closed = false;

  constructor(pool: pg.Pool, opts: PostgresStoreOptions = {}) {
    const scope = new PoolScope(pool);
    const timeseries = new PgTimeSeries(scope, opts.timeseries);
    super(scope, timeseries);
    this.timeseries = timeseries;
    this.#pool = pool;
    this.#scope = scope;
    this.#timeoutMs = opts.unitTimeoutMs ?? 60_000;
  }

  /** The pool, for engine-specific work inside store/postgres (db copy, tests of this engine). */
  get pool(): pg.Pool {
    return this.#pool;
  }

  unit<T>(fn: (tx: UnitOfWork) => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(new StoreError('unavailable', 'the store is closed'));
    const p = this.#unit(fn);
    this.#units.add(p);
    const forget = () => this.#units.delete(p);
    p.then(forget, forget);
    return p;
  }

  async #unit<T>(fn: (tx: UnitOfWork) => Promise<T>): Promise<T> {
    const client = await connect(this.#pool);
    const scope = new ClientScope(client);
    let timer: NodeJS.Timeout | undefined;
    let broken = false;
    const unit = new PgUnit(scope, this.timeseries);
    let committed = false;
    try {
      await client.query('BEGIN');
      const work = fn(unit);
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new StoreError(
                'unit_timeout',
                `a unit of work was still open after ${this.#timeoutMs} ms and was rolled back`,
              ),
            ),
          this.#timeoutMs,
        );
      });
      const result = await Promise.race([work, timeout]);
      await unit.samples.persist(scope);
      scope.close();
      await client.query('COMMIT');
      committed = true;
      return result;
    } catch (err) {
      scope.close();
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true;
      }
      throw translate(err);
    } finally {
      clearTimeout(timer);
      // Samples join the head only once their head-log record is committed.
      if (committed) unit.samples.committed();
      else unit.samples.abort();
      client.release(broken);
    }
  }

  async ping(): Promise<void> {
    await this.#scope.get('SELECT 1 AS one');
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.allSettled([...this.#units]);
    this.#scope.close();
    await this.#pool.end();
    await this.timeseries.release();
  }
}

/** A pool for `url` that turns numbers back into numbers (see TYPES). */
export function createPool(url: string, max = 10): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max, types: TYPES, connectionTimeoutMillis: 10_000 });
  // An idle connection the server drops (restart, admin kill) must not crash the hub; the pool replaces it.
  pool.on('error', () => {});
  return pool;
}

/** Opens the PostgreSQL store at `url`, migrating it to the current schema; one clear error when unreachable. */
export async function openPostgresStore(
  url: string,
  opts: PostgresStoreOptions = {},
): Promise<PostgresStore> {
  const pool = createPool(url, opts.maxConnections);
  try {
    await migrate(pool, opts.migrations);
  } catch (err) {
    await pool.end().catch(() => {});
    if (err instanceof Error && /migration|schema migrations/.test(err.message)) throw err;
    throw unreachable(err);
  }
  // The built-in time series have one writer per database: the lock is claimed when the head is opened.
  const lock = new PgTimeSeriesLock(url, 'writer', opts.timeSeriesLock);
  return new PostgresStore(pool, { ...opts, timeseries: { ...opts.timeseries, lock } });
}
