import type { SiteFilter } from '../tenancy.js';
import type { Scope } from './connection.js';
import { siteCondition } from './site-filter.js';

/**
 * The plain CRUD statements of an inventory table with `id` and timestamps, writing only the `writable`
 * columns (constants of the calling module, never input). Runs inside the caller's `run`.
 */
export function recordTable<Row, Rec extends object>(
  table: string,
  writable: readonly (keyof Rec & string)[],
) {
  const get = (s: Scope, id: number) =>
    s.stmt(`SELECT * FROM ${table} WHERE id = ?`).get(id) as Row | undefined;
  return {
    get,
    insert(s: Scope, record: Rec, now: number): Row {
      const cols = [...writable, 'created_at', 'updated_at'];
      const info = s
        .stmt(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`)
        .run(...writable.map((k) => (record[k] === undefined ? null : (record[k] as unknown))), now, now);
      return get(s, Number(info.lastInsertRowid)) as Row;
    },
    update(s: Scope, id: number, patch: Partial<Rec>, now: number): Row | undefined {
      const keys = writable.filter((k) => patch[k] !== undefined);
      s.stmt(
        `UPDATE ${table} SET ${[...keys.map((k) => `${k} = ?`), 'updated_at = ?'].join(', ')} WHERE id = ?`,
      ).run(...keys.map((k) => patch[k] as unknown), now, id);
      return get(s, id);
    },
    remove: (s: Scope, id: number) => s.stmt(`DELETE FROM ${table} WHERE id = ?`).run(id).changes > 0,
  };
}

/** Equality filters (undefined or empty means "any"; a list means any of them) and a literal substring search. */
export interface RecordQuery {
  equals: Record<string, string | number | readonly string[] | readonly number[] | undefined>;
  q?: string;
  searchColumns: readonly string[];
  /** Instead of LIKE over searchColumns: a condition that finds `q` through an index (full-text search). */
  match?: { sql: string; args: readonly unknown[] };
}

/**
 * One page of `table` matching `query`, ordered by `sort` (then id), with the total count. Column names and
 * `sort` come from constants in the calling module, never from input; values are bound parameters.
 */
export function listRecords<Row>(
  s: Scope,
  table: string,
  query: RecordQuery,
  sort: string,
  order: 'asc' | 'desc',
  page: number,
  perPage: number,
): { rows: Row[]; total: number } {
  const parts: string[] = [];
  const args: unknown[] = [];
  for (const [column, value] of Object.entries(query.equals)) {
    if (value === undefined || value === '') continue;
    if (Array.isArray(value)) {
      parts.push(`${column} IN (${value.map(() => '?').join(', ')})`);
      args.push(...value);
      continue;
    }
    parts.push(`${column} = ?`);
    args.push(value);
  }
  if (query.q && query.match) {
    parts.push(query.match.sql);
    args.push(...query.match.args);
  } else if (query.q) {
    // LIKE with an escape so that %, _ in the search are literal.
    const like = `%${query.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    parts.push(`(${query.searchColumns.map((c) => `${c} LIKE ? ESCAPE '\\'`).join(' OR ')})`);
    for (const _ of query.searchColumns) args.push(like);
  }
  const clause = parts.length ? `WHERE ${parts.join(' AND ')}` : '';
  const total = (s.stmt(`SELECT COUNT(*) AS n FROM ${table} ${clause}`).get(...args) as { n: number }).n;
  const rows = s
    .stmt(
      `SELECT * FROM ${table} ${clause} ORDER BY ${sort} ${order === 'desc' ? 'DESC' : 'ASC'}, id LIMIT ? OFFSET ?`,
    )
    .all(...args, perPage, (page - 1) * perPage) as Row[];
  return { rows, total };
}

/** How many rows of `table` have each status, optionally within one site. */
export function countByStatus(s: Scope, table: string, siteId?: SiteFilter): Record<string, number> {
  const condition = siteId === undefined ? undefined : siteCondition('site_id', siteId);
  const rows = s
    .stmt(
      `SELECT status, COUNT(*) AS n FROM ${table} ${condition ? `WHERE ${condition.sql}` : ''} GROUP BY status`,
    )
    .all(...(condition?.args ?? [])) as { status: string; n: number }[];
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}
