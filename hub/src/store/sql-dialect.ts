import type { SiteFilter } from './tenancy.js';

/** A piece of SQL and the values its `?` placeholders take, in order. */
export interface SqlPart {
  sql: string;
  args: unknown[];
}

/**
 * What the SQL engines (store/sqlite, store/postgres) write differently in the queries they share. Both use `?`
 * placeholders (the PostgreSQL connection numbers them).
 */
export interface SqlDialect {
  /** `column` is one of `values`, bound as one parameter whatever their number. */
  anyOf(column: string, values: readonly (string | number)[], type: 'text' | 'bigint'): SqlPart;
}

/** A WHERE condition on `column` for one site or a set of sites (any number). */
export function siteCondition(dialect: SqlDialect, column: string, f: SiteFilter): SqlPart {
  if (typeof f === 'number') return { sql: `${column} = ?`, args: [f] };
  return dialect.anyOf(column, f, 'bigint');
}
