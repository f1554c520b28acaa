import type { CredentialRepo, CredentialRow, CredentialSetRow, CredentialWrite } from '../credentials.js';
import { StoreError } from '../errors.js';
import type { Scope } from './connection.js';

export class SqliteCredentials implements CredentialRepo {
  constructor(private readonly s: Scope) {}

  getSet(id: number): Promise<CredentialSetRow | undefined> {
    return this.s.run(() => this.#set(id));
  }

  #set(id: number): CredentialSetRow | undefined {
    return this.s.stmt('SELECT * FROM credential_sets WHERE id = ?').get(id) as CredentialSetRow | undefined;
  }

  listSets(siteId?: number | null): Promise<CredentialSetRow[]> {
    return this.s.run(() => {
      if (siteId === undefined)
        return this.s
          .stmt('SELECT * FROM credential_sets ORDER BY site_id IS NOT NULL, site_id, name')
          .all() as CredentialSetRow[];
      if (siteId === null)
        return this.s
          .stmt('SELECT * FROM credential_sets WHERE site_id IS NULL ORDER BY name')
          .all() as CredentialSetRow[];
      return this.s
        .stmt('SELECT * FROM credential_sets WHERE site_id = ? ORDER BY name')
        .all(siteId) as CredentialSetRow[];
    });
  }

  insertSet(set: { site_id: number | null; name: string }, now: number): Promise<CredentialSetRow> {
    return this.s.run(() => {
      const info = this.s
        .stmt('INSERT INTO credential_sets (site_id, name, created_at, updated_at) VALUES (?, ?, ?, ?)')
        .run(set.site_id, set.name, now, now);
      return this.#set(Number(info.lastInsertRowid)) as CredentialSetRow;
    });
  }

  renameSet(id: number, name: string, now: number): Promise<CredentialSetRow | undefined> {
    return this.s.run(() => {
      this.s.stmt('UPDATE credential_sets SET name = ?, updated_at = ? WHERE id = ?').run(name, now, id);
      return this.#set(id);
    });
  }

  deleteSet(id: number): Promise<boolean> {
    return this.s.run(() => this.s.stmt('DELETE FROM credential_sets WHERE id = ?').run(id).changes > 0);
  }

  entries(setIds: readonly number[]): Promise<CredentialRow[]> {
    return this.s.run(() => {
      if (setIds.length === 0) return [];
      const marks = setIds.map(() => '?').join(', ');
      return this.s
        .stmt(`SELECT * FROM credentials WHERE set_id IN (${marks}) ORDER BY set_id, kind DESC, position`)
        .all(...setIds) as CredentialRow[];
    });
  }

  entry(id: number): Promise<CredentialRow | undefined> {
    return this.s.run(
      () => this.s.stmt('SELECT * FROM credentials WHERE id = ?').get(id) as CredentialRow | undefined,
    );
  }

  replaceEntries(setId: number, list: readonly CredentialWrite[], now: number): Promise<CredentialRow[]> {
    return this.s.run(() => {
      const current = this.s.stmt('SELECT id FROM credentials WHERE set_id = ?').all(setId) as {
        id: number;
      }[];
      const mine = new Set(current.map((r) => r.id));
      for (const e of list)
        if (e.id !== undefined && !mine.has(e.id))
          throw new StoreError('reference', `credential ${e.id} is not in credential set ${setId}`);
      const kept = new Set(list.flatMap((e) => (e.id === undefined ? [] : [e.id])));
      for (const id of mine) if (!kept.has(id)) this.s.stmt('DELETE FROM credentials WHERE id = ?').run(id);
      const positions = { snmp: 0, camera: 0 };
      for (const e of list) {
        const position = positions[e.kind]++;
        if (e.id === undefined)
          this.s
            .stmt(
              `INSERT INTO credentials (set_id, kind, position, settings, secret, created_at, updated_at)
               VALUES (?, ?, ?, ?, ?, ?, ?)`,
            )
            .run(setId, e.kind, position, e.settings, e.secret, now, now);
        else
          this.s
            .stmt(
              'UPDATE credentials SET kind = ?, position = ?, settings = ?, secret = ?, updated_at = ? WHERE id = ?',
            )
            .run(e.kind, position, e.settings, e.secret, now, e.id);
      }
      this.s.stmt('UPDATE credential_sets SET updated_at = ? WHERE id = ?').run(now, setId);
      return this.s
        .stmt('SELECT * FROM credentials WHERE set_id = ? ORDER BY kind DESC, position')
        .all(setId) as CredentialRow[];
    });
  }

  usage(setId: number): Promise<Map<number, { devices: number; cameras: number }>> {
    return this.s.run(() => {
      const rows = this.s
        .stmt(
          `SELECT c.id,
                  (SELECT COUNT(*) FROM devices d WHERE d.credential_id = c.id) AS devices,
                  (SELECT COUNT(*) FROM cameras m WHERE m.credential_id = c.id) AS cameras
           FROM credentials c WHERE c.set_id = ?`,
        )
        .all(setId) as { id: number; devices: number; cameras: number }[];
      return new Map(rows.map((r) => [r.id, { devices: r.devices, cameras: r.cameras }]));
    });
  }
}
