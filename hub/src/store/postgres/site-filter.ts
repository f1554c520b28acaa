import type { SiteFilter } from '../tenancy.js';

/** A WHERE condition on `column` for one site or a set of sites (bound as one array: any length). */
export function siteCondition(column: string, f: SiteFilter): { sql: string; args: unknown[] } {
  if (typeof f === 'number') return { sql: `${column} = ?`, args: [f] };
  return { sql: `${column} = ANY(?::bigint[])`, args: [[...f]] };
}
