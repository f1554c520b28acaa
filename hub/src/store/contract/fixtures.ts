import type { NewAlert } from '../alerts.js';
import type { CameraRecord } from '../cameras.js';
import type { DeviceRecord } from '../devices.js';
import type { HubStore, Repositories, UnitOfWork } from '../port.js';

/** How the contract gets stores from an engine. */
export interface StoreFactory {
  /** A new, empty, migrated store of its own (no data shared with other stores). */
  create(): Promise<HubStore>;
  /** For durable engines: closes `store` and opens the same database again. */
  reopen?(store: HubStore): Promise<HubStore>;
  /**
   * For engines with several writers per database: a second store on the same database as `store` (another
   * hub process), closed by the caller. The races part of the contract runs only where this exists.
   */
  twin?(store: HubStore): Promise<HubStore>;
}

/** One repository's (or the unit of work's) part of the contract: registers its `it`s. */
export type ContractSuite = (factory: StoreFactory) => void;

/** Runs `fn` with a fresh store and closes it afterwards, whatever happens. */
export async function withStore<T>(factory: StoreFactory, fn: (store: HubStore) => Promise<T>): Promise<T> {
  const store = await factory.create();
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** A fixed point in time for contract data (epoch ms). */
export const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

/** Inserts a user with a throwaway hash. */
export function addUser(
  r: Repositories | UnitOfWork,
  username: string,
  role: 'admin' | 'operator' | 'viewer' = 'viewer',
  now = T0,
) {
  return r.users.insert({ username, role, password_hash: `hash-of-${username}`, email: null }, now);
}

/** Inserts a site. */
export function addSite(r: Repositories | UnitOfWork, name: string, now = T0) {
  return r.sites.insert({ name }, now);
}

/** A device record with plain defaults; `over` replaces fields. */
export function deviceRecord(siteId: number, name: string, over: Partial<DeviceRecord> = {}): DeviceRecord {
  return {
    name,
    ip_address: '192.0.2.1',
    site_id: siteId,
    parent_id: null,
    vendor: null,
    mac_address: null,
    device_type: 'switch',
    snmp_json: '{"version":"2c","port":161}',
    snmp_secret: null,
    poll_interval_s: 60,
    profile: null,
    meta: '{}',
    ...over,
  };
}

/** A camera record with plain defaults; `over` replaces fields. */
export function cameraRecord(siteId: number, name: string, over: Partial<CameraRecord> = {}): CameraRecord {
  return {
    name,
    ip_address: '192.0.2.50',
    rtsp_url: 'rtsp://192.0.2.50/stream1',
    username: null,
    password_secret: null,
    location: null,
    site_id: siteId,
    meta: '{}',
    ...over,
  };
}

/** Creates an agent of a site. */
export function addAgent(r: Repositories | UnitOfWork, id: string, siteId: number, now = T0) {
  return r.agents.create({
    id,
    site_id: siteId,
    hostname: `${id}-host`,
    version: '1.0',
    secret_hash: 'ab'.repeat(32),
    created_at: now,
  });
}

/** A rule-made alert about a device, open. */
export function newAlert(over: Partial<NewAlert> & { key: string }): NewAlert {
  const { key, ...rest } = over;
  return {
    rule: 'device-unreachable',
    rule_id: null,
    target: { key },
    severity: 'high',
    title: `alert ${key}`,
    message: null,
    ts: T0,
    opened_at: T0,
    suppressed_by: null,
    maintenance_id: null,
    transitions: [T0],
    flapping: false,
    ...rest,
  };
}
