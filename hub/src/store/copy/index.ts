import { createHash, type Hash } from 'node:crypto';
import pg from 'pg';
import type { Db } from '../sqlite/connection.js';
import { type CopyTable, quote, sourceTables } from './tables.js';

export interface TableReport {
  name: string;
  rows: number;
  /** SHA-256 of the table's rows in key order (canonical form: see `canonical`). */
  checksum: string;
}

export interface CopyReport {
  tables: TableReport[];
  rows: number;
  /** SHA-256 over every table's name, row count and checksum. */
  checksum: string;
  /** The target already held exactly the source's data: nothing was written. */
  alreadyCopied: boolean;
  ms: number;
}

/** At most this many bound values in one INSERT (PostgreSQL's limit is 65,535). */
const MAX_PARAMS = 30_000;
/** And at most about this many bytes of values (chunks and snapshots are large). */
const MAX_BATCH_BYTES = 8 << 20;
const FETCH = 2000;

/** int8 as BigInt (exact); everything else as node-postgres parses it. */
const EXACT = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20) return (v: string) => BigInt(v);
    return pg.types.getTypeParser(oid, format as 'text');
  },
} as pg.CustomTypesConfig;

/**
 * One value in a form both engines give alike: numbers (integers as BigInt from SQLite, int8 as text from
 * PostgreSQL, floats as numbers) by their decimal text, text with its length, blobs in hex, null apart.
 */
function canonical(v: unknown): string {
  if (v === null || v === undefined) return 'N';
  if (typeof v === 'number' || typeof v === 'bigint') return `n${String(v)}`;
  if (Buffer.isBuffer(v)) return `b${v.toString('hex')}`;
  if (v instanceof Uint8Array) return `b${Buffer.from(v).toString('hex')}`;
  const s = String(v);
  return `s${s.length}:${s}`;
}

function hashRow(h: Hash, row: unknown[]): void {
  h.update(row.map(canonical).join('\u0001'));
  h.update('\u0002');
}

/** The overall checksum of a set of tables. */
function overall(tables: readonly TableReport[]): string {
  const h = createHash('sha256');
  for (const t of tables) h.update(`${t.name}:${t.rows}:${t.checksum}\n`);
  return h.digest('hex');
}

/** A source value as a query parameter: integers exactly (as text), blobs as bytea. */
function param(v: unknown): unknown {
  if (typeof v === 'bigint') return v.toString();
  return v;
}

/** The target's columns per table (the current schema), with the text-typed ones. */
async function targetColumns(c: pg.ClientBase): Promise<Map<string, Map<string, string>>> {
  const { rows } = await c.query<{ table_name: string; column_name: string; data_type: string }>(
    `SELECT table_name, column_name, data_type FROM information_schema.columns
     WHERE table_schema = current_schema()`,
  );
  const out = new Map<string, Map<string, string>>();
  for (const r of rows) {
    const t = out.get(r.table_name) ?? new Map<string, string>();
    out.set(r.table_name, t);
    t.set(r.column_name, r.data_type);
  }
  return out;
}

/** Every source table and column must exist in the target: otherwise the copy would lose data. */
function checkSchema(tables: readonly CopyTable[], target: Map<string, Map<string, string>>): void {
  const missing: string[] = [];
  for (const t of tables) {
    const cols = target.get(t.name);
    if (!cols) {
      missing.push(`table ${t.name}`);
      continue;
    }
    for (const c of t.columns) if (!cols.has(c)) missing.push(`column ${t.name}.${c}`);
  }
  if (missing.length > 0)
    throw new Error(
      `the PostgreSQL schema lacks what the SQLite database holds (${missing.join(', ')}): upgrade the hub so both engines have the same tables`,
    );
}

/** ORDER BY of a table's key, text in byte order (SQLite's BINARY collation) whatever the database's locale. */
function orderBy(t: CopyTable, types: Map<string, string>): string {
  return t.key.map((k) => (types.get(k) === 'text' ? `${quote(k)} COLLATE "C"` : quote(k))).join(', ');
}

