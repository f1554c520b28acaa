import type {
  Principal,
  ScopeRepo,
  SiteGroupInput,
  SiteGroupRepo,
  SiteGroupRow,
  SiteScope,
} from '../tenancy.js';
import type { Scope } from './connection.js';

export class PgSiteGroups implements SiteGroupRepo {
  constructor(private readonly s: Scope) {}

  get(id: number): Promise<SiteGroupRow | undefined> {
    return this.s.get<SiteGroupRow>('SELECT * FROM site_groups WHERE id = ?', id);
  }

  byName(name: string): Promise<SiteGroupRow | undefined> {
    return this.s.get<SiteGroupRow>('SELECT * FROM site_groups WHERE lower(name) = lower(?)', name);
  }

  list(): Promise<(SiteGroupRow & { site_count: number })[]> {
    return this.s.all(
      `SELECT g.*, (SELECT COUNT(*) FROM sites s WHERE s.group_id = g.id) AS site_count
       FROM site_groups g ORDER BY lower(g.name), g.id`,
    );
  }

  async insert(g: SiteGroupInput, now: number): Promise<SiteGroupRow> {
    return (await this.s.get<SiteGroupRow>(
      'INSERT INTO site_groups (name, description, created_at, updated_at) VALUES (?, ?, ?, ?) RETURNING *',
      g.name,
      g.description ?? null,
      now,
      now,
    )) as SiteGroupRow;
  }

  update(id: number, patch: Partial<SiteGroupInput>, now: number): Promise<SiteGroupRow | undefined> {
    const keys = (['name', 'description'] as const).filter((k) => patch[k] !== undefined);
    return this.s.get<SiteGroupRow>(
      `UPDATE site_groups SET ${[...keys.map((k) => `${k} = ?`), 'updated_at = ?'].join(', ')} WHERE id = ? RETURNING *`,
      ...keys.map((k) => patch[k]),
      now,
      id,
    );
  }

  async delete(id: number): Promise<boolean> {
    return (await this.s.run('DELETE FROM site_groups WHERE id = ?', id)) > 0;
  }
}

/** The tables of a principal kind: whether it is scoped (a row) and its grants. */
function tables(p: Principal): { scopes: string; grants: string; column: string; id: number } {
  return 'user_id' in p
    ? { scopes: 'user_scopes', grants: 'user_scope_grants', column: 'user_id', id: p.user_id }
    : { scopes: 'api_key_scopes', grants: 'api_key_scope_grants', column: 'api_key_id', id: p.api_key_id };
}

export class PgScopes implements ScopeRepo {
  constructor(private readonly s: Scope) {}

  async get(p: Principal): Promise<SiteScope | null> {
    const t = tables(p);
    if (!(await this.s.get(`SELECT 1 FROM ${t.scopes} WHERE ${t.column} = ?`, t.id))) return null;
    const rows = await this.s.all<{ site_id: number | null; group_id: number | null }>(
      `SELECT site_id, group_id FROM ${t.grants} WHERE ${t.column} = ? ORDER BY site_id, group_id`,
      t.id,
    );
    return {
      sites: rows.flatMap((r) => (r.site_id === null ? [] : [r.site_id])),
      groups: rows.flatMap((r) => (r.group_id === null ? [] : [r.group_id])),
    };
  }

  set(p: Principal, scope: SiteScope | null): Promise<void> {
    const t = tables(p);
    return this.s.atomic(async (s) => {
      await s.run(`DELETE FROM ${t.scopes} WHERE ${t.column} = ?`, t.id);
      if (scope === null) return;
      await s.run(`INSERT INTO ${t.scopes} (${t.column}) VALUES (?)`, t.id);
      const sites = [...new Set(scope.sites)];
      const groups = [...new Set(scope.groups)];
      if (sites.length)
        await s.run(
          `INSERT INTO ${t.grants} (${t.column}, site_id) SELECT ?, unnest(?::bigint[])`,
          t.id,
          sites,
        );
      if (groups.length)
        await s.run(
          `INSERT INTO ${t.grants} (${t.column}, group_id) SELECT ?, unnest(?::bigint[])`,
          t.id,
          groups,
        );
    });
  }

  async resolve(p: Principal): Promise<number[] | null> {
    const t = tables(p);
    if (!(await this.s.get(`SELECT 1 FROM ${t.scopes} WHERE ${t.column} = ?`, t.id))) return null;
    const rows = await this.s.all<{ id: number }>(
      `SELECT site_id AS id FROM ${t.grants} WHERE ${t.column} = ? AND site_id IS NOT NULL
       UNION
       SELECT s.id FROM sites s JOIN ${t.grants} g ON g.group_id = s.group_id WHERE g.${t.column} = ?
       ORDER BY id`,
      t.id,
      t.id,
    );
    return rows.map((r) => Number(r.id));
  }
}
