import type { SiteFilter } from '../tenancy.js';
import type { Scope } from './connection.js';
import { siteCondition } from './site-filter.js';

/**
 * The plain CRUD statements of an inventory table with `id` and timestamps, writing only the `writable`
 * columns (constants of the calling module, never input).
 */
export function recordTable<Row, Rec extends object>(
  table: string,
  writable: readonly (keyof Rec & string)[],
) {
  const get = (s: Scope, id: number) => s.get<Row>(`SELECT * FROM ${table} WHERE id = ?`, id);
  return {
    get,
    insert(s: Scope, record: Rec, now: number): Promise<Row> {
      const cols = [...writable, 'created_at', 'updated_at'];
      return s.get<Row>(
        `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')}) RETURNING *`,
        ...writable.map((k) => (record[k] === undefined ? null : (record[k] as unknown))),
        now,
        now,
      ) as Promise<Row>;
    },
    update(s: Scope, id: number, patch: Partial<Rec>, now: number): Promise<Row | undefined> {
      const keys = writable.filter((k) => patch[k] !== undefined);
      return s.get<Row>(
        `UPDATE ${table} SET ${[...keys.map((k) => `${k} = ?`), 'updated_at = ?'].join(', ')} WHERE id = ? RETURNING *`,
        ...keys.map((k) => patch[k] as unknown),
        now,
        id,
      );
    },
    remove: async (s: Scope, id: number) => (await s.run(`DELETE FROM ${table} WHERE id = ?`, id)) > 0,
  };
}

/** Equality filters (undefined or empty means "any"; a list means any of them) and a literal substring search. */
export interface RecordQuery {
  equals: Record<string, string | number | readonly string[] | readonly number[] | undefined>;
  q?: string;
  searchColumns: readonly string[];
  /**
   * Instead of ILIKE over searchColumns: one lower-case indexed text (`LIKE` a lower-case pattern of `q`, and
   * of each of `also`: a MAC typed in another notation).
   */
  lowerText?: { sql: string; also: readonly string[] };
}

/** `%q%` for LIKE with `\` escaping, so that %, _ and \ in a search are literal. */
export function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
}

/**
 * One page of `table` matching `query`, ordered by `sort` (then id), with the total count. Column names and
 * `sort` come from constants in the calling module, never from input; values are bound parameters. The
 * search is ILIKE: SQLite's LIKE ignores ASCII case too.
 */
export async function listRecords<Row>(
  s: Scope,
  table: string,
  query: RecordQuery,
  sort: string,
  order: 'asc' | 'desc',
  page: number,
  perPage: number,
): Promise<{ rows: Row[]; total: number }> {
  const parts: string[] = [];
  const args: unknown[] = [];
  for (const [column, value] of Object.entries(query.equals)) {
    if (value === undefined || value === '') continue;
    if (Array.isArray(value)) {
      parts.push(`${column} = ANY(?)`);
      args.push(value);
      continue;
    }
    parts.push(`${column} = ?`);
    args.push(value);
  }
  if (query.q && query.lowerText) {
    const { sql, also } = query.lowerText;
    const texts = [query.q, ...also];
    parts.push(`(${texts.map(() => `${sql} LIKE ?`).join(' OR ')})`);
    for (const t of texts) args.push(likePattern(t.toLowerCase()));
  } else if (query.q) {
    const like = likePattern(query.q);
    parts.push(`(${query.searchColumns.map((c) => `${c} ILIKE ?`).join(' OR ')})`);
    for (const _ of query.searchColumns) args.push(like);
  }
  const clause = parts.length ? `WHERE ${parts.join(' AND ')}` : '';
  // The total and the page are two statements: a window count would read every matching row to return 50.
  // A search is planned for its pattern (see Scope.allPlanned); the rest reuse prepared plans.
  const countSql = `SELECT COUNT(*) AS n FROM ${table} ${clause}`;
  const pageSql = `SELECT * FROM ${table} ${clause} ORDER BY ${sort} ${order === 'desc' ? 'DESC' : 'ASC'}, id LIMIT ? OFFSET ?`;
  const pageArgs = [...args, perPage, (page - 1) * perPage];
  const total = query.q
    ? ((await s.allPlanned<{ n: number }>(countSql, args))[0]?.n ?? 0)
    : ((await s.get<{ n: number }>(countSql, ...args))?.n ?? 0);
  const rows = query.q ? await s.allPlanned<Row>(pageSql, pageArgs) : await s.all<Row>(pageSql, ...pageArgs);
  return { rows, total };
}

/** How many rows of `table` have each status, optionally within one site. */
export async function countByStatus(
  s: Scope,
  table: string,
  siteId?: SiteFilter,
): Promise<Record<string, number>> {
  const condition = siteId === undefined ? undefined : siteCondition('site_id', siteId);
  const rows = await s.all<{ status: string; n: number }>(
    `SELECT status, COUNT(*) AS n FROM ${table} ${condition ? `WHERE ${condition.sql}` : ''} GROUP BY status`,
    ...(condition?.args ?? []),
  );
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}
