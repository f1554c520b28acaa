import { createHash } from 'node:crypto';
import pg from 'pg';
import { StoreError } from '../errors.js';

/** One parameterised statement, in the `?` placeholder style the SQLite engine writes. */
interface Prepared {
  name: string;
  text: string;
}

const prepared = new Map<string, Prepared>();
const MAX_PREPARED = 2000;

/**
 * The statement for `sql`: `?` placeholders become `$1`, `$2`, ... (SQL text here never holds a literal `?`),
 * named after a hash of the text so that each pooled connection prepares it once and reuses the plan.
 */
export function statement(sql: string): Prepared {
  let p = prepared.get(sql);
  if (!p) {
    let n = 0;
    const text = sql.replace(/\?/g, () => `$${++n}`);
    p = { name: `o${createHash('sha1').update(text).digest('hex').slice(0, 20)}`, text };
    // Filters build SQL from a bounded set of clauses, but IN lists vary in length: keep the map bounded.
    if (prepared.size >= MAX_PREPARED) prepared.delete(prepared.keys().next().value as string);
    prepared.set(sql, p);
  }
  return p;
}

/** int8 (counts, epoch milliseconds) and numeric (sums) as numbers, as the SQLite engine returns them. */
const asNumber = (v: string) => Number(v);
export const TYPES = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20 || oid === 1700) return asNumber;
    return pg.types.getTypeParser(oid, format as 'text');
  },
} as pg.CustomTypesConfig;

/** Engine errors callers can act on become StoreErrors; the rest pass unchanged. */
export function translate(err: unknown): unknown {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === '23505') return new StoreError('conflict', (err as Error).message, { cause: err });
  if (code === '23503') return new StoreError('reference', (err as Error).message, { cause: err });
  return err;
}

/** Where a repository runs its statements: on the pool (each call on its own) or inside one unit of work. */
export interface Scope {
  /** Rows of `sql` with `args` bound in order. */
  all<R>(sql: string, ...args: unknown[]): Promise<R[]>;
  /** The first row, or undefined. */
  get<R>(sql: string, ...args: unknown[]): Promise<R | undefined>;
  /** Runs a write; resolves with the rows it changed. */
  run(sql: string, ...args: unknown[]): Promise<number>;
  /**
   * Rows of `sql` planned for these very values (an unnamed statement): for searches, whose best plan (a
   * trigram index or a scan) depends on the pattern, where a prepared statement's generic plan would scan.
   */
  allPlanned<R>(sql: string, args: readonly unknown[]): Promise<R[]>;
  /** Runs `fn` in one transaction when the scope is not already inside one (multi-statement writes). */
  atomic<T>(fn: (s: Scope) => Promise<T>): Promise<T>;
}

type Queryable = pg.Pool | pg.PoolClient;

async function query<R>(
  q: Queryable,
  sql: string,
  args: readonly unknown[],
  prepare = true,
): Promise<pg.QueryResult & { rows: R[] }> {
  const p = statement(sql);
  try {
    return (await q.query(
      prepare ? { name: p.name, text: p.text, values: [...args] } : { text: p.text, values: [...args] },
    )) as pg.QueryResult & { rows: R[] };
  } catch (err) {
    throw translate(err);
  }
}

abstract class BaseScope implements Scope {
  protected abstract target(): Queryable;
  abstract atomic<T>(fn: (s: Scope) => Promise<T>): Promise<T>;
  async all<R>(sql: string, ...args: unknown[]): Promise<R[]> {
    return (await query<R>(this.target(), sql, args)).rows;
  }
  async get<R>(sql: string, ...args: unknown[]): Promise<R | undefined> {
    return (await query<R>(this.target(), sql, args)).rows[0];
  }
  async run(sql: string, ...args: unknown[]): Promise<number> {
    return (await query(this.target(), sql, args)).rowCount ?? 0;
  }
  async allPlanned<R>(sql: string, args: readonly unknown[]): Promise<R[]> {
    return (await query<R>(this.target(), sql, args, false)).rows;
  }
}

/** Runs `fn` in a transaction on a connection of the pool: COMMIT when it resolves, ROLLBACK otherwise. */
export async function transaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await connect(pool);
  let broken = false;
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    try {
      await client.query('ROLLBACK');
    } catch {
      broken = true; // the connection is gone: do not return it to the pool
    }
    throw translate(err);
  } finally {
    client.release(broken);
  }
}

/** A connection of the pool, or a StoreError `unavailable` naming why there is none. */
export async function connect(pool: pg.Pool): Promise<pg.PoolClient> {
  try {
    return await pool.connect();
  } catch (err) {
    throw unreachable(err);
  }
}

/** One line saying why the database cannot be used (refused, unknown host, bad password, no such database). */
export function unreachable(err: unknown): StoreError {
  if (err instanceof StoreError) return err;
  const e = err as { code?: string; message?: string };
  return new StoreError('unavailable', `PostgreSQL is not reachable: ${e.message ?? String(err)}`, {
    cause: err,
  });
}

/** Calls made through the store itself: each statement on its own connection of the pool. */
export class PoolScope extends BaseScope {
  #closed = false;
  constructor(private readonly pool: pg.Pool) {
    super();
  }
  protected target(): Queryable {
    if (this.#closed) throw new StoreError('unavailable', 'the store is closed');
    return this.pool;
  }
  atomic<T>(fn: (s: Scope) => Promise<T>): Promise<T> {
    this.target();
    return transaction(this.pool, async (client) => {
      const scope = new ClientScope(client);
      try {
        return await fn(scope);
      } finally {
        scope.close();
      }
    });
  }
  close(): void {
    this.#closed = true;
  }
}

/** Calls made inside one transaction on one connection: they run there until the transaction ends. */
export class ClientScope extends BaseScope {
  #open = true;
  constructor(readonly client: pg.PoolClient) {
    super();
  }
  protected target(): Queryable {
    if (!this.#open) throw new StoreError('unit_closed', 'a repository of a finished unit of work was used');
    return this.client;
  }
  atomic<T>(fn: (s: Scope) => Promise<T>): Promise<T> {
    this.target();
    return fn(this);
  }
  close(): void {
    this.#open = false;
  }
}
