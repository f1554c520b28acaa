import type {
  Principal,
  ScopeRepo,
  SiteGroupInput,
  SiteGroupRepo,
  SiteGroupRow,
  SiteScope,
} from '../tenancy.js';
import type { Scope } from './connection.js';

export class SqliteSiteGroups implements SiteGroupRepo {
  constructor(private readonly s: Scope) {}

  #get(id: number): SiteGroupRow | undefined {
    return this.s.stmt('SELECT * FROM site_groups WHERE id = ?').get(id) as SiteGroupRow | undefined;
  }

  get(id: number): Promise<SiteGroupRow | undefined> {
    return this.s.run(() => this.#get(id));
  }

  byName(name: string): Promise<SiteGroupRow | undefined> {
    return this.s.run(
      () => this.s.stmt('SELECT * FROM site_groups WHERE name = ?').get(name) as SiteGroupRow | undefined,
    );
  }

  list(): Promise<(SiteGroupRow & { site_count: number })[]> {
    return this.s.run(
      () =>
        this.s
          .stmt(
            `SELECT g.*, (SELECT COUNT(*) FROM sites s WHERE s.group_id = g.id) AS site_count
             FROM site_groups g ORDER BY g.name, g.id`,
          )
          .all() as (SiteGroupRow & { site_count: number })[],
    );
  }

  insert(g: SiteGroupInput, now: number): Promise<SiteGroupRow> {
    return this.s.run(
      () =>
        this.s
          .stmt(
            'INSERT INTO site_groups (name, description, created_at, updated_at) VALUES (?, ?, ?, ?) RETURNING *',
          )
          .get(g.name, g.description ?? null, now, now) as SiteGroupRow,
    );
  }

  update(id: number, patch: Partial<SiteGroupInput>, now: number): Promise<SiteGroupRow | undefined> {
    return this.s.run(() => {
      const keys = (['name', 'description'] as const).filter((k) => patch[k] !== undefined);
      this.s
        .stmt(
          `UPDATE site_groups SET ${[...keys.map((k) => `${k} = ?`), 'updated_at = ?'].join(', ')} WHERE id = ?`,
        )
        .run(...keys.map((k) => patch[k]), now, id);
      return this.#get(id);
    });
  }

  delete(id: number): Promise<boolean> {
    return this.s.run(() => this.s.stmt('DELETE FROM site_groups WHERE id = ?').run(id).changes > 0);
  }
}

/** The tables of a principal kind: whether it is scoped (a row) and its grants. */
function tables(p: Principal): { scopes: string; grants: string; column: string; id: number } {
  return 'user_id' in p
    ? { scopes: 'user_scopes', grants: 'user_scope_grants', column: 'user_id', id: p.user_id }
    : { scopes: 'api_key_scopes', grants: 'api_key_scope_grants', column: 'api_key_id', id: p.api_key_id };
}

export class SqliteScopes implements ScopeRepo {
  constructor(private readonly s: Scope) {}

  get(p: Principal): Promise<SiteScope | null> {
    const t = tables(p);
    return this.s.run(() => {
      if (!this.s.stmt(`SELECT 1 FROM ${t.scopes} WHERE ${t.column} = ?`).get(t.id)) return null;
      const rows = this.s
        .stmt(`SELECT site_id, group_id FROM ${t.grants} WHERE ${t.column} = ? ORDER BY site_id, group_id`)
        .all(t.id) as { site_id: number | null; group_id: number | null }[];
      return {
        sites: rows.flatMap((r) => (r.site_id === null ? [] : [r.site_id])),
        groups: rows.flatMap((r) => (r.group_id === null ? [] : [r.group_id])),
      };
    });
  }

  set(p: Principal, scope: SiteScope | null): Promise<void> {
    const t = tables(p);
    return this.s.atomic(() => {
      this.s.stmt(`DELETE FROM ${t.scopes} WHERE ${t.column} = ?`).run(t.id);
      if (scope === null) return;
      this.s.stmt(`INSERT INTO ${t.scopes} (${t.column}) VALUES (?)`).run(t.id);
      const site = this.s.stmt(`INSERT INTO ${t.grants} (${t.column}, site_id) VALUES (?, ?)`);
      const group = this.s.stmt(`INSERT INTO ${t.grants} (${t.column}, group_id) VALUES (?, ?)`);
      for (const id of new Set(scope.sites)) site.run(t.id, id);
      for (const id of new Set(scope.groups)) group.run(t.id, id);
    });
  }

  resolve(p: Principal): Promise<number[] | null> {
    const t = tables(p);
    return this.s.run(() => {
      if (!this.s.stmt(`SELECT 1 FROM ${t.scopes} WHERE ${t.column} = ?`).get(t.id)) return null;
      return (
        this.s
          .stmt(
            `SELECT site_id AS id FROM ${t.grants} WHERE ${t.column} = ? AND site_id IS NOT NULL
             UNION
             SELECT s.id FROM sites s JOIN ${t.grants} g ON g.group_id = s.group_id WHERE g.${t.column} = ?
             ORDER BY id`,
          )
          .all(t.id, t.id) as { id: number }[]
      ).map((r) => r.id);
    });
  }
}
