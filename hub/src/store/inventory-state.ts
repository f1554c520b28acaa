import type { Db } from './db.js';

export interface DeviceState {
  id: number;
  site_id: number;
  status: string;
  uptime_s: number | null;
}

export interface CameraState {
  id: number;
  site_id: number;
  status: string;
}

/** Current state of devices and cameras as reported by agents (the inventory itself belongs to the API). */
export class InventoryStateStore {
  readonly #device;
  readonly #camera;
  readonly #deviceSite;
  readonly #cameraSite;
  readonly #updateDevice;
  readonly #updateCamera;
  readonly #snapshotAt;

  constructor(db: Db) {
    this.#device = db.prepare('SELECT id, site_id, status, uptime_s FROM devices WHERE id = ?');
    this.#camera = db.prepare('SELECT id, site_id, status FROM cameras WHERE id = ?');
    this.#deviceSite = db.prepare('SELECT site_id FROM devices WHERE id = ?').pluck();
    this.#cameraSite = db.prepare('SELECT site_id FROM cameras WHERE id = ?').pluck();
    this.#updateDevice = db.prepare(
      `UPDATE devices SET status = @status, status_error = @error, last_seen = CASE WHEN @status = 'online' THEN @ts ELSE last_seen END,
         sys_name = coalesce(@sys_name, sys_name), sys_descr = coalesce(@sys_descr, sys_descr),
         sys_object_id = coalesce(@sys_object_id, sys_object_id), uptime_s = coalesce(@uptime_s, uptime_s)
       WHERE id = @id`,
    );
    this.#updateCamera = db.prepare(
      `UPDATE cameras SET status = @status, status_reason = @reason,
         last_seen = CASE WHEN @status IN ('online', 'degraded') THEN @ts ELSE last_seen END,
         stream_json = coalesce(@stream_json, stream_json)
       WHERE id = @id`,
    );
    this.#snapshotAt = db.prepare(
      'UPDATE cameras SET last_snapshot_at = max(coalesce(last_snapshot_at, 0), ?) WHERE id = ?',
    );
  }

  device(id: number): DeviceState | undefined {
    return this.#device.get(id) as DeviceState | undefined;
  }

  camera(id: number): CameraState | undefined {
    return this.#camera.get(id) as CameraState | undefined;
  }

  deviceSite(id: number): number | undefined {
    return this.#deviceSite.get(id) as number | undefined;
  }

  cameraSite(id: number): number | undefined {
    return this.#cameraSite.get(id) as number | undefined;
  }

  setDeviceState(u: {
    id: number;
    status: string;
    error: string | null;
    ts: number;
    sys?: { name?: string; descr?: string; object_id?: string; uptime_s?: number };
  }): void {
    this.#updateDevice.run({
      id: u.id,
      status: u.status,
      error: u.error,
      ts: u.ts,
      sys_name: u.sys?.name ?? null,
      sys_descr: u.sys?.descr ?? null,
      sys_object_id: u.sys?.object_id ?? null,
      uptime_s: u.sys?.uptime_s ?? null,
    });
  }

  setCameraState(u: {
    id: number;
    status: string;
    reason: string | null;
    ts: number;
    stream?: object;
  }): void {
    this.#updateCamera.run({
      id: u.id,
      status: u.status,
      reason: u.reason,
      ts: u.ts,
      stream_json: u.stream ? JSON.stringify(u.stream) : null,
    });
  }

  /** Records that a snapshot of the camera arrived (the image itself is stored by its handler). */
  setSnapshotAt(id: number, ts: number): void {
    this.#snapshotAt.run(ts, id);
  }
}
