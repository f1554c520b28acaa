import type { CustomOid } from '@outpost/protocol';
import type { CustomOidOwner, CustomOidRepo } from '../custom-oids.js';
import { COLUMNS, ownerColumn, ownerId, type RawCustomOid as Raw, toOid } from '../sql-custom-oids.js';
import type { Scope } from './connection.js';

export class SqliteCustomOids implements CustomOidRepo {
  constructor(private readonly s: Scope) {}

  list(owner: CustomOidOwner): Promise<CustomOid[]> {
    return this.s.run(() =>
      (
        this.s
          .stmt(
            `SELECT ${COLUMNS.join(', ')} FROM custom_oids WHERE ${ownerColumn(owner)} = ? ORDER BY position`,
          )
          .all(ownerId(owner)) as Raw[]
      ).map(toOid),
    );
  }

  replace(owner: CustomOidOwner, oids: readonly CustomOid[]): Promise<void> {
    return this.s.atomic(() => {
      const column = ownerColumn(owner);
      const id = ownerId(owner);
      this.s.stmt(`DELETE FROM custom_oids WHERE ${column} = ?`).run(id);
      const insert = this.s.stmt(
        `INSERT INTO custom_oids (${column}, position, oid, name, type, unit, scale, walk, sys_object_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      oids.forEach((o, i) => {
        insert.run(
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
      });
    });
  }

  devicesOfSite(siteId: number): Promise<Map<number, CustomOid[]>> {
    return this.s.run(() => {
      const rows = this.s
        .stmt(
          `SELECT ${COLUMNS.map((c) => `o.${c}`).join(', ')} FROM custom_oids o JOIN devices d ON d.id = o.device_id
           WHERE d.site_id = ? ORDER BY o.device_id, o.position`,
        )
        .all(siteId) as Raw[];
      const out = new Map<number, CustomOid[]>();
      for (const r of rows) {
        const id = r.device_id as number;
        const list = out.get(id) ?? [];
        list.push(toOid(r));
        out.set(id, list);
      }
      return out;
    });
  }
}
