import type {
  CameraFilter,
  CameraRecord,
  CameraRepo,
  CameraRow,
  CameraSort,
  CameraState,
  CameraStateUpdate,
} from '../cameras.js';
import type { SiteFilter } from '../tenancy.js';
import type { Scope } from './connection.js';
import { countByStatus, listRecords, recordTable } from './records.js';

const table = recordTable<CameraRow, CameraRecord>('cameras', [
  'name',
  'ip_address',
  'rtsp_url',
  'username',
  'password_secret',
  'location',
  'site_id',
  'meta',
  'parent_id',
  'mac_address',
  'credential_id',
  'uplink_port',
]);

export class PgCameras implements CameraRepo {
  constructor(private readonly s: Scope) {}

  get(id: number): Promise<CameraRow | undefined> {
    return table.get(this.s, id);
  }

  insert(record: CameraRecord, now: number): Promise<CameraRow> {
    return table.insert(this.s, record, now);
  }

  update(id: number, patch: Partial<CameraRecord>, now: number): Promise<CameraRow | undefined> {
    return table.update(this.s, id, patch, now);
  }

  delete(id: number): Promise<boolean> {
    return table.remove(this.s, id);
  }

  list(f: CameraFilter, sort: CameraSort, order: 'asc' | 'desc', page: number, perPage: number) {
    const query = {
      equals: { status: f.status, site_id: f.site_id },
      q: f.q,
      searchColumns: ['name', 'ip_address', 'location'],
    };
    return listRecords<CameraRow>(this.s, 'cameras', query, sort, order, page, perPage);
  }

  statusCounts(siteId?: SiteFilter): Promise<Record<string, number>> {
    return countByStatus(this.s, 'cameras', siteId);
  }

  async siteOf(id: number): Promise<number | undefined> {
    return (await this.s.get<{ site_id: number }>('SELECT site_id FROM cameras WHERE id = ?', id))?.site_id;
  }

  forSite(siteId: number): Promise<CameraRow[]> {
    return this.s.all<CameraRow>('SELECT * FROM cameras WHERE site_id = ? ORDER BY id', siteId);
  }

  state(id: number): Promise<CameraState | undefined> {
    return this.s.get<CameraState>('SELECT id, site_id, status FROM cameras WHERE id = ?', id);
  }

  async setState(u: CameraStateUpdate): Promise<void> {
    await this.s.run(
      `UPDATE cameras SET status = $2::text, status_reason = $3,
         last_seen = CASE WHEN $2::text IN ('online', 'degraded') THEN $4::bigint ELSE last_seen END,
         stream_json = coalesce($5, stream_json)
       WHERE id = $1`,
      u.id,
      u.status,
      u.reason,
      u.ts,
      u.stream ? JSON.stringify(u.stream) : null,
    );
  }
}