/** Row count and checksum of one table in the target, read through a cursor in key order. */
async function targetTable(c: pg.ClientBase, t: CopyTable, types: Map<string, string>): Promise<TableReport> {
  const h = createHash('sha256');
  let rows = 0;
  const cursor = `copy_${t.name}`;
  await c.query(
    `DECLARE ${quote(cursor)} NO SCROLL CURSOR FOR SELECT ${t.columns.map(quote).join(', ')} FROM ${quote(t.name)} ORDER BY ${orderBy(t, types)}`,
  );
  for (;;) {
    const r = await c.query({ text: `FETCH ${FETCH} FROM ${quote(cursor)}`, rowMode: 'array' });
    for (const row of r.rows as unknown[][]) hashRow(h, row);
    rows += r.rows.length;
    if (r.rows.length < FETCH) break;
  }
  await c.query(`CLOSE ${quote(cursor)}`);
  return { name: t.name, rows, checksum: h.digest('hex') };
}

/** A source table's rows in key order, as arrays, integers exact (BigInt). */
function selectAll(db: Db, t: CopyTable) {
  return db
    .prepare(
      `SELECT ${t.columns.map(quote).join(', ')} FROM ${quote(t.name)} ORDER BY ${t.key.map(quote).join(', ')}`,
    )
    .raw(true)
    .safeIntegers(true);
}

/** Row count and checksum of one source table, in key order. */
function sourceTable(db: Db, t: CopyTable): TableReport {
  const h = createHash('sha256');
  let rows = 0;
  for (const row of selectAll(db, t).iterate() as Iterable<unknown[]>) {
    hashRow(h, row);
    rows++;
  }
  return { name: t.name, rows, checksum: h.digest('hex') };
}

/**
 * Copies every table of the SQLite database `db` into the (migrated) PostgreSQL database behind `url`, in one
 * transaction, then reads the target back and compares row counts and checksums before committing: a failed
 * or interrupted copy leaves the target empty, so running it again is safe. A target that already holds
 * exactly the source's data is reported as copied; any other non-empty target is refused, untouched.
 * The source is read in one read transaction (a consistent snapshot); stop the hub first so that nothing
 * written after the snapshot is left behind.
 */
export async function copySqliteToPostgres(
  db: Db,
  url: string,
  opts: { onTable?: (t: TableReport) => void } = {},
): Promise<CopyReport> {
  const started = Date.now();
  const tables = sourceTables(db);
  // int8 as BigInt, exact, as the source's integers are read.
  const c = new pg.Client({ connectionString: url, types: EXACT });
  await c.connect();
  c.on('error', () => {});
  db.exec('BEGIN');
  try {
    const target = await targetColumns(c);
    checkSchema(tables, target);
    const typesOf = (t: CopyTable) => target.get(t.name) as Map<string, string>;

    const occupied: string[] = [];
    for (const t of tables) {
      const r = await c.query(`SELECT EXISTS (SELECT 1 FROM ${quote(t.name)}) AS any`);
      if (r.rows[0]?.any) occupied.push(t.name);
    }
    if (occupied.length > 0) {
      const source = tables.map((t) => sourceTable(db, t));
      await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const copied: TableReport[] = [];
      try {
        for (const t of tables) copied.push(await targetTable(c, t, typesOf(t)));
      } finally {
        await c.query('COMMIT');
      }
      if (overall(copied) === overall(source)) {
        return {
          tables: source,
          rows: sum(source),
          checksum: overall(source),
          alreadyCopied: true,
          ms: Date.now() - started,
        };
      }
      const differ = copied
        .map((t, i) => ({ t, s: source[i] as TableReport }))
        .filter(({ t, s }) => t.rows !== s.rows || t.checksum !== s.checksum)
        .map(({ t, s }) => `${t.name}: ${t.rows} rows there, ${s.rows} here`);
      throw new Error(
        `the target database is not empty and differs from the source (${differ.slice(0, 4).join('; ')}${differ.length > 4 ? '; ...' : ''}): copy into a new, empty database`,
      );
    }

    await c.query('BEGIN');
    try {
      await c.query('SET CONSTRAINTS ALL DEFERRED');
      const reports: TableReport[] = [];
      for (const t of tables) {
        const report = await insertTable(c, db, t);
        await resetIdentity(c, t, typesOf(t));
        reports.push(report);
        opts.onTable?.(report);
      }
      // Foreign keys are checked here, then every table is read back and compared before anything commits.
      await c.query('SET CONSTRAINTS ALL IMMEDIATE');
      for (const [i, t] of tables.entries()) {
        const back = await targetTable(c, t, typesOf(t));
        const want = reports[i] as TableReport;
        if (back.rows !== want.rows || back.checksum !== want.checksum)
          throw new Error(
            `table ${t.name} reads back differently (${back.rows} rows, checksum ${back.checksum.slice(0, 12)}; the source has ${want.rows} rows, ${want.checksum.slice(0, 12)}): nothing was committed`,
          );
      }
      await c.query('COMMIT');
      return {
        tables: reports,
        rows: sum(reports),
        checksum: overall(reports),
        alreadyCopied: false,
        ms: Date.now() - started,
      };
    } catch (err) {
      await c.query('ROLLBACK').catch(() => {});
      throw err;
    }
  } finally {
    db.exec('COMMIT');
    await c.end().catch(() => {});
  }
}

