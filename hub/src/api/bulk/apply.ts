import type { Role } from '../../auth/roles.js';
import type { HubContext } from '../../context.js';
import { snmpSettingsOf } from '../../inventory/credential-sets.js';
import { decryptSnmpSecrets, parseSnmp } from '../../inventory/credentials.js';
import { siteNetworks } from '../../net/site-networks.js';
import type { CameraRecord } from '../../store/cameras.js';
import type { DeviceRecord } from '../../store/devices.js';
import type { UnitOfWork } from '../../store/port.js';
import { encodeSnmp } from '../models/device.js';
import { CAMERA_COLUMNS, CAMERA_SECRET_COLUMNS, type ExistingCamera, planCameras } from './cameras.js';
import { guardCredentialUse } from './credential-guard.js';
import { type ImportRecord, writeCsv } from './csv.js';
import { DEVICE_COLUMNS, DEVICE_SECRET_COLUMNS, type ExistingDevice, planDevices } from './devices.js';
import { type PlannedLine, summarize } from './plan.js';

export type BulkKind = 'device' | 'camera';

/** A planned line as the API shows it: never the values it writes (they may hold secrets). */
export interface LineView {
  line: number;
  action: PlannedLine<unknown>['action'];
  id?: number;
  errors: { field: string; message: string }[];
  changes?: string[];
}

export interface ImportOutcome {
  dry_run: boolean;
  summary: ReturnType<typeof summarize>;
  lines: LineView[];
}

async function context(ctx: HubContext, siteFilter?: number) {
  const sites = (await ctx.store.sites.list()).map((s) => ({ id: s.id, name: s.name }));
  const sets = await ctx.store.credentials.listSets();
  const siteOfSet = new Map(sets.map((s) => [s.id, s.site_id]));
  const credentials = (await ctx.store.credentials.entries(sets.map((s) => s.id))).map((e) => ({
    id: e.id,
    site_id: siteOfSet.get(e.set_id) ?? null,
    kind: e.kind,
  }));
  const scope = siteFilter === undefined ? sites : sites.filter((s) => s.id === siteFilter);
  return { sites, scope, credentials };
}

/** Every device (of a site) with its SNMP secrets decrypted in memory, as the planner compares them. */
async function existingDevices(ctx: HubContext, sites: readonly { id: number }[]): Promise<ExistingDevice[]> {
  const out: ExistingDevice[] = [];
  for (const s of sites)
    for (const d of await ctx.store.devices.forSite(s.id)) {
      const settings = parseSnmp(d) ?? {
        version: '2c' as const,
        port: 161,
        has_community: false,
        has_auth_key: false,
        has_priv_key: false,
      };
      out.push({
        id: d.id,
        site_id: d.site_id,
        name: d.name,
        ip_address: d.ip_address,
        device_type: d.device_type,
        vendor: d.vendor,
        mac_address: d.mac_address,
        profile: d.profile,
        poll_interval_s: d.poll_interval_s,
        parent_id: d.parent_id,
        credential_id: d.credential_id,
        snmp: { settings, secrets: decryptSnmpSecrets(ctx.secrets, d) },
      });
    }
  return out;
}

async function existingCameras(ctx: HubContext, sites: readonly { id: number }[]): Promise<ExistingCamera[]> {
  const out: ExistingCamera[] = [];
  for (const s of sites)
    for (const c of await ctx.store.cameras.forSite(s.id))
      out.push({
        id: c.id,
        site_id: c.site_id,
        name: c.name,
        rtsp_url: c.rtsp_url,
        ip_address: c.ip_address,
        username: c.username,
        password: c.password_secret ? ctx.secrets.decrypt(c.password_secret) : null,
        location: c.location,
        mac_address: c.mac_address,
        parent_id: c.parent_id,
        credential_id: c.credential_id,
      });
  return out;
}

const view = (l: PlannedLine<unknown>): LineView => ({
  line: l.line,
  action: l.action,
  ...(l.id !== undefined ? { id: l.id } : {}),
  errors: l.errors,
  ...(l.changes ? { changes: l.changes } : {}),
});

