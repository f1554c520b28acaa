import type { z } from '@hono/zod-openapi';
import type { SnmpSecrets, SnmpSettings } from '../../inventory/credentials.js';
import { ApiError, type ErrorDetail } from '../errors.js';
import { CreateDevice, resolveSnmp, type SnmpInputT } from '../models/device.js';
import type { ImportRecord } from './csv.js';
import {
  type FieldError,
  type ImportContext,
  type PlannedLine,
  resolveSite,
  unknownColumns,
} from './plan.js';

/** The columns of a device import and export, in export order; the secret ones are never exported. */
export const DEVICE_COLUMNS = [
  'site',
  'name',
  'ip_address',
  'device_type',
  'vendor',
  'mac_address',
  'parent',
  'poll_interval_s',
  'profile',
  'credential_id',
  'snmp_version',
  'snmp_port',
  'snmp_community',
  'snmp_username',
  'snmp_security_level',
  'snmp_auth_protocol',
  'snmp_auth_key',
  'snmp_priv_protocol',
  'snmp_priv_key',
  'snmp_context',
] as const;
export const DEVICE_SECRET_COLUMNS: ReadonlySet<string> = new Set([
  'snmp_community',
  'snmp_auth_key',
  'snmp_priv_key',
]);

/** A device as the inventory holds it, with its SNMP secrets decrypted (in memory only, to compare). */
export interface ExistingDevice {
  id: number;
  site_id: number;
  name: string;
  ip_address: string;
  device_type: string;
  vendor: string | null;
  mac_address: string | null;
  profile: string | null;
  poll_interval_s: number;
  parent_id: number | null;
  credential_id: number | null;
  snmp: { settings: SnmpSettings; secrets: SnmpSecrets };
}

/** What a planned line writes. `parent` is a device name resolved when the line is applied. */
export interface DeviceWrite {
  site_id: number;
  name: string;
  ip_address: string;
  device_type: string;
  vendor: string | null;
  mac_address: string | null;
  profile: string | null;
  poll_interval_s: number;
  parent: string | null;
  credential_id: number | null;
  snmp: { settings: SnmpSettings; secrets: SnmpSecrets };
}

const SNMP_FIELDS: Record<string, keyof SnmpInputT> = {
  snmp_version: 'version',
  snmp_port: 'port',
  snmp_community: 'community',
  snmp_username: 'username',
  snmp_security_level: 'security_level',
  snmp_auth_protocol: 'auth_protocol',
  snmp_auth_key: 'auth_key',
  snmp_priv_protocol: 'priv_protocol',
  snmp_priv_key: 'priv_key',
  snmp_context: 'context',
};
const COLUMN_OF_SNMP = Object.fromEntries(Object.entries(SNMP_FIELDS).map(([c, f]) => [f, c]));

/** An API detail path (`body.snmp.community`, `body.ip_address`) as the column it came from. */
function columnOf(path: string): string {
  const parts = path.replace(/^body\./, '').split('.');
  if (parts[0] === 'snmp') return COLUMN_OF_SNMP[parts[1] ?? ''] ?? 'snmp_version';
  if (parts[0] === 'site_id') return 'site';
  if (parts[0] === 'parent_id') return 'parent';
  return parts[0] ?? '';
}

/** zod's "expected string, received undefined" is, for a cell, simply "required". */
export const cellMessage = (m: string) => (/received undefined$/.test(m) ? 'required' : m);

const int = (v: string | undefined) =>
  v === undefined ? undefined : /^-?\d+$/.test(v) ? Number(v) : Number.NaN;

/**
 * Plans a device import, line by line, without writing: which lines create a device, update one (matched by
 * site and IP address), change nothing, or are refused, with the field and why. Pure; the second import of the
 * same file plans only `unchanged` lines.
 */