const sum = (ts: readonly TableReport[]) => ts.reduce((n, t) => n + t.rows, 0);

/** Inserts a source table's rows in multi-row INSERTs, hashing them on the way; the source streams. */
async function insertTable(c: pg.ClientBase, db: Db, t: CopyTable): Promise<TableReport> {
  const perBatch = Math.max(1, Math.min(1000, Math.floor(MAX_PARAMS / t.columns.length)));
  const head = `INSERT INTO ${quote(t.name)} (${t.columns.map(quote).join(', ')}) OVERRIDING SYSTEM VALUE VALUES `;
  const send = async (rows: unknown[][]) => {
    const values: unknown[] = [];
    const tuples = rows.map((row) => {
      const marks = row.map((v) => {
        values.push(param(v));
        return `$${values.length}`;
      });
      return `(${marks.join(', ')})`;
    });
    try {
      await c.query(head + tuples.join(', '), values);
    } catch (err) {
      throw new Error(`copying table ${t.name}: ${(err as Error).message}`, { cause: err });
    }
  };
  const h = createHash('sha256');
  let count = 0;
  let batch: unknown[][] = [];
  let bytes = 0;
  for (const row of selectAll(db, t).iterate() as Iterable<unknown[]>) {
    hashRow(h, row);
    count++;
    batch.push(row);
    for (const v of row) bytes += Buffer.isBuffer(v) ? v.length : typeof v === 'string' ? v.length : 8;
    if (batch.length >= perBatch || bytes >= MAX_BATCH_BYTES) {
      await send(batch);
      batch = [];
      bytes = 0;
    }
  }
  if (batch.length > 0) await send(batch);
  return { name: t.name, rows: count, checksum: h.digest('hex') };
}

/** Moves an identity column's sequence past the ids copied, so that new rows get new ids. */
async function resetIdentity(c: pg.ClientBase, t: CopyTable, types: Map<string, string>): Promise<void> {
  if (!types.has('id')) return;
  const seq = await c.query<{ seq: string | null }>('SELECT pg_get_serial_sequence($1, $2) AS seq', [
    quote(t.name),
    'id',
  ]);
  if (!seq.rows[0]?.seq) return;
  await c.query(`SELECT setval($1, GREATEST(max(id), 1), max(id) IS NOT NULL) FROM ${quote(t.name)}`, [
    seq.rows[0].seq,
  ]);
}
