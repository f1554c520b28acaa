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

export class SqliteCameras implements CameraRepo {
  constructor(private readonly s: Scope) {}

  get(id: number): Promise<CameraRow | undefined> {
    return this.s.run(() => table.get(this.s, id));
  }

  insert(record: CameraRecord, now: number): Promise<CameraRow> {
    return this.s.run(() => table.insert(this.s, record, now));
  }

  update(id: number, patch: Partial<CameraRecord>, now: number): Promise<CameraRow | undefined> {
    return this.s.run(() => table.update(this.s, id, patch, now));
  }

  delete(id: number): Promise<boolean> {
    return this.s.run(() => table.remove(this.s, id));
  }

  list(f: CameraFilter, sort: CameraSort, order: 'asc' | 'desc', page: number, perPage: number) {
    const query = {
      equals: { status: f.status, site_id: f.site_id },
      q: f.q,
      searchColumns: ['name', 'ip_address', 'location'],
    };
    return this.s.run(() => listRecords<CameraRow>(this.s, 'cameras', query, sort, order, page, perPage));
  }

  statusCounts(siteId?: SiteFilter): Promise<Record<string, number>> {
    return this.s.run(() => countByStatus(this.s, 'cameras', siteId));
  }

  siteOf(id: number): Promise<number | undefined> {
    return this.s.run(
      () =>
        (this.s.stmt('SELECT site_id FROM cameras WHERE id = ?').get(id) as { site_id: number } | undefined)
          ?.site_id,
    );
  }

  forSite(siteId: number): Promise<CameraRow[]> {
    return this.s.run(
      () => this.s.stmt('SELECT * FROM cameras WHERE site_id = ? ORDER BY id').all(siteId) as CameraRow[],
    );
  }

  state(id: number): Promise<CameraState | undefined> {
    return this.s.run(
      () =>
        this.s.stmt('SELECT id, site_id, status FROM cameras WHERE id = ?').get(id) as
          | CameraState
          | undefined,
    );
  }

  setState(u: CameraStateUpdate): Promise<void> {
    return this.s.run(() => {
      this.s
        .stmt(
          `UPDATE cameras SET status = @status, status_reason = @reason,
             last_seen = CASE WHEN @status IN ('online', 'degraded') THEN @ts ELSE last_seen END,
             stream_json = coalesce(@stream_json, stream_json)
           WHERE id = @id`,
        )
        .run({
          id: u.id,
          status: u.status,
          reason: u.reason,
          ts: u.ts,
          stream_json: u.stream ? JSON.stringify(u.stream) : null,
        });
    });
  }
}
