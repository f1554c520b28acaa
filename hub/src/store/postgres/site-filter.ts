import { siteCondition as condition, type SqlDialect, type SqlPart } from '../sql-dialect.js';
import type { SiteFilter } from '../tenancy.js';

/** PostgreSQL's side of the shared queries: a list is bound as one typed array. */
export const dialect: SqlDialect = {
  anyOf: (column, values, type) => ({ sql: `${column} = ANY(?::${type}[])`, args: [[...values]] }),
};

/** A WHERE condition on `column` for one site or a set of sites (bound as one array: any length). */
export function siteCondition(column: string, f: SiteFilter): SqlPart {
  return condition(dialect, column, f);
}
