import type {
  DeviceFilter,
  DeviceLink,
  DeviceRecord,
  DeviceRepo,
  DeviceRow,
  DeviceSort,
  DeviceState,
  DeviceStateUpdate,
} from '../devices.js';
import type { SiteFilter } from '../tenancy.js';
import type { Scope } from './connection.js';
import { countByStatus, listRecords, recordTable } from './records.js';
import { DEVICE_SEARCH_TEXT } from './search.js';

const table = recordTable<DeviceRow, DeviceRecord>('devices', [
  'name',
  'ip_address',
  'site_id',
  'parent_id',
  'vendor',
  'mac_address',
  'device_type',
  'snmp_json',
  'snmp_secret',
  'poll_interval_s',
  'profile',
  'meta',
  'credential_id',
]);

export class PgDevices implements DeviceRepo {
  constructor(private readonly s: Scope) {}

  get(id: number): Promise<DeviceRow | undefined> {
    return table.get(this.s, id);
  }

  insert(record: DeviceRecord, now: number): Promise<DeviceRow> {
    return table.insert(this.s, record, now);
  }

  update(id: number, patch: Partial<DeviceRecord>, now: number): Promise<DeviceRow | undefined> {
    return table.update(this.s, id, patch, now);
  }

  delete(id: number): Promise<boolean> {
    return table.remove(this.s, id);
  }

  list(f: DeviceFilter, sort: DeviceSort, order: 'asc' | 'desc', page: number, perPage: number) {
    const query = {
      equals: {
        status: f.status === 'offline' ? ['unreachable', 'auth_failed'] : f.status,
        site_id: f.site_id,
        device_type: f.device_type,
      },
      q: f.q,
      // Name, address, sysName, vendor, MAC (also without colons, so that 001a2b finds 00:1a:2b:...) as one
      // indexed text; a MAC typed in another notation (00-1a-2b, 001a.2b..) also by its hex digits.
      searchColumns: [],
      lowerText: { sql: DEVICE_SEARCH_TEXT, also: f.macHex ? [f.macHex] : [] },
    };
    return listRecords<DeviceRow>(this.s, 'devices', query, sort, order, page, perPage);
  }

  statusCounts(siteId?: SiteFilter): Promise<Record<string, number>> {
    return countByStatus(this.s, 'devices', siteId);
  }

  async ancestors(id: number): Promise<number[]> {
    // Walks up one statement at a time, stopping at a loop (a parent chain may be cyclic after edits).
    const out: number[] = [];
    let current: number | null = id;
    while (current !== null && out.length < 1000) {
      const row: { parent_id: number | null } | undefined = await this.s.get(
        'SELECT parent_id FROM devices WHERE id = ?',
        current,
      );
      current = row?.parent_id ?? null;
      if (current === null || out.includes(current)) break;
      out.push(current);
    }
    return out;
  }

  async siteOf(id: number): Promise<number | undefined> {
    return (await this.s.get<{ site_id: number }>('SELECT site_id FROM devices WHERE id = ?', id))?.site_id;
  }

  forSite(siteId: number): Promise<DeviceRow[]> {
    return this.s.all<DeviceRow>('SELECT * FROM devices WHERE site_id = ? ORDER BY id', siteId);
  }

  links(): Promise<DeviceLink[]> {
    return this.s.all<DeviceLink>('SELECT id, parent_id, status, device_type FROM devices ORDER BY id');
  }

  state(id: number): Promise<DeviceState | undefined> {
    return this.s.get<DeviceState>('SELECT id, site_id, status, uptime_s FROM devices WHERE id = ?', id);
  }

  async setState(u: DeviceStateUpdate): Promise<void> {
    await this.s.run(
      `UPDATE devices SET status = $2::text, status_error = $3,
         last_seen = CASE WHEN $2::text = 'online' THEN $4::bigint ELSE last_seen END,
         sys_name = coalesce($5, sys_name), sys_descr = coalesce($6, sys_descr),
         sys_object_id = coalesce($7, sys_object_id), uptime_s = coalesce($8, uptime_s)
       WHERE id = $1`,
      u.id,
      u.status,
      u.error,
      u.ts,
      u.sys?.name ?? null,
      u.sys?.descr ?? null,
      u.sys?.object_id ?? null,
      u.sys?.uptime_s ?? null,
    );
  }
}