/**
 * Plans an import and, unless `dryRun`, applies every line that is not refused in one transaction: creates,
 * then updates, in file order (a `parent` may name a device created above). Refused lines change nothing.
 */
export async function importInventory(
  ctx: HubContext,
  kind: BulkKind,
  input: { columns: string[]; records: ImportRecord[] },
  dryRun: boolean,
  /** The caller's role: credential references are checked as the device and camera routes do. */
  role: Role | undefined,
): Promise<ImportOutcome> {
  const networks = siteNetworks(ctx.config);
  const { sites, credentials } = await context(ctx);
  const now = ctx.clock();
  const changed: { site_id: number; id: number; change: 'created' | 'updated' }[] = [];
  let lines: PlannedLine<unknown>[];
  if (kind === 'device') {
    const existing = await existingDevices(ctx, sites);
    const plan = planDevices(input.records, input.columns, { sites, existing, credentials });
    guardCredentialUse(plan, existing, role, credentials, networks);
    lines = plan;
    if (!dryRun)
      await ctx.store.unit(async (tx) => {
        const byName = new Map(existing.map((d) => [`${d.site_id}|${d.name.toLowerCase()}`, d.id]));
        for (const l of plan) {
          if (!l.write || (l.action !== 'create' && l.action !== 'update')) continue;
          const w = l.write;
          const parent = w.parent ? (byName.get(`${w.site_id}|${w.parent.toLowerCase()}`) ?? null) : null;
          const snmp = await deviceSnmp(ctx, tx, w);
          const record: DeviceRecord = {
            name: w.name,
            ip_address: w.ip_address,
            site_id: w.site_id,
            parent_id: parent,
            vendor: w.vendor,
            mac_address: w.mac_address,
            device_type: w.device_type,
            ...snmp,
            poll_interval_s: w.poll_interval_s,
            profile: w.profile,
            meta: '{}',
            credential_id: w.credential_id,
          };
          if (l.action === 'create') {
            const row = await tx.devices.insert(record, now);
            l.id = row.id;
            byName.set(`${w.site_id}|${w.name.toLowerCase()}`, row.id);
            changed.push({ site_id: w.site_id, id: row.id, change: 'created' });
          } else if (l.id !== undefined) {
            const { meta: _keep, ...patch } = record;
            if (w.parent === null) delete (patch as Partial<DeviceRecord>).parent_id;
            await tx.devices.update(l.id, patch, now);
            byName.set(`${w.site_id}|${w.name.toLowerCase()}`, l.id);
            changed.push({ site_id: w.site_id, id: l.id, change: 'updated' });
          }
        }
      });
  } else {
    const existing = await existingCameras(ctx, sites);
    const deviceNames = new Map<string, number>();
    for (const s of sites)
      for (const d of await ctx.store.devices.forSite(s.id))
        deviceNames.set(`${d.site_id}|${d.name.toLowerCase()}`, d.id);
    const plan = planCameras(input.records, input.columns, { sites, existing, credentials, deviceNames });
    guardCredentialUse(plan, existing, role, credentials, networks);
    lines = plan;
    if (!dryRun)
      await ctx.store.unit(async (tx) => {
        for (const l of plan) {
          if (!l.write || (l.action !== 'create' && l.action !== 'update')) continue;
          const w = l.write;
          const record: Omit<CameraRecord, 'password_secret'> & { password_secret?: string | null } = {
            name: w.name,
            ip_address: w.ip_address,
            rtsp_url: w.rtsp_url,
            username: w.username,
            location: w.location,
            site_id: w.site_id,
            meta: '{}',
            mac_address: w.mac_address,
            credential_id: w.credential_id,
            ...(w.parent !== null
              ? { parent_id: deviceNames.get(`${w.site_id}|${w.parent.toLowerCase()}`) ?? null }
              : {}),
            ...(w.password !== undefined
              ? { password_secret: w.password === null ? null : ctx.secrets.encrypt(w.password) }
              : {}),
          };
          if (l.action === 'create') {
            const row = await tx.cameras.insert({ password_secret: null, ...record }, now);
            l.id = row.id;
            changed.push({ site_id: w.site_id, id: row.id, change: 'created' });
          } else if (l.id !== undefined) {
            const { meta: _keep, ...patch } = record;
            await tx.cameras.update(l.id, patch, now);
            changed.push({ site_id: w.site_id, id: l.id, change: 'updated' });
          }
        }
      });
  }
  for (const c of changed)
    ctx.events.emit('inventory.changed', { site_id: c.site_id, kind, id: c.id, change: c.change });
  return { dry_run: dryRun, summary: summarize(lines), lines: lines.map(view) };
}

