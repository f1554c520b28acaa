import type { CredentialRepo, CredentialRow, CredentialSetRow, CredentialWrite } from '../credentials.js';
import { StoreError } from '../errors.js';
import type { Scope } from './connection.js';

export class PgCredentials implements CredentialRepo {
  constructor(private readonly s: Scope) {}

  getSet(id: number): Promise<CredentialSetRow | undefined> {
    return this.s.get<CredentialSetRow>('SELECT * FROM credential_sets WHERE id = ?', id);
  }

  listSets(siteId?: number | null): Promise<CredentialSetRow[]> {
    if (siteId === undefined)
      return this.s.all<CredentialSetRow>(
        'SELECT * FROM credential_sets ORDER BY site_id IS NOT NULL, site_id, name',
      );
    if (siteId === null)
      return this.s.all<CredentialSetRow>(
        'SELECT * FROM credential_sets WHERE site_id IS NULL ORDER BY name',
      );
    return this.s.all<CredentialSetRow>(
      'SELECT * FROM credential_sets WHERE site_id = ? ORDER BY name',
      siteId,
    );
  }

  async insertSet(set: { site_id: number | null; name: string }, now: number): Promise<CredentialSetRow> {
    return (await this.s.get<CredentialSetRow>(
      'INSERT INTO credential_sets (site_id, name, created_at, updated_at) VALUES (?, ?, ?, ?) RETURNING *',
      set.site_id,
      set.name,
      now,
      now,
    )) as CredentialSetRow;
  }

  renameSet(id: number, name: string, now: number): Promise<CredentialSetRow | undefined> {
    return this.s.get<CredentialSetRow>(
      'UPDATE credential_sets SET name = ?, updated_at = ? WHERE id = ? RETURNING *',
      name,
      now,
      id,
    );
  }

  async deleteSet(id: number): Promise<boolean> {
    return (await this.s.run('DELETE FROM credential_sets WHERE id = ?', id)) > 0;
  }

  entries(setIds: readonly number[]): Promise<CredentialRow[]> {
    if (setIds.length === 0) return Promise.resolve([]);
    return this.s.all<CredentialRow>(
      'SELECT * FROM credentials WHERE set_id = ANY(?::bigint[]) ORDER BY set_id, kind DESC, position',
      [...setIds],
    );
  }

  entry(id: number): Promise<CredentialRow | undefined> {
    return this.s.get<CredentialRow>('SELECT * FROM credentials WHERE id = ?', id);
  }

  replaceEntries(setId: number, list: readonly CredentialWrite[], now: number): Promise<CredentialRow[]> {
    return this.s.atomic(async (s) => {
      // The set's row lock makes two editors of one set take turns: the second sees the first's entries.
      await s.run('SELECT id FROM credential_sets WHERE id = ? FOR UPDATE', setId);
      const current = await s.all<{ id: number }>('SELECT id FROM credentials WHERE set_id = ?', setId);
      const mine = new Set(current.map((r) => r.id));
      for (const e of list)
        if (e.id !== undefined && !mine.has(e.id))
          throw new StoreError('reference', `credential ${e.id} is not in credential set ${setId}`);
      const kept = new Set(list.flatMap((e) => (e.id === undefined ? [] : [e.id])));
      const gone = [...mine].filter((id) => !kept.has(id));
      if (gone.length > 0) await s.run('DELETE FROM credentials WHERE id = ANY(?::bigint[])', gone);
      const positions = { snmp: 0, camera: 0 };
      for (const e of list) {
        const position = positions[e.kind]++;
        if (e.id === undefined)
          await s.run(
            `INSERT INTO credentials (set_id, kind, position, settings, secret, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?)`,
            setId,
            e.kind,
            position,
            e.settings,
            e.secret,
            now,
            now,
          );
        else
          await s.run(
            'UPDATE credentials SET kind = ?, position = ?, settings = ?, secret = ?, updated_at = ? WHERE id = ?',
            e.kind,
            position,
            e.settings,
            e.secret,
            now,
            e.id,
          );
      }
      await s.run('UPDATE credential_sets SET updated_at = ? WHERE id = ?', now, setId);
      return s.all<CredentialRow>(
        'SELECT * FROM credentials WHERE set_id = ? ORDER BY kind DESC, position',
        setId,
      );
    });
  }

  async usage(setId: number): Promise<Map<number, { devices: number; cameras: number }>> {
    const rows = await this.s.all<{ id: number; devices: number; cameras: number }>(
      `SELECT c.id,
              (SELECT COUNT(*) FROM devices d WHERE d.credential_id = c.id) AS devices,
              (SELECT COUNT(*) FROM cameras m WHERE m.credential_id = c.id) AS cameras
       FROM credentials c WHERE c.set_id = ?`,
      setId,
    );
    return new Map(rows.map((r) => [r.id, { devices: r.devices, cameras: r.cameras }]));
  }
}