export function planDevices(
  records: readonly ImportRecord[],
  columns: readonly string[],
  ctx: ImportContext<ExistingDevice>,
): PlannedLine<DeviceWrite>[] {
  const bad = unknownColumns(columns, DEVICE_COLUMNS);
  const byKey = new Map(ctx.existing.map((d) => [`${d.site_id}|${d.ip_address}`, d]));
  const names = new Map<string, number | 'new'>();
  for (const d of ctx.existing) names.set(`${d.site_id}|${d.name.toLowerCase()}`, d.id);
  const seen = new Map<string, number>();
  return records.map((r) => {
    const f = r.fields;
    const errors: FieldError[] = [...bad];
    const site = resolveSite(f.site, ctx.sites, errors);
    const input: Record<string, unknown> = {
      name: f.name,
      ip_address: f.ip_address,
      site_id: site?.id ?? 1,
      device_type: f.device_type,
      vendor: f.vendor,
      mac_address: f.mac_address,
      poll_interval_s: int(f.poll_interval_s),
      profile: f.profile,
    };
    for (const k of Object.keys(input)) if (input[k] === undefined) delete input[k];
    const snmpIn: Record<string, unknown> = {};
    for (const [col, field] of Object.entries(SNMP_FIELDS))
      if (f[col] !== undefined) snmpIn[field] = field === 'port' ? int(f[col]) : f[col];
    const parsed = CreateDevice.omit({ snmp: true, parent_id: true }).safeParse(input);
    if (!parsed.success)
      for (const i of parsed.error.issues)
        errors.push({ field: columnOf(i.path.map(String).join('.')), message: cellMessage(i.message) });
    const credentialId = int(f.credential_id);
    if (credentialId !== undefined) {
      const c = ctx.credentials.find((x) => x.id === credentialId);
      if (!c || c.kind !== 'snmp')
        errors.push({ field: 'credential_id', message: `no SNMP credential ${f.credential_id}` });
      else if (c.site_id !== null && site && c.site_id !== site.id)
        errors.push({
          field: 'credential_id',
          message: `credential ${credentialId} belongs to another site`,
        });
    }
    const key = site && f.ip_address ? `${site.id}|${f.ip_address}` : undefined;
    const existing = key ? byKey.get(key) : undefined;
    let snmp: DeviceWrite['snmp'] | undefined;
    try {
      if (credentialId !== undefined && Object.keys(snmpIn).every((k) => k === 'port'))
        snmp = {
          settings: {
            version: '2c',
            port: (snmpIn.port as number | undefined) ?? 161,
            has_community: false,
            has_auth_key: false,
            has_priv_key: false,
          },
          secrets: {},
        };
      else snmp = resolveSnmp(snmpIn as SnmpInputT, existing?.snmp);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      for (const d of (err.details as ErrorDetail[] | undefined) ?? [])
        errors.push({ field: columnOf(d.path), message: cellMessage(d.message) });
    }
    if (key) {
      const first = seen.get(key);
      if (first !== undefined)
        errors.push({ field: 'ip_address', message: `the same site and IP address as line ${first}` });
      else seen.set(key, r.line);
    }
    const parentName = f.parent ?? null;
    if (parentName && site && !names.has(`${site.id}|${parentName.toLowerCase()}`))
      errors.push({
        field: 'parent',
        message: `no device named "${parentName}" at site ${site.name} (above this line or already there)`,
      });
    if (errors.length > 0 || !parsed.success || !site || !snmp)
      return { line: r.line, action: 'refused', errors };
    const d = parsed.data as z.infer<typeof CreateDevice>;
    const write: DeviceWrite = {
      site_id: site.id,
      name: d.name,
      ip_address: d.ip_address,
      device_type: d.device_type,
      vendor: d.vendor ?? null,
      mac_address: d.mac_address ?? null,
      profile: d.profile ?? null,
      poll_interval_s: d.poll_interval_s,
      parent: parentName,
      credential_id: credentialId ?? null,
      snmp,
    };
    if (!existing) {
      names.set(`${site.id}|${d.name.toLowerCase()}`, 'new');
      return { line: r.line, action: 'create', errors: [], write };
    }
    const changes = deviceChanges(existing, write, ctx, f);
    names.set(`${site.id}|${d.name.toLowerCase()}`, existing.id);
    return changes.length === 0
      ? { line: r.line, action: 'unchanged', id: existing.id, errors: [] }
      : { line: r.line, action: 'update', id: existing.id, errors: [], write, changes };
  });
}

/** The columns whose value differs from the stored device (a secret left empty keeps the stored one). */
function deviceChanges(
  e: ExistingDevice,
  w: DeviceWrite,
  ctx: ImportContext<ExistingDevice>,
  f: Record<string, string>,
): string[] {
  const out: string[] = [];
  const cmp = (col: string, a: unknown, b: unknown) => {
    if ((a ?? null) !== (b ?? null)) out.push(col);
  };
  cmp('name', e.name, w.name);
  cmp('device_type', e.device_type, w.device_type);
  if (f.vendor !== undefined) cmp('vendor', e.vendor, w.vendor);
  if (f.mac_address !== undefined) cmp('mac_address', e.mac_address, w.mac_address);
  if (f.profile !== undefined) cmp('profile', e.profile, w.profile);
  if (f.poll_interval_s !== undefined) cmp('poll_interval_s', e.poll_interval_s, w.poll_interval_s);
  if (f.parent !== undefined) {
    const parent = ctx.existing.find((d) => d.id === e.parent_id);
    if (parent?.name.toLowerCase() !== w.parent?.toLowerCase()) out.push('parent');
  }
  if (f.credential_id !== undefined) cmp('credential_id', e.credential_id, w.credential_id);
  if (w.credential_id === null) {
    const a = e.snmp.settings;
    const b = w.snmp.settings;
    for (const k of [
      'version',
      'port',
      'username',
      'security_level',
      'auth_protocol',
      'priv_protocol',
      'context',
    ] as const)
      if ((a[k] ?? null) !== (b[k] ?? null)) out.push(COLUMN_OF_SNMP[k] ?? `snmp_${k}`);
    for (const k of ['community', 'auth_key', 'priv_key'] as const)
      if (w.snmp.secrets[k] !== undefined && w.snmp.secrets[k] !== e.snmp.secrets[k])
        out.push(COLUMN_OF_SNMP[k]!);
  } else if (f.snmp_port !== undefined) cmp('snmp_port', e.snmp.settings.port, w.snmp.settings.port);
  return [...new Set(out)];
}
