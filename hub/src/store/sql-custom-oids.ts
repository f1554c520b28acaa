import type { CustomOid } from '@outpost/protocol';
import type { CustomOidOwner } from './custom-oids.js';

// What the SQL engines (store/sqlite, store/postgres) share about the custom_oids table: its raw row, columns,
// the row's mapping and the owner's column.

export interface RawCustomOid {
  device_id: number | null;
  oid: string;
  name: string;
  type: CustomOid['type'];
  unit: string | null;
  scale: number;
  walk: number;
  sys_object_id: string | null;
}

export const COLUMNS = ['device_id', 'oid', 'name', 'type', 'unit', 'scale', 'walk', 'sys_object_id'];

export function toOid(r: RawCustomOid): CustomOid {
  return {
    oid: r.oid,
    name: r.name,
    type: r.type,
    ...(r.unit !== null ? { unit: r.unit } : {}),
    scale: r.scale,
    walk: r.walk === 1,
    ...(r.sys_object_id !== null ? { sys_object_id: r.sys_object_id } : {}),
  };
}

export const ownerColumn = (o: CustomOidOwner) => ('device_id' in o ? 'device_id' : 'site_id');
export const ownerId = (o: CustomOidOwner) => ('device_id' in o ? o.device_id : o.site_id);
