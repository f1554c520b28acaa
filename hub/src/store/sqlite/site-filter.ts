import { siteCondition as condition, type SqlDialect, type SqlPart } from '../sql-dialect.js';
import type { SiteFilter } from '../tenancy.js';

/** SQLite's side of the shared queries: a list is bound as one JSON array. */
export const dialect: SqlDialect = {
  anyOf: (column, values) => ({
    sql: `${column} IN (SELECT value FROM json_each(?))`,
    args: [JSON.stringify(values)],
  }),
};

/** A WHERE condition on `column` for one site or a set of sites (bound as one JSON array: any length). */
export function siteCondition(column: string, f: SiteFilter): SqlPart {
  return condition(dialect, column, f);
}
