import type { CustomOid } from '@outpost/protocol';
import type { CustomOidOwner, CustomOidRepo } from '../custom-oids.js';
import { COLUMNS, ownerColumn, ownerId, type RawCustomOid as Raw, toOid } from '../sql-custom-oids.js';
import type { Scope } from './connection.js';

export class PgCustomOids implements CustomOidRepo {
  constructor(private readonly s: Scope) {}

  async list(owner: CustomOidOwner): Promise<CustomOid[]> {
    const rows = await this.s.all<Raw>(
      `SELECT ${COLUMNS.join(', ')} FROM custom_oids WHERE ${ownerColumn(owner)} = ? ORDER BY position`,
      ownerId(owner),
    );
    return rows.map(toOid);
  }

  replace(owner: CustomOidOwner, oids: readonly CustomOid[]): Promise<void> {
    return this.s.atomic(async (s) => {
      const column = ownerColumn(owner);
      const id = ownerId(owner);
      await s.run(`DELETE FROM custom_oids WHERE ${column} = ?`, id);
      for (const [i, o] of oids.entries()) {
        await s.run(
          `INSERT INTO custom_oids (${column}, position, oid, name, type, unit, scale, walk, sys_object_id)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          id,
          i,
          o.oid,
          o.name,
          o.type,
          o.unit ?? null,
          o.scale,
          o.walk ? 1 : 0,
          o.sys_object_id ?? null,
        );
      }
    });
  }

  async devicesOfSite(siteId: number): Promise<Map<number, CustomOid[]>> {
    const rows = await this.s.all<Raw>(
      `SELECT ${COLUMNS.map((c) => `o.${c}`).join(', ')} FROM custom_oids o JOIN devices d ON d.id = o.device_id
       WHERE d.site_id = ? ORDER BY o.device_id, o.position`,
      siteId,
    );
    const out = new Map<number, CustomOid[]>();
    for (const r of rows) {
      const id = r.device_id as number;
      const list = out.get(id) ?? [];
      list.push(toOid(r));
      out.set(id, list);
    }
    return out;
  }
}