/** The stored SNMP form of a planned device: the credential's settings, or its own encrypted secrets. */
async function deviceSnmp(
  ctx: HubContext,
  tx: UnitOfWork,
  w: { credential_id: number | null; snmp: NonNullable<Parameters<typeof encodeSnmp>[1]> },
): Promise<{ snmp_json: string; snmp_secret: string | null }> {
  if (w.credential_id !== null) {
    const entry = await tx.credentials.entry(w.credential_id);
    if (entry)
      return { snmp_json: JSON.stringify(snmpSettingsOf(entry, w.snmp.settings)), snmp_secret: null };
  }
  return encodeSnmp(ctx.secrets, w.snmp);
}

/** The inventory as import columns (secrets left empty), as CSV text or JSON records. */
export async function exportInventory(
  ctx: HubContext,
  kind: BulkKind,
  siteId?: number,
): Promise<{ columns: readonly string[]; rows: Record<string, string | number | null>[] }> {
  const { sites, scope } = await context(ctx, siteId);
  const siteName = new Map(sites.map((s) => [s.id, s.name]));
  if (kind === 'device') {
    const devices = await existingDevices(ctx, scope);
    const name = new Map(devices.map((d) => [d.id, d.name]));
    const rows = devices.map((d) => {
      const s = d.snmp.settings;
      return {
        site: siteName.get(d.site_id) ?? String(d.site_id),
        name: d.name,
        ip_address: d.ip_address,
        device_type: d.device_type,
        vendor: d.vendor,
        mac_address: d.mac_address,
        parent: d.parent_id !== null ? (name.get(d.parent_id) ?? null) : null,
        poll_interval_s: d.poll_interval_s,
        profile: d.profile,
        credential_id: d.credential_id,
        snmp_version: d.credential_id === null ? s.version : null,
        snmp_port: s.port ?? null,
        snmp_username: d.credential_id === null ? (s.username ?? null) : null,
        snmp_security_level: d.credential_id === null ? (s.security_level ?? null) : null,
        snmp_auth_protocol: d.credential_id === null ? (s.auth_protocol ?? null) : null,
        snmp_priv_protocol: d.credential_id === null ? (s.priv_protocol ?? null) : null,
        snmp_context: d.credential_id === null ? (s.context ?? null) : null,
      };
    });
    return { columns: DEVICE_COLUMNS, rows: rows.map(withoutSecrets(DEVICE_SECRET_COLUMNS)) };
  }
  const cameras = await existingCameras(ctx, scope);
  const deviceName = new Map<number, string>();
  for (const s of scope) for (const d of await ctx.store.devices.forSite(s.id)) deviceName.set(d.id, d.name);
  const rows = cameras.map((c) => ({
    site: siteName.get(c.site_id) ?? String(c.site_id),
    name: c.name,
    rtsp_url: c.rtsp_url,
    ip_address: c.ip_address,
    username: c.username,
    location: c.location,
    mac_address: c.mac_address,
    parent: c.parent_id !== null ? (deviceName.get(c.parent_id) ?? null) : null,
    credential_id: c.credential_id,
  }));
  return { columns: CAMERA_COLUMNS, rows: rows.map(withoutSecrets(CAMERA_SECRET_COLUMNS)) };
}

/** The secret columns stay in the header (to fill in and import back) but are always empty. */
const withoutSecrets =
  (secret: ReadonlySet<string>) =>
  (row: Record<string, string | number | null>): Record<string, string | number | null> =>
    Object.fromEntries(Object.entries(row).filter(([k]) => !secret.has(k)));

export { writeCsv };
