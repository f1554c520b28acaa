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
import { deviceMatch } from './fts.js';
import { countByStatus, listRecords, recordTable } from './records.js';

const DEVICE_MATCH = 'id IN (SELECT rowid FROM devices_search WHERE devices_search MATCH ?)';

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

export class SqliteDevices implements DeviceRepo {
  constructor(private readonly s: Scope) {}

  get(id: number): Promise<DeviceRow | undefined> {
    return this.s.run(() => table.get(this.s, id));
  }

  insert(record: DeviceRecord, now: number): Promise<DeviceRow> {
    return this.s.run(() => table.insert(this.s, record, now));
  }

  update(id: number, patch: Partial<DeviceRecord>, now: number): Promise<DeviceRow | undefined> {
    return this.s.run(() => table.update(this.s, id, patch, now));
  }

  delete(id: number): Promise<boolean> {
    return this.s.run(() => table.remove(this.s, id));
  }

  list(f: DeviceFilter, sort: DeviceSort, order: 'asc' | 'desc', page: number, perPage: number) {
    // Three characters or more: the trigram index (migration 009) instead of scanning every device.
    const match = f.q ? deviceMatch(f.q, f.macHex) : undefined;
    const query = {
      equals: {
        status: f.status === 'offline' ? ['unreachable', 'auth_failed'] : f.status,
        site_id: f.site_id,
        device_type: f.device_type,
      },
      q: f.q,
      match: match === undefined ? undefined : { sql: DEVICE_MATCH, args: [match] },
      // The MAC also without colons, so that 001a2b finds 00:1a:2b:...
      searchColumns: [
        'name',
        'ip_address',
        'sys_name',
        'vendor',
        'mac_address',
        "replace(mac_address, ':', '')",
      ],
    };
    return this.s.run(() => listRecords<DeviceRow>(this.s, 'devices', query, sort, order, page, perPage));
  }

  statusCounts(siteId?: SiteFilter): Promise<Record<string, number>> {
    return this.s.run(() => countByStatus(this.s, 'devices', siteId));
  }

  ancestors(id: number): Promise<number[]> {
    return this.s.run(() => {
      const out: number[] = [];
      let current: number | null = id;
      const parent = this.s.stmt('SELECT parent_id FROM devices WHERE id = ?');
      while (current !== null && out.length < 1000) {
        const row = parent.get(current) as { parent_id: number | null } | undefined;
        current = row?.parent_id ?? null;
        if (current === null || out.includes(current)) break;
        out.push(current);
      }
      return out;
    });
  }

  siteOf(id: number): Promise<number | undefined> {
    return this.s.run(
      () =>
        (this.s.stmt('SELECT site_id FROM devices WHERE id = ?').get(id) as { site_id: number } | undefined)
          ?.site_id,
    );
  }

  forSite(siteId: number): Promise<DeviceRow[]> {
    return this.s.run(
      () => this.s.stmt('SELECT * FROM devices WHERE site_id = ? ORDER BY id').all(siteId) as DeviceRow[],
    );
  }

  links(): Promise<DeviceLink[]> {
    return this.s.run(
      () =>
        this.s
          .stmt('SELECT id, parent_id, status, device_type FROM devices ORDER BY id')
          .all() as DeviceLink[],
    );
  }

  state(id: number): Promise<DeviceState | undefined> {
    return this.s.run(
      () =>
        this.s.stmt('SELECT id, site_id, status, uptime_s FROM devices WHERE id = ?').get(id) as
          | DeviceState
          | undefined,
    );
  }

  setState(u: DeviceStateUpdate): Promise<void> {
    return this.s.run(() => {
      this.s
        .stmt(
          `UPDATE devices SET status = @status, status_error = @error,
             last_seen = CASE WHEN @status = 'online' THEN @ts ELSE last_seen END,
             sys_name = coalesce(@sys_name, sys_name), sys_descr = coalesce(@sys_descr, sys_descr),
             sys_object_id = coalesce(@sys_object_id, sys_object_id), uptime_s = coalesce(@uptime_s, uptime_s)
           WHERE id = @id`,
        )
        .run({
          id: u.id,
          status: u.status,
          error: u.error,
          ts: u.ts,
          sys_name: u.sys?.name ?? null,
          sys_descr: u.sys?.descr ?? null,
          sys_object_id: u.sys?.object_id ?? null,
          uptime_s: u.sys?.uptime_s ?? null,
        });
    });
  }
}
